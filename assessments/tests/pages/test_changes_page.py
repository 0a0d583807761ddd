"""The audit trail on the pages (issue 10, item 5): removed events on the timeline for
leadership and managers, and the engagement's "Changes" tab."""

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services as assessment_services
from partners import services
from partners.tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_a_deleted_negative_event_shows_its_reason_to_leadership_and_leaves_the_score(
    client, am, leader, staff, engagement_a
):
    escalation = EventFactory(
        engagement=engagement_a,
        kind="escalation",
        occurred_on=timezone.localdate(),
        title="Outage escalated",
    )
    EventFactory(
        engagement=engagement_a,
        kind="milestone_delivered",
        impact="high",
        occurred_on=timezone.localdate(),
    )
    before = assessment_services.engagement_recompute(engagement=engagement_a)
    services.event_delete(event=escalation, user=am, reason="The client withdrew it")
    after = assessment_services.engagement_recompute(engagement=engagement_a)
    url = reverse("assessments:engagement_detail", args=[engagement_a.pk])

    client.force_login(leader)
    seen_by_leader = client.get(url).text
    client.force_login(staff)
    seen_by_staff = client.get(url).text

    today = timezone.localdate()
    assert f"Removed by Anna Manager on {today:%-d %b %Y}: The client withdrew it" in seen_by_leader
    assert "Outage escalated" in seen_by_leader
    assert "Outage escalated" not in seen_by_staff
    assert (before.event_count, after.event_count) == (2, 1)
    assert after.delivery > before.delivery


def test_the_changes_tab_lists_the_history_paginated(client, am, leader, engagement_a):
    event = EventFactory(
        engagement=engagement_a, title="Workshop", occurred_on=timezone.localdate()
    )
    client.force_login(am)
    for n in range(30):
        services.event_update(event=event, data={"title": f"Workshop {n}"})
    services.event_update(event=event, data={"impact": "high"}, reason="Board attended")
    services.event_delete(event=event, user=am, reason="Duplicate of the June one")
    url = reverse("assessments:engagement_changes", args=[engagement_a.pk])

    first = client.get(url)
    last = client.get(url, {"page": 2})

    assert first.status_code == 200
    assert "Page 1 of 2" in first.text
    assert "Duplicate of the June one" in first.text
    assert "Board attended" in first.text
    assert "impact: normal → high" in first.text
    assert "Engagement created" in last.text
    assert (
        f'href="/engagements/{engagement_a.pk}/changes/"'
        in client.get(reverse("assessments:engagement_detail", args=[engagement_a.pk])).text
    )


def test_a_client_never_sees_the_changes(client, client_a, engagement_a):
    client.force_login(client_a)
    url = reverse("assessments:engagement_changes", args=[engagement_a.pk])
    assert client.get(url).status_code == 403
