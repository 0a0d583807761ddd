import json
from datetime import date

import pytest

from assessments.engine.scoring import (
    EventInput,
    PolicyParams,
    evaluate,
    gates_passed,
    next_rung_conditions,
    trust_score,
)
from assessments.tests.engine.inputs import (
    ANN,
    AS_OF,
    BOB,
    DEFAULT,
    approx,
    days_ago,
    event,
    rating,
)
from partners.choices import EventKind, Level

# D equals the client rating, so tests can place a dimension exactly on a threshold.
RATING_ONLY = PolicyParams(rating_weight=1.0)


def run(events=(), assessments=(), previous_level=Level.EXECUTOR, policy=DEFAULT, as_of=AS_OF):
    return evaluate(
        events=list(events),
        assessments=list(assessments),
        previous_level=previous_level,
        policy=policy,
        as_of=as_of,
    )


# --- the worked example of DESIGN.md ----------------------------------------------------------


@pytest.fixture
def worked_example():
    events = [
        event(EventKind.MILESTONE_DELIVERED, date(2026, 6, 20), id=1),
        event(EventKind.MILESTONE_DELIVERED, date(2026, 4, 1), impact="high", id=2),
        event(EventKind.DEADLINE_MISSED, date(2026, 5, 15), id=3),
        event(EventKind.TECHNICAL_RECOMMENDATION_ADOPTED, date(2026, 6, 1), id=4),
        event(EventKind.TECHNICAL_PRAISE, date(2026, 3, 2), id=5),
        event(EventKind.COMPETITOR_ANALYSIS_SHARED, date(2026, 6, 10), id=6),
        event(EventKind.STRATEGY_INVITATION, date(2026, 6, 25), id=7),
        event(EventKind.MILESTONE_DELIVERED, date(2025, 5, 1), id=8),
    ]
    assessments = [
        rating(ANN, date(2026, 6, 15), 4, 4, 3, 2, technical=4, domain=3, advice=3),
        rating(BOB, date(2026, 3, 31), 5, 4, 4, 2, technical=5, domain=3, advice=2),
    ]
    return run(events, assessments)


def test_worked_example_points(worked_example):
    points = {name: result.points for name, result in worked_example.dimensions.items()}

    assert points["delivery"] == pytest.approx(1.7467, abs=0.0001)
    assert points["technical"] == pytest.approx(3.1932, abs=0.0001)
    assert points["domain"] == pytest.approx(2.5717, abs=0.0001)
    assert points["partnership"] == pytest.approx(3.8489, abs=0.0001)
    assert worked_example.event_count == 7


def test_worked_example_ratings(worked_example):
    ratings = {name: result.rating for name, result in worked_example.dimensions.items()}

    assert ratings["delivery"] == approx(75.00)
    assert ratings["technical"] == approx(85.68)
    assert ratings["domain"] == approx(50.00)
    assert ratings["partnership"] == approx(39.32)


def test_worked_example_trust(worked_example):
    assert worked_example.trust_quotient == pytest.approx(5.9274, abs=0.0001)
    assert worked_example.dimensions["trust"].score == approx(71.16)


def test_worked_example_dimension_scores(worked_example):
    scores = {name: result.score for name, result in worked_example.dimensions.items()}

    assert list(scores) == ["delivery", "technical", "domain", "partnership", "trust"]
    assert scores["delivery"] == approx(51.41)
    assert scores["technical"] == approx(62.34)
    assert scores["domain"] == approx(39.07)
    assert scores["partnership"] == approx(36.37)
    assert scores["trust"] == approx(71.16)


def test_worked_example_score_and_level(worked_example):
    assert worked_example.score == approx(52.07)
    assert worked_example.level == Level.EXECUTOR
    assert worked_example.candidate_level == Level.EXECUTOR
    assert worked_example.rater_count == 2
    assert worked_example.assessment_count == 2
    assert worked_example.confidence == "medium"


def test_worked_example_explanation(worked_example):
    explanation = json.loads(json.dumps(worked_example.explanation))

    assert explanation["score"] == 52.07
    assert explanation["next_level"] == Level.SKILLED_PROVIDER
    assert explanation["unmet"][0] == {"condition": "delivery", "current": 51.41, "required": 60}
    assert explanation["dimensions"]["delivery"]["rating_part"] == 45.0
    assert explanation["dimensions"]["trust"]["score"] == 71.16
    assert explanation["trust_quotient"] == 5.93


