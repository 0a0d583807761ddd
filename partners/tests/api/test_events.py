"""/api/v1/events/: logging, changing and deleting events through the services."""

import datetime as dt

import pytest

from assessments.models import MaturitySnapshot
from partners.models import Engagement, EngagementEvent
from partners.tests.factories import TODAY, EventFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/events/"


def new_event(engagement, **overrides):
    return {
        "engagement": engagement.pk,
        "kind": "strategy_invitation",
        "occurred_on": TODAY.isoformat(),
        "title": "Invited to the 2027 roadmap day",
        "impact": "high",
        **overrides,
    }


def test_logging_an_event_recomputes_the_score(
    api, am, engagement_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = api(am).post(URL, new_event(engagement_a), format="json")

    assert response.status_code == 201, response.content
    event = EngagementEvent.objects.get()
    assert response.json() == {
        "id": event.pk,
        "engagement": engagement_a.pk,
        "kind": "strategy_invitation",
        "dimension": "partnership",
        "occurred_on": "2026-06-30",
        "title": "Invited to the 2027 roadmap day",
        "impact": "high",
        "notes": "",
        "points": 8.0,
        "logged_by": am.pk,
        "created_at": response.json()["created_at"],
        "client_status": "unreviewed",
        "client_comment": "",
        "client_reviewed_by": None,
        "client_reviewed_at": None,
    }
    assert len(callbacks) == 1
    engagement_a.refresh_from_db()
    assert (engagement_a.evidence_version, engagement_a.scored_version) == (1, 1)
    snapshot = MaturitySnapshot.objects.get(engagement=engagement_a, as_of=TODAY)
    assert snapshot.event_count == 1


def test_read_only_fields_in_the_body_are_ignored(api, am, other_am, engagement_a):
    body = new_event(
        engagement_a,
        id=999,
        logged_by=other_am.pk,
        created_at="2020-01-01T00:00:00Z",
        points=100,
        dimension="trust",
    )

    response = api(am).post(URL, body, format="json")

    assert response.status_code == 201, response.content
    event = EngagementEvent.objects.get()
    assert event.pk != 999
    assert event.logged_by == am
    assert event.created_at.year == 2026
    assert event.points == 8.0


def test_an_event_cannot_move_to_another_engagement(api, am, engagement_a, engagement_b):
    event = EventFactory(engagement=engagement_a, logged_by=am)

    response = api(am).patch(f"{URL}{event.pk}/", {"engagement": engagement_b.pk}, format="json")

    assert response.status_code == 200
    event.refresh_from_db()
    assert event.engagement == engagement_a


def test_service_refusals_come_back_as_field_errors(api, am, engagement_a):
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()

    response = api(am).post(URL, new_event(engagement_a, occurred_on=tomorrow), format="json")

    assert response.status_code == 400
    assert response.json() == {"occurred_on": ["The date cannot be in the future."]}
    assert not EngagementEvent.objects.exists()


def test_a_closed_engagement_refuses_events_as_a_whole(api, am, engagement_a):
    Engagement.objects.filter(pk=engagement_a.pk).update(status="closed")

    response = api(am).post(URL, new_event(engagement_a), format="json")

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["This engagement is closed; it takes no new evidence."]
    }


def test_update_and_delete_bump_the_evidence(api, am, engagement_a):
    event = EventFactory(engagement=engagement_a, logged_by=am, occurred_on=TODAY)
    client = api(am)

    updated = client.patch(
        f"{URL}{event.pk}/", {"impact": "low", "reason": "Smaller than we thought"}, format="json"
    )
    deleted = client.delete(f"{URL}{event.pk}/", {"reason": "Logged twice"}, format="json")

    assert (updated.status_code, updated.json()["points"]) == (200, 1.0)
    assert deleted.status_code == 204
    assert not EngagementEvent.objects.exists()
    engagement_a.refresh_from_db()
    assert engagement_a.evidence_version == 2


