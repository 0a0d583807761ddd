"""/api/v1/partners/ and /api/v1/contacts/: the register through its services."""

import pytest

from partners.models import Contact, Partner

pytestmark = pytest.mark.django_db


def test_partner_create_makes_the_slug_and_ignores_read_only_keys(api, am):
    body = {
        "name": "Cobalt Care",
        "industry": "Health",
        "slug": "chosen-slug",
        "id": 4242,
        "created_at": "2001-01-01T00:00:00Z",
    }

    response = api(am).post("/api/v1/partners/", body, format="json")

    assert response.status_code == 201, response.content
    partner = Partner.objects.get(name="Cobalt Care")
    assert (partner.slug, partner.industry) == ("cobalt-care", "Health")
    assert partner.pk != 4242
    assert partner.created_at.year == 2026
    assert response.json()["slug"] == "cobalt-care"


def test_partner_names_are_unique(api, am, partner_a):
    response = api(am).post("/api/v1/partners/", {"name": partner_a.name}, format="json")

    assert response.status_code == 400
    assert response.json() == {"name": ["partner with this name already exists."]}


def test_partner_update_keeps_the_slug(api, leader, partner_a):
    response = api(leader).patch(
        f"/api/v1/partners/{partner_a.pk}/", {"name": "Acme Freight", "slug": "x"}, format="json"
    )

    assert response.status_code == 200
    partner_a.refresh_from_db()
    assert (partner_a.name, partner_a.slug) == ("Acme Freight", "acme-logistics")


def test_contact_create_normalises_the_email(api, am, partner_a):
    body = {"partner": partner_a.pk, "name": "Cy Client", "email": " Cy@Acme.EXAMPLE "}

    response = api(am).post("/api/v1/contacts/", body, format="json")

    assert response.status_code == 201, response.content
    assert Contact.objects.get(name="Cy Client").email == "cy@acme.example"


def test_a_login_cannot_be_linked_to_a_contact(api, am, partner_a, client_b):
    # Linking a user to a contact would give that user the partner's client access.
    body = {"partner": partner_a.pk, "name": "Cy", "email": "cy@acme.example", "user": client_b.pk}

    response = api(am).post("/api/v1/contacts/", body, format="json")

    assert response.status_code == 201
    assert Contact.objects.get(name="Cy").user is None
    assert response.json()["user"] is None


def test_a_contact_stays_with_its_partner(api, am, world):
    response = api(am).patch(
        f"/api/v1/contacts/{world.other_contact_a.pk}/",
        {"partner": world.partner_b.pk, "email": "ann@acme.example"},
        format="json",
    )

    assert response.status_code == 200
    world.other_contact_a.refresh_from_db()
    assert world.other_contact_a.partner == world.partner_a
    assert world.other_contact_a.email == "ann@acme.example"


def test_duplicate_contact_email_is_a_field_error(api, am, world):
    response = api(am).patch(
        f"/api/v1/contacts/{world.other_contact_a.pk}/",
        {"email": world.contact_a.email.upper()},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Contact with this Partner and Email already exists."]
    }


def test_contacts_filter_by_partner(api, am, world):
    response = api(am).get(f"/api/v1/contacts/?partner={world.partner_b.pk}")

    assert [c["id"] for c in response.json()["results"]] == [world.contact_b.pk]