def test_top_events_are_ranked_by_absolute_decayed_points(worked_example):
    top = worked_example.dimensions["delivery"].top_events

    assert [item["id"] for item in top] == [3, 2, 1]
    assert top[0]["points"] == -2.11
    assert top[0]["occurred_on"] == "2026-05-15"
    assert top[0]["kind"] == "deadline_missed"


def test_top_events_keep_three():
    events = [event(EventKind.INCIDENT_RESOLVED, days_ago(n), id=n) for n in range(5)]

    top = run(events).dimensions["delivery"].top_events

    assert [item["id"] for item in top] == [0, 1, 2]


# --- the client's review of the evidence --------------------------------------------------------


def test_disputed_event_vanishes_from_points_and_top_events():
    confirmed = event(EventKind.STRATEGY_INVITATION, days_ago(10), id=1)
    disputed = EventInput(EventKind.PROPOSAL_ADOPTED, "normal", days_ago(5), id=2, disputed=True)

    with_dispute = run([confirmed, disputed]).dimensions["partnership"]
    alone = run([confirmed]).dimensions["partnership"]

    assert with_dispute.points == approx(4 * 0.5 ** (10 / 90))
    assert with_dispute.points == alone.points
    assert [item["id"] for item in with_dispute.top_events] == [1]


def test_confirmed_event_counts_like_an_unreviewed_one():
    unreviewed = event(EventKind.DOMAIN_WORKSHOP, days_ago(3), id=1)
    confirmed = unreviewed._replace(id=2)

    assert (
        run([confirmed]).dimensions["domain"].points
        == run([unreviewed]).dimensions["domain"].points
    )
    assert run([confirmed]).score > 0


def test_disputed_event_weight_scales_a_disputed_events_points():
    disputed = EventInput(EventKind.ESCALATION, "normal", AS_OF, id=1, disputed=True)
    policy = PolicyParams(disputed_event_weight=0.25)

    result = run([disputed], policy=policy).dimensions["delivery"]

    assert result.points == approx(-1.0)
    assert result.top_events[0]["points"] == -1.0


def test_disputed_events_still_count_as_events_in_the_window():
    disputed = EventInput(EventKind.ESCALATION, "normal", AS_OF, id=1, disputed=True)

    assert run([disputed]).event_count == 1


# --- gates ------------------------------------------------------------------------------------


def scores(delivery=0.0, technical=0.0, domain=0.0, partnership=0.0, trust=None):
    return {
        "delivery": delivery,
        "technical": technical,
        "domain": domain,
        "partnership": partnership,
        "trust": trust,
    }


def gates(dimension_scores, raters=2):
    return gates_passed(dimension_scores, raters, 60, 65, 2)


ALL_AT_THRESHOLD = scores(60, 60, 60, 60, 65)


def test_skilled_provider_gate_passes_at_threshold():
    assert gates(scores(delivery=60, technical=60)) == Level.SKILLED_PROVIDER


@pytest.mark.parametrize("failing", ["delivery", "technical"])
def test_skilled_provider_gate_fails_just_below(failing):
    dimension_scores = {**scores(delivery=60, technical=60), failing: 59.99}

    assert gates(dimension_scores) == Level.EXECUTOR


def test_domain_expert_gate():
    assert gates(scores(60, 60, 60)) == Level.DOMAIN_EXPERT
    assert gates(scores(60, 60, 59.99)) == Level.SKILLED_PROVIDER


def test_domain_expert_needs_the_skilled_provider_gate():
    assert gates(scores(59.99, 100, 100, 100, 100)) == Level.EXECUTOR


def test_trusted_advisor_gate_passes_at_thresholds_with_two_raters():
    assert gates(ALL_AT_THRESHOLD, raters=2) == Level.TRUSTED_ADVISOR


def test_trusted_advisor_needs_enough_raters():
    assert gates(ALL_AT_THRESHOLD, raters=1) == Level.DOMAIN_EXPERT


@pytest.mark.parametrize("change", [{"trust": 64.99}, {"trust": None}, {"partnership": 59.99}])
def test_trusted_advisor_gate_fails(change):
    assert gates({**ALL_AT_THRESHOLD, **change}) == Level.DOMAIN_EXPERT


def test_next_rung_lists_every_unmet_condition_in_order():
    unmet = next_rung_conditions(Level.DOMAIN_EXPERT, scores(), 1, 60, 65, 2)

    assert unmet == [
        {"condition": "delivery", "current": 0.0, "required": 60},
        {"condition": "technical", "current": 0.0, "required": 60},
        {"condition": "domain", "current": 0.0, "required": 60},
        {"condition": "partnership", "current": 0.0, "required": 60},
        {"condition": "trust", "current": None, "required": 65},
        {"condition": "raters", "current": 1, "required": 2},
    ]