@pytest.mark.parametrize(
    ("query", "expected_titles"),
    [
        ("kind=deadline_missed", ["Missed"]),
        ("dimension=technical", ["Praise"]),
        ("occurred_on_after=2026-06-01&occurred_on_before=2026-06-15", ["Missed"]),
        ("engagement={b}", ["Other"]),
        ("", ["Shipped", "Missed", "Praise", "Other"]),
    ],
)
def test_filters(api, am, engagement_a, engagement_b, query, expected_titles):
    EventFactory(engagement=engagement_a, title="Shipped", occurred_on=dt.date(2026, 6, 20))
    EventFactory(
        engagement=engagement_a,
        title="Missed",
        kind="deadline_missed",
        occurred_on=TODAY.replace(day=10),
    )
    EventFactory(
        engagement=engagement_a,
        title="Praise",
        kind="technical_praise",
        occurred_on=dt.date(2026, 5, 2),
    )
    EventFactory(engagement=engagement_b, title="Other", occurred_on=dt.date(2026, 4, 1))

    response = api(am).get(f"{URL}?{query.format(b=engagement_b.pk)}")

    assert response.status_code == 200
    assert [event["title"] for event in response.json()["results"]] == expected_titles


def test_an_unreadable_filter_is_a_400(api, am):
    response = api(am).get(f"{URL}?occurred_on_after=yesterday")

    assert response.status_code == 400
    assert response.json() == {"occurred_on": ["Enter a valid date."]}


@pytest.mark.parametrize("count", [2, 30])
def test_list_queries_do_not_grow_with_the_page(
    api, am, engagement_a, count, django_assert_num_queries
):
    EventFactory.create_batch(count, engagement=engagement_a, logged_by=am)
    client = api(am)

    # token + user groups, count, page
    with django_assert_num_queries(4):
        response = client.get(URL)

    assert len(response.json()["results"]) == count


def test_page_size_is_capped(api, am, engagement_a):
    EventFactory.create_batch(205, engagement=engagement_a)

    response = api(am).get(f"{URL}?page_size=1000")

    assert len(response.json()["results"]) == 200
    assert response.json()["count"] == 205


def test_client_status_is_read_only_for_provider_staff(api, am, engagement_a):
    event = EventFactory(engagement=engagement_a, logged_by=am)

    response = api(am).patch(
        f"{URL}{event.pk}/",
        {"client_status": "confirmed", "client_comment": "Sure", "title": "Renamed"},
        format="json",
    )

    assert response.status_code == 200
    event.refresh_from_db()
    assert (event.title, event.client_status, event.client_comment) == (
        "Renamed",
        "unreviewed",
        "",
    )


def test_a_client_reviews_an_event_and_never_sees_its_notes(api, client_a, engagement_a, am):
    event = EventFactory(
        engagement=engagement_a, occurred_on=TODAY, notes="Internal: margin is thin", logged_by=am
    )

    response = api(client_a).post(
        f"{URL}{event.pk}/review/", {"status": "disputed", "comment": "Not held"}, format="json"
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert "notes" not in body
    assert "margin is thin" not in response.content.decode()
    assert (body["client_status"], body["client_comment"]) == ("disputed", "Not held")
    assert body["client_reviewed_by"] == client_a.contact.pk
    event.refresh_from_db()
    assert event.client_status == "disputed"


def test_a_review_with_an_unknown_status_is_refused(api, client_a, engagement_a):
    event = EventFactory(engagement=engagement_a, occurred_on=TODAY)

    response = api(client_a).post(f"{URL}{event.pk}/review/", {"status": "maybe"}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["status"]
    event.refresh_from_db()
    assert event.client_status == "unreviewed"


def test_events_older_than_180_days_are_not_reviewable(api, client_a, engagement_a):
    event = EventFactory(engagement=engagement_a, occurred_on=TODAY - dt.timedelta(days=180))

    response = api(client_a).post(f"{URL}{event.pk}/review/", {"status": "confirmed"})

    assert response.status_code == 404
