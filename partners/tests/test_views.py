import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partners.models import Contact, Engagement, EngagementEvent, Partner
from partners.tests.factories import EngagementFactory, EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(engagement_a, engagement_b, client_a, client_b):
    EventFactory(engagement=engagement_b, title="Secret Borealis release")
    return engagement_a, engagement_b


@pytest.mark.parametrize("persona", ["client_a", "client_b"])
def test_client_never_sees_other_partner(client, request, world, persona):
    # Who may open which page is the authorization matrix's; this is about what a page shows.
    client.force_login(request.getfixturevalue(persona))
    own, other = world if persona == "client_a" else reversed(world)
    pages = (
        (reverse("assessments:rate_list"), 200),
        (reverse("assessments:rate_engagement", args=[other.pk]), 404),
        (reverse("assessments:partner_detail", args=[other.partner.slug]), 403),
    )
    for url, status in pages:
        response = client.get(url)
        assert response.status_code == status
        assert other.partner.name not in response.text
        assert other.name not in response.text
    assert own.name in client.get(reverse("assessments:rate_list")).text


def test_log_event_form_end_to_end(client, am, engagement_a):
    client.force_login(am)
    url = reverse("partners:event_create", args=[engagement_a.pk])
    page = client.get(url)
    assert 'label for="id_kind">Kind' in page.text
    assert f'value="{dt.date.today().isoformat()}"' in page.text
    assert '<optgroup label="Partnership">' in page.text
    response = client.post(
        url,
        {
            "kind": "strategy_invitation",
            "occurred_on": dt.date.today().isoformat(),
            "title": "Invited to roadmap day",
            "impact": "high",
            "notes": "Q3 planning",
        },
        follow=True,
    )
    assert "Event “Invited to roadmap day” logged." in response.text
    event = EngagementEvent.objects.get()
    assert (event.kind, event.impact, event.logged_by) == ("strategy_invitation", "high", am)
    assert "Invited to roadmap day" in response.text


def test_log_event_form_keeps_input_on_error(client, am, engagement_a):
    client.force_login(am)
    future = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    response = client.post(
        reverse("partners:event_create", args=[engagement_a.pk]),
        {
            "kind": "strategy_invitation",
            "occurred_on": future,
            "title": "Kept title",
            "impact": "normal",
        },
    )
    assert response.status_code == 200
    assert "The date cannot be in the future." in response.text
    assert 'value="Kept title"' in response.text
    assert not EngagementEvent.objects.exists()


def test_account_manager_creates_partner_contact_engagement(client, am):
    client.force_login(am)
    response = client.post(
        reverse("partners:create"), {"name": "Zeta <b>Corp</b>", "industry": "Retail"}, follow=True
    )
    assert "Partner “Zeta &lt;b&gt;Corp&lt;/b&gt;” created." in response.text
    partner = Partner.objects.get()
    client.post(
        reverse("partners:contact_create", args=[partner.slug]),
        {"name": "Zed", "email": "ZED@zeta.example", "is_product_owner": "on"},
    )
    assert Contact.objects.get().email == "zed@zeta.example"
    response = client.post(
        reverse("partners:engagement_create", args=[partner.slug]),
        {
            "name": "Checkout",
            "account_manager": am.pk,
            "started_on": "2026-01-05",
            "contract_type": "fixed_price",
            "status": "active",
        },
    )
    engagement = Engagement.objects.get()
    assert response.url == engagement.get_absolute_url()


def test_client_cannot_create_partner(client, client_a):
    client.force_login(client_a)
    assert client.post(reverse("partners:create"), {"name": "Evil"}).status_code == 403
    assert not Partner.objects.filter(name="Evil").exists()


def test_other_manager_cannot_edit_engagement(client, other_am, engagement_a):
    client.force_login(other_am)
    url = reverse("partners:engagement_edit", args=[engagement_a.pk])
    assert client.post(url, {"name": "Hijacked"}).status_code == 403
    engagement_a.refresh_from_db()
    assert engagement_a.name == "Route planner"


def page_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_events_list_queries_do_not_grow(client, am, engagement_a):
    EngagementFactory.create_batch(2, partner=engagement_a.partner)
    client.force_login(am)
    url = reverse("assessments:engagement_detail", args=[engagement_a.pk])
    counts = []
    for size in (3, 60):
        EventFactory.create_batch(
            size - engagement_a.events.count(), engagement=engagement_a, logged_by=am
        )
        counts.append(page_queries(client, url))
    assert counts[0] == counts[1]
