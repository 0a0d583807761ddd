"""/api/v1/engagements/ with scores, snapshots and the explanation."""

import datetime as dt

import pytest

from assessments import services
from assessments.models import MaturitySnapshot
from partners.models import Engagement
from partners.tests.factories import TODAY, EngagementFactory, EventFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/engagements/"


def test_an_engagement_carries_its_score(api, am, world):
    response = api(am).get(f"{URL}{world.engagement_a.pk}/")

    engagement = Engagement.objects.get(pk=world.engagement_a.pk)
    body = response.json()
    assert body["level"] == 1
    assert body["level_display"] == "Executor"
    assert body["score"] == pytest.approx(engagement.score)
    assert body["confidence"] == "low"
    assert body["dirty"] is False
    assert (body["evidence_version"], body["scored_version"]) == (
        engagement.evidence_version,
        engagement.scored_version,
    )
    assert body["partner_name"] == "Acme Logistics"
    assert body["account_manager"] == am.pk


def test_new_evidence_makes_it_dirty_until_recomputed(api, am, world):
    api(am).post(
        "/api/v1/events/",
        {
            "engagement": world.engagement_a.pk,
            "kind": "domain_workshop",
            "occurred_on": TODAY.isoformat(),
            "title": "Workshop",
        },
        format="json",
    )

    dirty = api(am).get(f"{URL}?dirty=true").json()["results"]

    assert [e["id"] for e in dirty] == [world.engagement_a.pk]
    assert dirty[0]["dirty"] is True


def test_a_client_lists_only_their_partners_engagements(api, client_a, world):
    EngagementFactory(partner=world.partner_b, name="Second B engagement")

    response = api(client_a).get(URL)

    assert [e["id"] for e in response.json()["results"]] == [world.engagement_a.pk]


@pytest.mark.parametrize("count", [2, 12])
def test_list_queries_do_not_grow_with_the_page(
    api, am, partner_a, count, django_assert_num_queries
):
    for n in range(count):
        engagement = EngagementFactory(partner=partner_a, name=f"E{n}", account_manager=am)
        engagement.team.add(am)
        services.engagement_recompute(engagement=engagement, notify=False)
    client = api(am)

    # token, user groups, count, page (with the latest confidence), team prefetch
    with django_assert_num_queries(5):
        response = client.get(URL)

    assert response.json()["count"] == count


def test_create_owns_it_and_ignores_read_only_keys(api, am, other_am, partner_a):
    body = {
        "partner": partner_a.pk,
        "name": "Warehouse app",
        "started_on": "2026-01-05",
        "team": [other_am.pk],
        "account_manager": other_am.pk,
        "level": 4,
        "score": 99.0,
        "evidence_version": 7,
        "scored_version": 7,
        "scored_at": "2026-01-01T00:00:00Z",
    }

    response = api(am).post(URL, body, format="json")

    assert response.status_code == 201, response.content
    engagement = Engagement.objects.get(name="Warehouse app")
    assert engagement.account_manager == am
    assert list(engagement.team.all()) == [other_am]
    assert (engagement.level, engagement.score, engagement.scored_at) == (1, None, None)
    assert (engagement.evidence_version, engagement.scored_version) == (0, 0)
    assert response.json()["dirty"] is False
    assert response.json()["confidence"] is None


def test_update_ignores_read_only_keys(api, am, other_am, world):
    engagement = world.engagement_a
    before = Engagement.objects.filter(pk=engagement.pk).values().get()
    body = {
        "description": "Now with a mobile app",
        "partner": world.partner_b.pk,
        "account_manager": other_am.pk,
        "level": 4,
        "score": 99.0,
        "evidence_version": 0,
        "scored_version": 99,
    }

    response = api(am).patch(f"{URL}{engagement.pk}/", body, format="json")

    assert response.status_code == 200, response.content
    after = Engagement.objects.filter(pk=engagement.pk).values().get()
    assert after == {**before, "description": "Now with a mobile app"}


def test_model_rules_come_back_as_field_errors(api, am, world):
    response = api(am).patch(
        f"{URL}{world.engagement_a.pk}/", {"ends_on": "2024-01-01"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"ends_on": ["The end date cannot be before the start date."]}


def test_the_team_takes_provider_users_only(api, am, client_a, world):
    response = api(am).patch(
        f"{URL}{world.engagement_a.pk}/", {"team": [client_a.pk]}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["team"]


def test_snapshots_filter_by_date(api, client_a, world):
    engagement = world.engagement_a
    for day in (dt.date(2026, 6, 1), dt.date(2026, 6, 15)):
        services.engagement_recompute(engagement=engagement, as_of=day, notify=False)
    url = f"{URL}{engagement.pk}/snapshots/"

    everything = api(client_a).get(url).json()["results"]
    june_first_half = api(client_a).get(f"{url}?as_of_before=2026-06-20").json()["results"]

    assert [s["as_of"] for s in everything] == ["2026-06-30", "2026-06-15", "2026-06-01"]
    assert [s["as_of"] for s in june_first_half] == ["2026-06-15", "2026-06-01"]
    assert everything[0]["policy_version"] == 1


def test_the_explanation_names_what_is_missing(api, am, world):
    EventFactory(engagement=world.engagement_a, kind="architecture_ownership", occurred_on=TODAY)
    services.engagement_recompute(engagement=world.engagement_a, notify=False)

    body = api(am).get(f"{URL}{world.engagement_a.pk}/explanation/").json()

    snapshot = MaturitySnapshot.objects.get(engagement=world.engagement_a, as_of=TODAY)
    assert body["snapshot"] == snapshot.pk
    assert body["next_level"] == 2
    assert set(body["dimensions"]) == {"delivery", "technical", "domain", "partnership", "trust"}
    assert body["dimensions"]["technical"]["top_events"][0]["kind"] == "architecture_ownership"
    assert body["unmet"] == snapshot.explanation["unmet"]
    assert {c["condition"] for c in body["unmet"]} == {"delivery", "technical"}


def test_no_explanation_before_the_first_score(api, am, engagement_a):
    response = api(am).get(f"{URL}{engagement_a.pk}/explanation/")

    assert response.status_code == 404
    assert response.json() == {"detail": "This engagement has not been scored yet."}


def test_filter_the_engagements_one_may_change(api, am, world):
    client = api(am)

    mine = client.get(f"{URL}?changeable=true").json()["results"]
    others = client.get(f"{URL}?changeable=false").json()["results"]

    assert [e["id"] for e in mine] == [world.engagement_a.pk]
    assert [e["id"] for e in others] == [world.engagement_b.pk]
