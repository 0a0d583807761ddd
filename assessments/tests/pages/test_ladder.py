"""The ladder remembers: rungs held earlier show when, and which gate lost them."""

import datetime as dt

from assessments.pages.ladder import date_range, held_periods

from .factories import LevelChangeFactory, snapshot

LOST_ON = dt.date(2026, 9, 24)


def demoted(engagement, **scores):
    """Trusted advisor from 3 Feb 2026 until partnership fell to 47 on 24 Sep 2026."""
    LevelChangeFactory(engagement=engagement, from_level=1, to_level=4, as_of=dt.date(2026, 2, 3))
    values = {"delivery": 70, "technical": 70, "domain": 70, "partnership": 47, "trust": 70}
    day = snapshot(
        engagement, days_ago=0, today=LOST_ON, score=65, level=3, rater_count=2,
        **{**values, **scores},
    )  # fmt: skip
    LevelChangeFactory(engagement=engagement, from_level=4, to_level=3, as_of=LOST_ON, snapshot=day)
    return engagement


def test_held_periods_open_and_close_with_the_changes(engagement_a):
    climb = LevelChangeFactory.build(from_level=1, to_level=3, as_of=dt.date(2026, 1, 5))
    fall = LevelChangeFactory.build(from_level=3, to_level=1, as_of=dt.date(2026, 5, 1))
    back = LevelChangeFactory.build(from_level=1, to_level=2, as_of=dt.date(2026, 7, 1))

    assert held_periods([climb, fall, back], 3) == [[climb.as_of, fall.as_of]]
    assert held_periods([climb, fall, back], 2) == [
        [climb.as_of, fall.as_of],
        [back.as_of, None],
    ]


def test_date_ranges_name_the_year_once_when_they_share_it():
    assert date_range(dt.date(2026, 2, 3), LOST_ON) == "3 Feb – 24 Sep 2026"
    assert date_range(dt.date(2025, 12, 3), LOST_ON) == "3 Dec 2025 – 24 Sep 2026"


def test_a_rung_lost_shows_when_it_was_held_and_the_gate_that_fell(client, am, engagement_a):
    demoted(engagement_a)
    client.force_login(am)

    response = client.get(engagement_a.get_absolute_url())

    advisor, expert, *_ = response.context["ladder"]
    assert advisor["lost"] == "held 3 Feb – 24 Sep 2026, lost when partnership fell to 47 (< 50)"
    assert (expert["current"], expert["reached_on"]) == (True, LOST_ON)
    html = response.content.decode()
    assert "held 3 Feb – 24 Sep 2026, lost when partnership fell to 47 (&lt; 50)" in html
    assert "not yet" not in html


def test_a_demotion_on_the_timeline_names_every_gate_that_fell(client, am, engagement_a):
    demoted(engagement_a, trust=50)
    client.force_login(am)

    response = client.get(engagement_a.get_absolute_url() + "?show=levels")

    html = response.content.decode()
    assert "Moved down to Domain expert" in html
    assert "lost when trust fell to 50 (&lt; 55) and partnership fell to 47 (&lt; 50)" in html


def test_a_rung_never_held_is_not_yet(client, am, engagement_a):
    snapshot(engagement_a, days_ago=0, score=30)
    client.force_login(am)

    ladder = client.get(engagement_a.get_absolute_url()).context["ladder"]

    assert [rung["lost"] for rung in ladder] == [None, None, None, None]
    assert [rung["reached"] for rung in ladder] == [False, False, False, True]