def test_next_rung_lists_only_unmet_conditions():
    unmet = next_rung_conditions(
        Level.DOMAIN_EXPERT, {**ALL_AT_THRESHOLD, "domain": 48.2}, 1, 60, 65, 2
    )

    assert unmet == [
        {"condition": "domain", "current": 48.2, "required": 60},
        {"condition": "raters", "current": 1, "required": 2},
    ]


def test_no_next_rung_above_trusted_advisor():
    assert next_rung_conditions(Level.TRUSTED_ADVISOR, scores(), 0, 60, 65, 2) == []


# --- hysteresis -------------------------------------------------------------------------------


def same_day_ratings(*answers):
    """One rating per answer; delivery and technical ratings average to 25 * (mean - 1).

    Domain and partnership are rated 0 so that only the first rung is in play.
    """
    return [
        rating(n, AS_OF, c=answer, r=answer, technical=answer, domain=1, advice=1)
        for n, answer in enumerate(answers, start=1)
    ]


AT_60 = same_day_ratings(3, 3, 3, 4, 4)
AT_55 = same_day_ratings(3, 3, 3, 3, 4)
AT_50 = same_day_ratings(3, 3, 3, 3, 3)
AT_45 = same_day_ratings(3, 3, 3, 3, 2)


def test_level_is_kept_inside_the_demotion_band():
    result = run(assessments=AT_55, previous_level=Level.SKILLED_PROVIDER, policy=RATING_ONLY)

    assert result.dimensions["delivery"].score == approx(55)
    assert result.candidate_level == Level.EXECUTOR
    assert result.held_level == Level.SKILLED_PROVIDER
    assert result.level == Level.SKILLED_PROVIDER


@pytest.mark.parametrize(
    ("ratings", "previous_level", "level"),
    [
        pytest.param(AT_50, Level.SKILLED_PROVIDER, Level.SKILLED_PROVIDER, id="kept-at-50"),
        pytest.param(AT_45, Level.SKILLED_PROVIDER, Level.EXECUTOR, id="lost-below-50"),
        pytest.param(AT_55, Level.EXECUTOR, Level.EXECUTOR, id="not-won-at-55"),
        pytest.param(AT_60, Level.EXECUTOR, Level.SKILLED_PROVIDER, id="won-at-60"),
        pytest.param(AT_55, Level.TRUSTED_ADVISOR, Level.SKILLED_PROVIDER, id="falls-to-held"),
    ],
)
def test_a_level_is_won_at_the_threshold_and_kept_inside_the_band(ratings, previous_level, level):
    result = run(assessments=ratings, previous_level=previous_level, policy=RATING_ONLY)

    assert result.level == level


def test_unmet_conditions_use_the_full_threshold_while_a_level_is_held():
    result = run(assessments=AT_55, previous_level=Level.SKILLED_PROVIDER, policy=RATING_ONLY)

    unmet = result.explanation["unmet"]
    assert result.explanation["next_level"] == Level.DOMAIN_EXPERT
    assert [item["condition"] for item in unmet] == ["delivery", "technical", "domain"]
    assert unmet[0] == {"condition": "delivery", "current": 55.0, "required": 60}


# --- the window -------------------------------------------------------------------------------


@pytest.mark.parametrize(("age", "counted"), [(0, 1), (364, 1), (365, 0), (-1, 0)])
def test_event_window_edges(age, counted):
    result = run([event(EventKind.INCIDENT_RESOLVED, days_ago(age))])

    assert result.event_count == counted
    assert len(result.dimensions["delivery"].top_events) == counted


def test_event_of_today_counts_in_full():
    result = run([event(EventKind.MILESTONE_DELIVERED, AS_OF)])

    assert result.dimensions["delivery"].points == 2.0


@pytest.mark.parametrize(("age", "counted"), [(0, 1), (364, 1), (365, 0), (-1, 0)])
def test_assessment_window_edges(age, counted):
    result = run(assessments=[rating(ANN, days_ago(age))])

    assert result.assessment_count == counted
    assert result.rater_count == counted


def test_window_follows_the_policy():
    result = run(
        [event(EventKind.INCIDENT_RESOLVED, days_ago(30))],
        [rating(ANN, days_ago(30))],
        policy=PolicyParams(window_days=30),
    )

    assert result.event_count == 0
    assert result.assessment_count == 0


def test_future_assessment_does_not_change_ratings():
    result = run(assessments=[rating(ANN, AS_OF, r=4), rating(BOB, days_ago(-1), r=1)])

    assert result.dimensions["delivery"].rating == 75.0
    assert result.rater_count == 1


