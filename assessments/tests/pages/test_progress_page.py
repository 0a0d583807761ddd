"""The relationship progress page (/engagements/<id>/)."""

import datetime as dt

import pytest
from django.utils import timezone

from assessments.engine.scoring import ANSWER_ITEMS
from assessments.models import MaturitySnapshot
from assessments.pages.next_rung import condition_sentence
from partners.tests.factories import EventFactory

from .factories import (
    LevelChangeFactory,
    RatingFactory,
    SelfAssessmentFactory,
    local_noon,
    snapshot,
)


def answers(*values):
    """Questionnaire answers in ANSWER_ITEMS order (C, R, I, S, technical, domain, advice)."""
    return dict(zip(ANSWER_ITEMS, values, strict=False))


# A rater whose trust clears the trust threshold on their own.
TRUSTING = answers(5, 5, 4, 1)


def page(client, user, engagement, query=""):
    client.force_login(user)
    response = client.get(engagement.get_absolute_url() + query)
    assert response.status_code == 200
    return response


def test_condition_sentence_in_plain_words():
    condition = {"condition": "domain", "current": 48.2, "required": 60}

    sentence = condition_sentence(condition, {"domain": 3.0})

    assert sentence == (
        "Domain knowledge 48 of 60: share business insights or competitor analyses; "
        "client rates 'understands our business' 3.0 of 5."
    )


def test_condition_sentences_for_raters_and_missing_trust():
    raters = condition_sentence({"condition": "raters", "current": 1, "required": 2}, None)
    trust = condition_sentence({"condition": "trust", "current": None, "required": 65}, None)

    assert raters.startswith("Client raters 1 of 2: ask more of the client's product owners")
    assert trust.startswith("Trust no rating yet: be credible, reliable and open")


def test_a_grown_relationship_shows_ladder_trend_dimensions_and_next_rung(client, am, grown_a):
    response = page(client, am, grown_a)
    context = response.context
    snapshot = MaturitySnapshot.objects.filter(engagement=grown_a).latest()

    current = [rung for rung in context["ladder"] if rung["current"]]
    assert [rung["value"] for rung in current] == [grown_a.level]
    assert context["trend_chart"]["line"].count(",") == 40
    gated = ["Delivery", "Technical skill", "Domain knowledge", "Partnership", "Trust"]
    next_rung_gates = {1: 2, 2: 3, 3: 5, 4: 5}[grown_a.level]
    assert [chart["label"] for chart in context["gate_charts"]] == gated[:next_rung_gates]
    assert "next rung 60" not in response.content.decode()
    assert [bar["name"] for bar in context["dimension_chart"]["bars"]] == [
        "delivery",
        "technical",
        "domain",
        "partnership",
        "trust",
    ]
    unmet = snapshot.explanation["unmet"]
    assert sorted(step["sentence"] for step in context["next_steps"]) == sorted(
        condition_sentence(c, snapshot.explanation["answer_means"]) for c in unmet
    )
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert 'aria-current="step"' in html
    assert '<title id="trend-title">Score and level over the last 12 months</title>' in html
    assert "Score at the end of each month" in html


def test_the_current_rung_shows_the_date_it_was_reached(client, am, engagement_a):
    LevelChangeFactory(engagement=engagement_a, from_level=1, to_level=2, as_of=dt.date(2026, 3, 2))
    engagement_a.level = 2
    engagement_a.save()

    html = page(client, am, engagement_a).content.decode()

    assert "since 2 Mar 2026" in html
    assert "started 1 Jan 2025" in html


def test_trust_per_person_and_the_one_person_warning(client, am, engagement_a, raters):
    RatingFactory(engagement=engagement_a, rater_contact=raters[0], **TRUSTING)

    response = page(client, am, engagement_a)

    people = response.context["people"]
    assert [row["contact"].name for row in people["rows"]] == ["Ada Lovelace"]
    assert people["rests_on_one_person"] is True
    html = response.content.decode()
    assert "Trust rests on one person." in html
    assert "Only Ada Lovelace has rated this relationship in the last year." in html


def test_no_warning_when_trust_is_broad(client, am, engagement_a, raters):
    for rater in raters:
        RatingFactory(engagement=engagement_a, rater_contact=rater, **TRUSTING)

    response = page(client, am, engagement_a)

    assert response.context["people"]["rests_on_one_person"] is False
    assert "Trust rests on one person." not in response.content.decode()


def test_perception_gap_compares_both_sides_and_calls_out_the_largest(
    client, am, engagement_a, raters
):
    client_view = answers(3, 3, 3, 3, 3, 2, 1)
    RatingFactory(engagement=engagement_a, rater_contact=raters[0], **client_view)
    provider_view = answers(4, 4, 4, 2, 4, 4, 4)
    SelfAssessmentFactory(engagement=engagement_a, rater_user=am, **provider_view)

    response = page(client, am, engagement_a)

    gap = response.context["gap"]
    assert {row["dimension"]: row["gap"] for row in gap["rows"]} == {
        "delivery": 25.0,
        "technical": 25.0,
        "domain": 50.0,
        "partnership": 75.0,
        "trust": pytest.approx(21.53, abs=0.01),
    }
    assert (gap["client_tq"], gap["tq_gap"]) == (3.0, 3.0)
    assert (
        "Largest gap: <strong>Partnership</strong>, where we rate ourselves 75 points higher "
        "than the client does." in response.content.decode()
    )


