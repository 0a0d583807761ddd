"""The dashboard drills down: tiles, rung bars and insight lists filter the table, headers
sort it, and all of it stays in the query string."""

import csv
import io

import pytest
from django.utils import timezone

from assessments.models import MaturitySnapshot

from .factories import snapshot, store_facts
from .test_dashboard import dashboard, table


@pytest.mark.parametrize(
    "attention, expected",
    [
        ("at_risk", ["Card rewrite", "Depot app"]),
        ("stale", ["Route planner"]),
        ("moved_up", ["Mobile banking"]),
        ("moved_down", ["Card rewrite"]),
        ("one_person", ["Card rewrite", "Depot app", "Fleet data", "Mobile banking"]),
    ],
)
def test_each_insight_filters_the_table_to_its_list(client, leader, story, attention, expected):
    response = dashboard(client, leader, f"?attention={attention}")

    assert sorted(table(response)) == expected
    assert response.context["summary"]["total"] == len(expected)


def test_tiles_bars_and_lists_link_to_their_filter_keeping_the_others(client, leader, am, story):
    html = dashboard(client, leader, f"?manager={am.pk}").content.decode()

    for attention in ("at_risk", "stale", "one_person", "moved_up", "moved_down"):
        assert f'href="?manager={am.pk}&amp;attention={attention}#table-h"' in html
    for rung in (1, 2, 3, 4):
        assert f'href="?manager={am.pk}&amp;rung={rung}#table-h"' in html


def test_the_csv_follows_the_drill_down(client, leader, story):
    store_facts()  # as the recompute after the story's evidence would
    client.force_login(leader)

    response = client.get("/dashboard/export.csv?attention=at_risk")

    rows = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert sorted(row["engagement"] for row in rows) == ["Card rewrite", "Depot app"]


def test_a_header_sorts_and_a_second_click_reverses(client, leader, portfolio):
    first = dashboard(client, leader, "?status=active")
    score = next(h for h in first.context["headers"] if h["key"] == "score")
    assert (score["next"], score["aria_sort"]) == ("score", None)

    by_score = dashboard(client, leader, "?status=active&sort=score")
    assert table(by_score) == ["Mobile banking", "Depot app", "Card rewrite", "Route planner"]
    score = next(h for h in by_score.context["headers"] if h["key"] == "score")
    assert (score["next"], score["aria_sort"]) == ("-score", "descending")
    assert 'href="?status=active&amp;sort=-score#table-h"' in by_score.content.decode()

    reversed_ = dashboard(client, leader, "?status=active&sort=-score")
    assert table(reversed_) == ["Route planner", "Card rewrite", "Depot app", "Mobile banking"]
    score = next(h for h in reversed_.context["headers"] if h["key"] == "score")
    assert (score["next"], score["aria_sort"]) == ("score", "ascending")
    assert 'aria-sort="ascending"' in reversed_.content.decode()


def test_the_manager_column_sorts_by_name(client, leader, portfolio):
    names = table(dashboard(client, leader, "?sort=-manager&status=active"))

    assert names[0] == "Mobile banking"
    assert names[-1] in ("Route planner", "Depot app", "Card rewrite")


def test_empty_lists_under_a_filter_say_the_filter_matched_nothing(client, leader, story):
    html = dashboard(client, leader, "?attention=moved_up").content.decode()

    assert "No engagement matching these filters is at risk." in html
    assert "No engagement matching these filters is stale." in html
    assert "Nothing at risk." not in html
    assert "Every open engagement has a client rating" not in html
    assert "Nobody matching these filters moved down." in html


def test_the_table_shows_a_year_sparkline_the_largest_gap_and_a_confidence_key(
    client,
    leader,
    portfolio,
):
    depot = portfolio["Depot app"]
    snapshot(depot, days_ago=364, score=40.0, level=1)
    snapshot(depot, days_ago=182, score=50.0, level=2)
    latest = MaturitySnapshot.objects.get(engagement=depot, as_of=timezone.localdate())
    latest.explanation = {
        "unmet": [
            {"condition": "domain", "current": 48.2, "required": 60},
            {"condition": "delivery", "current": 57.0, "required": 60},
        ]
    }
    latest.save()

    response = dashboard(client, leader, "?sort=score&status=active")

    row = next(e for e in response.context["page"].object_list if e.name == "Depot app")
    assert row.next_gap == "domain 48 / 60"
    assert row.spark["desc"] == "Score from 40 to 62"
    html = response.content.decode()
    assert "Score from 40 to 62 over 12 months" in html
    assert 'id="confidence-legend"' in html
