"""Attacks on the relationship register from the security review (issue 16, items 1, 7, 8):
each is refused and leaves the database as it was."""

import io

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from partners import imports
from partners.models import Contact, Engagement, EngagementEvent, Partner
from partners.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def api_as(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def pia(engagement_a):
    return ContactFactory(partner=engagement_a.partner, name="Pia", email="pia@acme.example")


# --- Item 1: contacts are changed only by people who work for the partner -----------------


def test_an_account_manager_of_another_partner_cannot_change_a_contact(
    client, other_am, engagement_b, pia
):
    client.force_login(other_am)
    page_url = reverse("partners:contact_edit", args=[pia.partner.slug, pia.pk])
    planted = {"name": "Pia", "email": "otto@provider.example"}

    page = client.post(page_url, planted)
    by_api = api_as(other_am).patch(f"/api/v1/contacts/{pia.pk}/", planted, format="json")

    assert (page.status_code, by_api.status_code) == (403, 403)
    pia.refresh_from_db()
    assert pia.email == "pia@acme.example"
    assert pia.history.count() == 1


def test_a_team_member_of_the_partner_may_change_its_contacts(teammate, pia):
    response = api_as(teammate).patch(
        f"/api/v1/contacts/{pia.pk}/", {"title": "Head of product"}, format="json"
    )
    assert response.status_code == 200
    assert Contact.objects.get(pk=pia.pk).title == "Head of product"


# --- Item 7: no line breaks in single-line names and titles -------------------------------

INJECTED = "Line1\nBcc: attacker@evil.example"


def test_a_line_break_in_an_engagement_name_is_refused_by_page_and_api(client, am, engagement_a):
    client.force_login(am)
    page = client.post(
        reverse("partners:engagement_create", args=[engagement_a.partner.slug]),
        {
            "name": INJECTED,
            "account_manager": am.pk,
            "started_on": "2026-01-05",
            "contract_type": "fixed_price",
            "status": "active",
        },
    )
    by_api = api_as(am).patch(
        f"/api/v1/engagements/{engagement_a.pk}/", {"name": INJECTED}, format="json"
    )

    assert "Use a single line: line breaks are not allowed here." in page.text
    assert by_api.status_code == 400
    assert by_api.json()["name"] == ["Use a single line: line breaks are not allowed here."]
    assert list(Engagement.objects.values_list("name", flat=True)) == ["Route planner"]


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/partners/", {"name": INJECTED}),
        ("/api/v1/contacts/", {"name": INJECTED, "email": "x@acme.example"}),
        ("/api/v1/contacts/", {"name": "X", "title": "CTO\r\nBcc: a@evil.example"}),
    ],
    ids=["partner name", "contact name", "contact title"],
)
def test_line_breaks_are_refused_in_partner_and_contact_fields(leader, partner_a, url, body):
    before = (Partner.objects.count(), Contact.objects.count())
    response = api_as(leader).post(
        url, {"partner": partner_a.pk, "email": "x@acme.example", **body}, format="json"
    )
    assert response.status_code == 400
    assert "Use a single line: line breaks are not allowed here." in str(response.json())
    assert (Partner.objects.count(), Contact.objects.count()) == before


def test_an_imported_event_title_with_a_line_break_is_refused(am, engagement_a):
    text = (
        "engagement,kind,occurred_on,title,impact,notes\n"
        f'{engagement_a.pk},milestone_delivered,2026-01-10,"Release\nBcc: a@evil.example",normal,\n'
    )
    rows = imports.csv_read(io.BytesIO(text.encode()))

    outcome = imports.csv_import(user=am, rows=rows, engagement=engagement_a)

    assert not outcome.ok
    assert "line breaks are not allowed" in str(outcome.errors)
    assert not EngagementEvent.objects.exists()


# --- Item 8: no engagement takeover -------------------------------------------------------


def test_a_team_member_cannot_take_over_by_page(client, am, teammate, engagement_a):
    client.force_login(teammate)
    url = reverse("partners:engagement_edit", args=[engagement_a.pk])

    response = client.post(
        url,
        {
            "name": "Route planner",
            "account_manager": teammate.pk,
            "team": [],
            "started_on": "2025-01-01",
            "contract_type": "time_and_material",
            "status": "active",
        },
    )

    assert response.status_code == 302  # the other fields are saved; these two are not
    engagement_a.refresh_from_db()
    assert engagement_a.account_manager == am
    assert list(engagement_a.team.all()) == [teammate]


def test_a_team_member_cannot_take_over_by_api(am, teammate, engagement_a):
    url = f"/api/v1/engagements/{engagement_a.pk}/"

    emptied = api_as(teammate).patch(url, {"team": []}, format="json")
    # The API never changes the account manager (read-only there): the field is ignored.
    ignored = api_as(teammate).patch(url, {"account_manager": teammate.pk}, format="json")

    assert emptied.status_code == 403
    assert ignored.json()["account_manager"] == am.pk
    engagement_a.refresh_from_db()
    assert engagement_a.account_manager == am
    assert list(engagement_a.team.all()) == [teammate]


def test_the_account_manager_and_leadership_reassign(
    client, am, other_am, leader, teammate, engagement_a
):
    url = f"/api/v1/engagements/{engagement_a.pk}/"
    assert api_as(am).patch(url, {"team": [other_am.pk]}, format="json").status_code == 200
    client.force_login(leader)
    client.post(
        reverse("partners:engagement_edit", args=[engagement_a.pk]),
        {
            "name": "Route planner",
            "account_manager": other_am.pk,
            "team": [other_am.pk],
            "started_on": "2025-01-01",
            "contract_type": "time_and_material",
            "status": "active",
        },
    )
    engagement_a.refresh_from_db()
    assert (engagement_a.account_manager, list(engagement_a.team.all())) == (other_am, [other_am])
    changes = engagement_a.history.order_by("history_id")
    assert [c.history_change_reason for c in changes][-2] == "Team changed to Otto Other"
    assert changes.last().history_user == leader
