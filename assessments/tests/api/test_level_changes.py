"""/api/v1/level-changes/: who moved, for leadership."""

import datetime as dt

import pytest

from assessments.models import LevelChange

pytestmark = pytest.mark.django_db

URL = "/api/v1/level-changes/"


@pytest.fixture
def changes(world):
    demotion = LevelChange.objects.create(
        engagement=world.engagement_b, from_level=3, to_level=2, as_of=dt.date(2026, 5, 1)
    )
    return world.level_change_a, world.level_change_b, demotion


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", [0, 1, 2]),
        ("direction=up", [0, 1]),
        ("direction=down", [2]),
        ("as_of_before=2026-06-01", [2]),
        ("as_of_after=2026-06-01", [0, 1]),
        ("account_manager={am}", [0]),
    ],
)
def test_filters(api, leader, am, changes, query, expected):
    response = api(leader).get(f"{URL}?{query.format(am=am.pk)}")

    ids = sorted(item["id"] for item in response.json()["results"])
    assert ids == sorted(changes[n].pk for n in expected)


def test_a_change_reads_like_a_sentence(api, leader, changes):
    body = api(leader).get(f"{URL}{changes[2].pk}/").json()

    assert body == {
        "id": changes[2].pk,
        "engagement": changes[2].engagement_id,
        "engagement_name": "Mobile banking",
        "partner_name": "Borealis Bank",
        "account_manager": changes[2].engagement.account_manager_id,
        "from_level": 3,
        "from_level_display": "Domain expert",
        "to_level": 2,
        "to_level_display": "Skilled provider",
        "direction": "down",
        "as_of": "2026-05-01",
        "created_at": body["created_at"],
    }