def test_empty_states_say_what_to_do_next(client, am, engagement_a):
    html = page(client, am, engagement_a).content.decode()

    assert "No score yet." in html
    assert "No history yet" in html
    assert "No client ratings in the last 12 months." in html
    assert "No self-assessment in the last 12 months." in html
    assert "Nothing has happened yet." in html
    assert f"/engagements/{engagement_a.pk}/events/new/" in html


def test_actions_only_for_those_who_may_change(client, other_am, engagement_a):
    html = page(client, other_am, engagement_a).content.decode()

    assert f"/engagements/{engagement_a.pk}/events/new/" not in html
    assert f"/engagements/{engagement_a.pk}/invitations/new/" not in html
    assert f"/engagements/{engagement_a.pk}/self-assessment/" not in html


def test_the_timeline_interleaves_events_ratings_and_level_changes(
    client, am, engagement_a, raters
):
    today = timezone.localdate()
    EventFactory(
        engagement=engagement_a,
        title="Workshop",
        kind="domain_workshop",
        occurred_on=today - dt.timedelta(days=3),
    )
    RatingFactory(
        engagement=engagement_a,
        rater_contact=raters[0],
        comment="Great workshop",
        submitted_at=local_noon(today - dt.timedelta(days=2)),
    )
    LevelChangeFactory(
        engagement=engagement_a, from_level=1, to_level=2, as_of=today - dt.timedelta(days=1)
    )
    EventFactory(engagement=engagement_a, title="Release", occurred_on=today)

    entries = page(client, am, engagement_a).context["page"].object_list

    assert [(e.type, getattr(e.item, "title", None)) for e in entries] == [
        ("event", "Release"),
        ("level", None),
        ("rating", None),
        ("event", "Workshop"),
    ]


def test_the_timeline_filters_by_dimension_and_pages_keep_the_filter(client, am, engagement_a):
    today = timezone.localdate()
    for n in range(25):
        EventFactory(
            engagement=engagement_a,
            title=f"Insight {n}",
            kind="business_insight_shared",
            occurred_on=today - dt.timedelta(days=n),
        )
    EventFactory(engagement=engagement_a, title="Release", occurred_on=today)

    response = page(client, am, engagement_a, "?show=domain")

    titles = [entry.item.title for entry in response.context["page"].object_list]
    assert len(titles) == 20
    assert "Release" not in titles
    assert "?show=domain&amp;page=2#timeline" in response.content.decode()
    second = page(client, am, engagement_a, "?show=domain&page=2").context["page"]
    assert [entry.item.title for entry in second.object_list][-1] == "Insight 24"


def test_an_unknown_timeline_filter_shows_everything(client, am, engagement_a):
    EventFactory(engagement=engagement_a, title="Release")

    response = page(client, am, engagement_a, "?show=nonsense")

    assert [entry.item.title for entry in response.context["page"].object_list] == ["Release"]


def test_dimension_bars_mark_the_next_rungs_gates_and_the_held_ones(client, am, engagement_a):
    snapshot(
        engagement_a, days_ago=0, score=50, level=2,
        delivery=55, technical=70, domain=40, partnership=30, trust=60,
    )  # fmt: skip

    response = page(client, am, engagement_a)

    bars = {bar["name"]: bar for bar in response.context["dimension_chart"]["bars"]}
    assert {name: bar["threshold"] for name, bar in bars.items()} == {
        "delivery": 60,
        "technical": 60,
        "domain": 60,
        "partnership": None,
        "trust": None,
    }
    assert {name: bar["hold"] for name, bar in bars.items()} == {
        "delivery": 50,
        "technical": None,
        "domain": None,
        "partnership": None,
        "trust": None,
    }
    html = response.content.decode()
    assert html.count('class="threshold-tick"') == 3
    assert html.count('class="hold-tick"') == 1
    assert "Answers only: our self-assessment against the client" in html
    assert "Each score combines the client" in html


def test_the_next_rung_lists_gaps_largest_first_with_what_moved_them(
    client, am, engagement_a, raters
):
    today = timezone.localdate()
    RatingFactory(
        engagement=engagement_a,
        rater_contact=raters[0],
        advice=1,
        submitted_at=local_noon(today - dt.timedelta(days=5)),
    )
    workshop = {"id": 7, "title": "Domain workshop", "points": 2.5, "occurred_on": "2026-01-01"}
    snapshot(
        engagement_a, days_ago=0, score=58, level=3,
        delivery=55, technical=70, domain=62, partnership=48.2, trust=60,
        explanation={
            "next_level": 4,
            "unmet": [
                {"condition": "partnership", "current": 48.2, "required": 60},
                {"condition": "trust", "current": 60.0, "required": 65},
                {"condition": "raters", "current": 1, "required": 2},
            ],
            "dimensions": {"partnership": {
                "score": 48.2, "rating_part": 30.0, "event_part": 18.2, "top_events": [workshop],
            }},
        },
    )  # fmt: skip

    response = page(client, am, engagement_a)

    steps = response.context["next_steps"]
    assert [step["condition"] for step in steps] == ["raters", "partnership", "trust"]
    assert steps[1]["events"] == [workshop]
    assert [rating["rater"] for rating in steps[1]["ratings"]] == ["Ada Lovelace"]
    assert response.context["hold_steps"] == ["Keep delivery above 50 (now 55)."]
    html = response.content.decode()
    assert "Moved most by “Domain workshop” (+2.5 pts)" in html
    assert '<a href="?show=partnership#timeline">see these events</a>' in html
    assert "To keep Domain expert" in html
