"""The numpy rule equals the readable spec, step by step, on random portfolios."""

import datetime as dt
import random

import numpy as np
import pytest

from assessments.engine import scoring, vector
from assessments.engine.scoring import AssessmentInput, EventInput, PolicyParams
from assessments.pages.relationship import rater_trust, trust_rests_on_one_person
from partners.choices import EventKind, Impact

T0 = dt.date(2026, 1, 5)
POLICIES = {
    "version 1": PolicyParams(),
    "threshold 50": PolicyParams(threshold=50, trust_threshold=55),
    "disputed at half weight": PolicyParams(disputed_event_weight=0.5),
    "fast decay, short window": PolicyParams(
        window_days=120, event_half_life_days=30, rating_half_life_days=45, demotion_band=5
    ),
    "trust-heavy, three raters": PolicyParams(
        rating_weight=0.8,
        event_saturation=4,
        weight_delivery=0.1,
        weight_technical=0.1,
        weight_domain=0.1,
        weight_partnership=0.2,
        weight_trust=0.5,
        min_raters_advisor=3,
        trust_threshold=60,
    ),
}


def random_portfolio(rng, engagements):
    """Per engagement: events and client assessments spread over 500 days around T0."""
    kinds, impacts = list(EventKind), list(Impact)
    portfolio_events, portfolio_assessments = [], []
    for row in range(engagements):
        # Strong, weak and empty relationships, so that every rung and both directions occur.
        bias = rng.choice([0.0, 0.3, 0.7, 1.0])
        positive = [k for k in kinds if scoring.EVENT_CATALOGUE[k][1] > 0]
        events = [
            EventInput(
                kind=str(rng.choice(positive if rng.random() < bias else kinds)),
                impact=str(rng.choice(impacts)),
                occurred_on=T0 + dt.timedelta(days=rng.randrange(-400, 120)),
                id=row * 1000 + n,
                disputed=n % 7 == 3,  # no draw: the random stream stays as it was
            )
            for n in range(rng.choice([0, 5, 30, 150]))
        ]
        raters = rng.sample(range(1, 6), rng.randint(1, 4))
        low = 1 if bias < 0.5 else 3
        assessments = [
            AssessmentInput(
                rater=rng.choice([*raters, None]) if rng.random() < 0.1 else rng.choice(raters),
                submitted_on=T0 + dt.timedelta(days=rng.randrange(-400, 120)),
                **{item: rng.randint(low, 5) for item in scoring.ANSWER_ITEMS},
                id=row * 1000 + n,
            )
            for n in range(rng.choice([0, 1, 2, 4, 8]))
        ]
        portfolio_events.append(events)
        portfolio_assessments.append(assessments)
    return portfolio_events, portfolio_assessments


@pytest.mark.parametrize("policy_name", list(POLICIES))
def test_vector_rule_equals_scoring_step_by_step(policy_name):
    params = POLICIES[policy_name]
    rng = random.Random(policy_name)
    events, assessments = random_portfolio(rng, 60)
    event_arrays = vector.EventArrays.from_inputs(events)
    assessment_arrays = vector.AssessmentArrays.from_inputs(assessments)
    previous_spec = [1] * len(events)
    previous_vector = np.ones(len(events), dtype=int)
    levels_seen = set()
    for step in range(0, 120, 7):
        as_of = T0 + dt.timedelta(days=step)
        scores = vector.score_day(
            event_arrays, assessment_arrays, len(events), as_of.toordinal(), params
        )
        levels = scores.levels(previous_vector)
        confidence = scores.confidence()
        for row, (row_events, row_assessments) in enumerate(zip(events, assessments, strict=True)):
            spec = scoring.evaluate(
                events=row_events,
                assessments=row_assessments,
                previous_level=previous_spec[row],
                policy=params,
                as_of=as_of,
            )
            expected = [spec.dimensions[name].score for name in scoring.DIMENSIONS]
            expected = [np.nan if value is None else value for value in expected]
            assert scores.dimensions[row] == pytest.approx(expected, abs=1e-9, nan_ok=True)
            assert scores.score[row] == pytest.approx(spec.score, abs=1e-9)
            quotient = np.nan if spec.trust_quotient is None else spec.trust_quotient
            assert scores.trust_quotient[row] == pytest.approx(quotient, abs=1e-9, nan_ok=True)
            assert (levels[row], scores.candidate[row], scores.held[row]) == (
                spec.level,
                spec.candidate_level,
                spec.held_level,
            )
            assert (
                scores.event_count[row],
                scores.assessment_count[row],
                scores.rater_count[row],
                confidence[row],
            ) == (spec.event_count, spec.assessment_count, spec.rater_count, spec.confidence)
            previous_spec[row] = spec.level
        previous_vector = levels
        levels_seen |= set(levels.tolist())
    assert len(levels_seen) >= 3, "the portfolio must exercise several rungs"


def test_empty_portfolio_scores_executor():
    scores = vector.score_day(
        vector.EventArrays.from_inputs([[], []]),
        vector.AssessmentArrays.from_inputs([[], []]),
        2,
        T0.toordinal(),
        PolicyParams(),
    )
    assert scores.score.tolist() == [0.0, 0.0]
    assert scores.levels(np.array([1, 3])).tolist() == [1, 1]
    assert scores.confidence().tolist() == ["none", "none"]


def test_a_disputed_events_points_are_multiplied_by_the_policys_weight():
    event = EventInput("strategy_invitation", "normal", T0, id=1)
    arrays = vector.EventArrays.from_inputs([[event]])
    disputed = vector.EventArrays.from_inputs([[event._replace(disputed=True)]])
    params = PolicyParams(event_half_life_days=10, disputed_event_weight=0.5)
    as_of = (T0 + dt.timedelta(days=10)).toordinal()
    rows = slice(0, 1)
    assert vector.decayed_points(arrays, rows, as_of, params).tolist() == [2.0]
    assert vector.decayed_points(disputed, rows, as_of, params).tolist() == [1.0]
    ignored = PolicyParams(event_half_life_days=10)
    assert vector.decayed_points(disputed, rows, as_of, ignored).tolist() == [0.0]


@pytest.mark.parametrize(
    "params",
    [*POLICIES.values(), PolicyParams(trust_threshold=50)],  # 50: neutral answers land on it
    ids=[*POLICIES, "trust threshold 50"],
)
def test_trust_on_one_person_follows_the_rule_over_each_raters_latest_rating(params):
    rng = random.Random(f"one person {params}")
    _, assessments = random_portfolio(rng, 120)
    # As the selectors load them: within a day, in the order they were submitted.
    assessments = [sorted(rated, key=lambda a: (a.submitted_on, a.id)) for rated in assessments]
    arrays = vector.AssessmentArrays.from_inputs(assessments)
    levels = np.array([rng.choice(list(scoring.Level)) for _ in assessments])
    seen = set()
    for step in (0, 60, 200):
        as_of = T0 + dt.timedelta(days=step)

        flags = vector.trust_on_one_person(
            arrays, levels, len(assessments), as_of.toordinal(), params
        )

        expected = [
            trust_rests_on_one_person(
                per_rater=rater_trust(assessments=rated, policy=params, as_of=as_of),
                level=int(level),
                policy=params,
            )
            for rated, level in zip(assessments, levels, strict=True)
        ]
        assert flags.tolist() == expected
        seen |= set(zip(expected, levels.tolist(), strict=True))
    # Both outcomes occur, below domain expert and from it on.
    assert {(flag, level >= scoring.Level.DOMAIN_EXPERT) for flag, level in seen} == {
        (True, True),
        (True, False),
        (False, True),
        (False, False),
    }