# --- missing client ratings -------------------------------------------------------------------


@pytest.fixture
def events_only():
    return run(
        [
            event(EventKind.MILESTONE_DELIVERED, AS_OF),
            event(EventKind.TECHNICAL_PRAISE, AS_OF),
            event(EventKind.DOMAIN_WORKSHOP, AS_OF),
            event(EventKind.ADVICE_REQUESTED, AS_OF),
        ]
    )


def test_without_ratings_dimension_is_the_event_part(events_only):
    for name in ("delivery", "technical", "domain", "partnership"):
        result = events_only.dimensions[name]
        assert result.rating is None
        assert result.rating_part == 0.0
        assert result.score == approx(0.4 * result.events)
    assert events_only.dimensions["delivery"].events == approx(18.13)


def test_without_ratings_trust_is_missing(events_only):
    trust = events_only.dimensions["trust"]

    assert trust.score is None
    assert events_only.trust_quotient is None
    assert events_only.trust_components is None
    assert events_only.explanation["dimensions"]["trust"]["score"] is None
    assert events_only.confidence == "none"


def test_without_ratings_score_counts_trust_as_zero(events_only):
    evidence_scores = [
        events_only.dimensions[name].score
        for name in ("delivery", "technical", "domain", "partnership")
    ]

    assert events_only.score == approx(0.2 * sum(evidence_scores))


def test_nobody_climbs_without_the_clients_voice():
    kinds = [EventKind.MILESTONE_DELIVERED, EventKind.ARCHITECTURE_OWNERSHIP]
    events = [event(kind, AS_OF, impact="high") for kind in kinds for _ in range(20)]

    result = run(events)

    assert 39.9 < result.dimensions["delivery"].score <= 40
    assert result.level == Level.EXECUTOR


# --- events -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("impact", "points"), [("low", 1.0), ("normal", 2.0), ("high", 4.0)])
def test_impact_multiplies_points(impact, points):
    result = run([event(EventKind.MILESTONE_DELIVERED, AS_OF, impact=impact)])

    assert result.dimensions["delivery"].points == points


def test_event_points_halve_every_half_life():
    result = run([event(EventKind.STRATEGY_INVITATION, days_ago(90))])

    assert result.dimensions["partnership"].points == approx(2.0)


def test_negative_evidence_floors_event_evidence_at_zero():
    events = [
        event(EventKind.DEADLINE_MISSED, AS_OF, id=1),
        event(EventKind.ESCALATION, AS_OF, id=2),
    ]

    result = run(events, [rating(ANN, AS_OF, r=4)])

    delivery = result.dimensions["delivery"]
    assert delivery.points == -7.0
    assert delivery.events == 0.0
    assert delivery.event_part == 0.0
    assert delivery.score == approx(45.0)
    assert result.explanation["dimensions"]["delivery"]["points"] == -7.0
    assert [item["points"] for item in delivery.top_events] == [-4.0, -3.0]


# --- trust ------------------------------------------------------------------------------------


def test_neutral_answers_give_trust_fifty():
    result = run(assessments=[rating(ANN, AS_OF)])

    assert result.trust_quotient == 3.0
    assert result.dimensions["trust"].score == approx(50)


def test_trust_score_spans_the_trust_equation():
    assert trust_score(0.6) == approx(0)
    assert trust_score(15) == approx(100)


def test_trust_score_is_clamped():
    assert trust_score(40) == 100.0
    assert trust_score(0.1) == 0.0


def test_trust_uses_weighted_means_of_raw_answers():
    assessments = [rating(ANN, AS_OF, c=5, r=5, i=5, s=1), rating(BOB, days_ago(180), s=3)]

    result = run(assessments=assessments)

    # Bob's rating is a half-life old: weights 1 and 0.5.
    assert result.trust_components == {
        "credibility": approx(13 / 3),
        "reliability": approx(13 / 3),
        "intimacy": approx(13 / 3),
        "self_orientation": approx(5 / 3),
    }
    assert result.trust_quotient == approx(7.8)


@pytest.mark.parametrize(("raters", "confidence"), [(1, "low"), (2, "medium"), (3, "high")])
def test_confidence_follows_distinct_raters(raters, confidence):
    assessments = [rating(n, AS_OF) for n in range(1, raters + 1)]
    assessments.append(rating(1, days_ago(10)))

    assert run(assessments=assessments).confidence == confidence


def test_explanation_is_json_serialisable(events_only):
    assert json.loads(json.dumps(events_only.explanation))["as_of"] == "2026-06-30"
