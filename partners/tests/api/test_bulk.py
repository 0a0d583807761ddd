"""/api/v1/events/bulk/: many events in one request, all or nothing."""

import datetime as dt
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partners.models import Engagement, EngagementEvent
from partners.tests.factories import TODAY

pytestmark = pytest.mark.django_db

URL = "/api/v1/events/bulk/"


def rows(engagement, count, **overrides):
    return [
        {
            "engagement": engagement.pk,
            "kind": "milestone_delivered",
            "occurred_on": (TODAY - dt.timedelta(days=n % 300)).isoformat(),
            "title": f"Release {n}",
            **overrides,
        }
        for n in range(count)
    ]


def test_one_bad_row_saves_nothing_and_is_reported(api, am, engagement_a):
    body = rows(engagement_a, 5)
    body[3]["occurred_on"] = "2026-07-01"

    response = api(am).post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "rows": {"3": {"occurred_on": ["The date cannot be in the future."]}}
    }
    assert not EngagementEvent.objects.exists()
    engagement_a.refresh_from_db()
    assert engagement_a.evidence_version == 0


def test_every_kind_of_row_error_is_reported_at_once(api, am, engagement_a, engagement_b):
    body = rows(engagement_a, 5)
    body[0]["kind"] = "coffee_break"
    body[1]["engagement"] = engagement_b.pk
    body[2]["engagement"] = 987654
    body[4]["occurred_on"] = "2024-12-31"

    response = api(am).post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json() == {"rows": {"0": {"kind": ['"coffee_break" is not a valid choice.']}}}

    del body[0]
    response = api(am).post(URL, body, format="json")

    assert response.json() == {
        "rows": {
            "0": {"engagement": ["You may not log events for Borealis Bank: Mobile banking."]},
            "1": {"engagement": ["There is no engagement with id 987654."]},
            "3": {
                "occurred_on": [
                    "The engagement started on 01 Jan 2025; the date cannot be earlier."
                ]
            },
        }
    }
    assert not EngagementEvent.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "This list may not be empty."),
        ({"engagement": 1}, 'Expected a list of items but got type "dict".'),
        (None, "Ensure this field has no more than 1000 elements."),
    ],
)
def test_the_request_must_be_a_list_of_1_to_1000_rows(api, am, engagement_a, body, message):
    body = rows(engagement_a, 1001) if body is None else body

    response = api(am).post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [message]}


def test_1000_rows_with_long_notes_fit_in_one_request(api, am, engagement_a):
    body = rows(engagement_a, 1000, notes="Minutes of the review. " * 200)  # a 5 MB body

    response = api(am).post(URL, body, format="json")

    assert response.status_code == 201
    assert EngagementEvent.objects.count() == 1000


def test_rows_for_two_engagements_recompute_each_once(
    api, leader, engagement_a, engagement_b, django_capture_on_commit_callbacks
):
    body = rows(engagement_a, 40) + rows(engagement_b, 60)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = api(leader).post(URL, body, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["created"] == 100
    assert len(response.json()["events"]) == 100
    assert len(callbacks) == 2
    for engagement, count in ((engagement_a, 40), (engagement_b, 60)):
        engagement.refresh_from_db()
        assert (engagement.evidence_version, engagement.scored_version) == (1, 1)
        assert engagement.snapshots.get(as_of=TODAY).event_count == count
        assert engagement.events.filter(logged_by=leader).count() == count


def request_cost(client, body):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.post(URL, body, format="json")
        elapsed = time.perf_counter() - started
    assert response.status_code == 201, response.content
    return len(queries), elapsed


def test_1000_rows_cost_as_many_queries_as_10(
    api, am, engagement_a, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    client = api(am)
    small, _ = request_cost(client, rows(engagement_a, 10))

    with (
        django_capture_on_commit_callbacks() as callbacks,
        django_assert_max_num_queries(small),
    ):
        large, elapsed = request_cost(client, rows(engagement_a, 1000))

    assert EngagementEvent.objects.count() == 1010
    assert Engagement.objects.get(pk=engagement_a.pk).evidence_version == 2
    with CaptureQueriesContext(connection) as recompute_queries:
        started = time.perf_counter()
        for callback in callbacks:
            callback()
        recompute = time.perf_counter() - started
    print(
        f"\nbulk: 1,000 events in {elapsed * 1000:.0f} ms and {large} queries; then "
        f"{len(callbacks)} recompute in {recompute * 1000:.0f} ms and "
        f"{len(recompute_queries)} queries"
    )
