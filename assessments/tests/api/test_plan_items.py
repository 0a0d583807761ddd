"""/api/v1/plan-items/: the plan to the next rung, scoped like its engagement."""

import pytest

from assessments.models import PlanItem

pytestmark = pytest.mark.django_db

URL = "/api/v1/plan-items/"


def add_client_item(client, engagement, owner_contact, **fields):
    """POST a plan item of `engagement` owned by the client's `owner_contact`."""
    body = {"engagement": engagement.pk, "owner_side": "client", "owner_contact": owner_contact.pk}
    return client.post(URL, {**body, **fields}, format="json")


def test_a_manager_adds_and_completes_a_plan_item(api, am, engagement_a, client_a):
    created = add_client_item(
        api(am),
        engagement_a,
        client_a.contact,
        title="Domain workshop",
        dimension="domain",
        due_on="2026-07-15",
    )
    assert created.status_code == 201, created.content
    item = PlanItem.objects.get()
    assert (item.created_by, item.owner_contact, item.status) == (am, client_a.contact, "open")

    done = api(am).patch(f"{URL}{item.pk}/", {"status": "done"}, format="json")

    assert done.status_code == 200
    assert done.json()["done_at"] is not None
    item.refresh_from_db()
    assert item.status == "done"


def test_an_owner_contact_of_another_partner_is_refused(api, am, engagement_a, client_b):
    response = add_client_item(api(am), engagement_a, client_b.contact, title="Workshop")

    assert response.status_code == 400
    assert list(response.json()) == ["owner_contact"]
    assert PlanItem.objects.count() == 0


def test_a_client_sees_their_partners_plan_without_dropped_items(api, world, client_a):
    PlanItem.objects.create(engagement=world.engagement_a, title="Old idea", status="dropped")

    response = api(client_a).get(URL)

    assert [row["title"] for row in response.json()["results"]] == ["Roadmap day a"]
