"""The audit trail (issue 10, item 5): who changed what and when, reasons for changing or
deleting evidence, and who may delete the evidence that hurts."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from partners import services
from partners.models import Engagement, EngagementEvent
from partners.tests.factories import ContactFactory, EventFactory

pytestmark = pytest.mark.django_db


def recent(engagement, **kwargs):
    return EventFactory(engagement=engagement, occurred_on=timezone.localdate(), **kwargs)


def test_a_page_edit_records_who_changed_what(client, am, engagement_a):
    event = recent(engagement_a, title="Release 2.4")
    client.force_login(am)
    url = reverse("partners:event_edit", args=[engagement_a.pk, event.pk])
    data = {"kind": event.kind, "occurred_on": event.occurred_on, "impact": "normal"}

    client.post(url, {**data, "title": "Release 2.5"})

    latest = event.history.latest()
    assert (latest.history_type, latest.history_user, latest.title) == ("~", am, "Release 2.5")
    assert latest.diff_against(latest.prev_record).changed_fields == ["title"]


def test_changing_the_kind_date_or_impact_needs_a_reason(client, am, engagement_a):
    event = recent(engagement_a, title="Release 2.4")
    client.force_login(am)
    url = reverse("partners:event_edit", args=[engagement_a.pk, event.pk])
    data = {"kind": event.kind, "occurred_on": event.occurred_on, "title": event.title}

    refused = client.post(url, {**data, "impact": "high"})
    saved = client.post(url, {**data, "impact": "high", "reason": "It was the big release"})

    assert "Say why: the reason is kept in the engagement&#x27;s history." in refused.text
    assert saved.status_code == 302
    event.refresh_from_db()
    assert event.impact == "high"
    assert event.history.latest().history_change_reason == "It was the big release"
    assert event.history.count() == 2  # created, then changed once: the refusal left nothing


def test_api_edit_of_the_impact_without_a_reason_is_refused(am, engagement_a):
    event = recent(engagement_a)
    api = APIClient()
    api.force_authenticate(am)

    response = api.patch(f"/api/v1/events/{event.pk}/", {"impact": "high"}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "reason": ["Say why: the reason is kept in the engagement's history."]
    }
    event.refresh_from_db()
    assert event.impact == "normal"


def test_deleting_asks_for_a_reason_and_keeps_it(client, am, engagement_a):
    event = recent(engagement_a, title="Kick-off")
    client.force_login(am)
    url = reverse("partners:event_delete", args=[engagement_a.pk, event.pk])

    form = client.get(url)
    refused = client.post(url, {"reason": " "})
    assert EngagementEvent.objects.filter(pk=event.pk).exists()
    deleted = client.post(url, {"reason": "Logged twice"})

    assert "Why delete this event?" in form.text
    assert refused.status_code == 200
    assert deleted.status_code == 302
    assert not EngagementEvent.objects.filter(pk=event.pk).exists()
    removal = EngagementEvent.history.get(id=event.pk, history_type="-")
    assert (removal.history_user, removal.history_change_reason) == (am, "Logged twice")


@pytest.mark.parametrize(
    "event_kwargs",
    [
        {"kind": "escalation", "occurred_on": dt.date.today()},
        {"kind": "milestone_delivered", "occurred_on": dt.date.today() - dt.timedelta(days=31)},
    ],
    ids=["negative", "older than 30 days"],
)
def test_a_teammate_cannot_delete_protected_evidence(client, teammate, engagement_a, event_kwargs):
    event = EventFactory(engagement=engagement_a, **event_kwargs)
    client.force_login(teammate)
    url = reverse("partners:event_delete", args=[engagement_a.pk, event.pk])
    api = APIClient()
    api.force_authenticate(teammate)

    page = client.post(url, {"reason": "Not that bad"})
    by_api = api.delete(f"/api/v1/events/{event.pk}/?reason=Not+that+bad")

    assert (page.status_code, by_api.status_code) == (403, 403)
    assert EngagementEvent.objects.filter(pk=event.pk).exists()
    assert not EngagementEvent.history.filter(history_type="-").exists()


def test_a_teammate_deletes_a_recent_positive_event(teammate, engagement_a):
    event = recent(engagement_a)
    services.event_delete(event=event, user=teammate, reason="Wrong engagement")
    assert not EngagementEvent.objects.exists()


def test_the_account_manager_and_leadership_delete_protected_evidence(am, leader, engagement_a):
    first = EventFactory(engagement=engagement_a, kind="escalation", occurred_on=dt.date.today())
    second = EventFactory(engagement=engagement_a, kind="deadline_missed")
    services.event_delete(event=first, user=am, reason="Withdrawn by the client")
    services.event_delete(event=second, user=leader, reason="Logged for the wrong client")
    assert not EngagementEvent.objects.exists()
    with pytest.raises(ValidationError):
        services.event_delete(event=recent(engagement_a, kind="escalation"), user=am, reason="")


def test_staff_without_a_role_cannot_delete_protected_evidence(staff, engagement_a):
    event = EventFactory(engagement=engagement_a, kind="escalation", occurred_on=dt.date.today())
    with pytest.raises(PermissionDenied):
        services.event_delete(event=event, user=staff, reason="Cleaning up")
    assert EngagementEvent.objects.filter(pk=event.pk).exists()


def test_a_bulk_import_is_one_history_entry_per_engagement(am, engagement_a):
    today = timezone.localdate()
    rows = [
        {
            "engagement": engagement_a,
            "kind": "milestone_delivered",
            "occurred_on": today,
            "title": f"Release {n}",
        }
        for n in range(30)
    ]
    services.events_bulk_log(rows=rows, logged_by=am)

    assert EngagementEvent.history.count() == 0
    entry = Engagement.history.filter(id=engagement_a.pk).latest()
    assert (entry.history_user, entry.history_change_reason) == (am, "Imported 30 events")
    assert Engagement.history.filter(id=engagement_a.pk).count() == 2  # created, imported


def test_a_contact_email_change_is_in_the_audit_trail(client, am, engagement_a):
    contact = ContactFactory(partner=engagement_a.partner, email="pia@acme.example")
    client.force_login(am)
    url = reverse("partners:contact_edit", args=[engagement_a.partner.slug, contact.pk])

    client.post(url, {"name": contact.name, "email": "pia.owner@acme.example", "title": ""})

    latest = contact.history.latest()
    assert latest.history_user == am
    assert latest.history_change_reason == (
        "Email changed from pia@acme.example to pia.owner@acme.example"
    )
    assert latest.prev_record.email == "pia@acme.example"
