"""Explanations built from the numpy arrays equal `scoring.explain`'s."""

import datetime as dt
import random

import numpy as np
import pytest

from assessments.engine import explanations, scoring, vector

from .test_vector import POLICIES, T0, random_portfolio


@pytest.mark.parametrize("policy_name", list(POLICIES))
def test_explanations_equal_scoring_explain(policy_name):
    params = POLICIES[policy_name]
    events, assessments = random_portfolio(random.Random(f"explain {policy_name}"), 50)
    event_arrays = vector.EventArrays.from_inputs(events)
    assessment_arrays = vector.AssessmentArrays.from_inputs(assessments)
    previous = np.ones(len(events), dtype=int)
    for step in (0, 30, 90):
        as_of = T0 + dt.timedelta(days=step)
        scores = vector.score_day(
            event_arrays, assessment_arrays, len(events), as_of.toordinal(), params
        )
        levels = scores.levels(previous)
        rows = explanations.Rows(scores, levels)
        tops = explanations.top_events(
            event_arrays, len(events), as_of.toordinal(), params, titles=lambda ids: {}
        )
        for row, (row_events, row_assessments) in enumerate(zip(events, assessments, strict=True)):
            summary = scoring.summarise_events(row_events, as_of, params)
            expected = scoring.evaluate(
                event_summary=summary,
                assessments=row_assessments,
                previous_level=int(previous[row]),
                policy=params,
                as_of=as_of,
            ).explanation
            got = explanations.explanation(rows, row, tops[row], as_of, params)
            assert got == expected
        previous = levels


def test_engagements_without_contributing_events_have_no_top_events():
    params = POLICIES[next(iter(POLICIES))]
    events = [
        [scoring.EventInput("milestone_delivered", "normal", T0, 1)],
        [],
        [scoring.EventInput("technical_praise", "high", T0 - dt.timedelta(days=1), 2)],
    ]
    day = T0.toordinal()

    tops = explanations.top_events(
        vector.EventArrays.from_inputs(events), 3, day, params, titles=lambda ids: {}
    )
    empty = explanations.top_events(
        vector.EventArrays.from_inputs([[], []]), 2, day, params, titles=lambda ids: {}
    )

    assert [sorted(top) for top in tops] == [["delivery"], [], ["technical"]]
    assert [e["id"] for e in tops[2]["technical"]] == [2]
    assert empty == [{}, {}]


def test_round2_rounds_as_python_does():
    rng = np.random.default_rng(7)
    values = np.concatenate(
        [
            rng.random(20_000) * 300 - 100,
            # Exact and near halves, where rounding the product value * 100 goes astray.
            (np.arange(-5_000, 5_000) + 0.5) / 100,
            np.array([2.675, 1.005, 0.125, 0.375, -2.675, -0.0, 0.0]),
        ]
    )
    assert explanations.round2(values).tolist() == [round(v, 2) for v in values.tolist()]
    assert np.isnan(explanations.round2(np.array([np.nan]))).all()


def test_candidates_hold_every_group_top_three_ties_included():
    rng = np.random.default_rng(3)
    for _ in range(200):
        n = int(rng.integers(0, 300))
        group = rng.integers(0, int(rng.integers(1, 40)), n)
        # Few distinct sizes, some a float32 apart: ties and near-ties in every group.
        size = rng.integers(0, 5, n) * rng.choice([1.0, 1.0000001, 0.3], n)
        candidates = set(explanations._candidates(group, size, 3).tolist())
        for g in set(group.tolist()):
            members = np.flatnonzero(group == g)
            third = np.sort(size[members])[::-1][:3][-1]
            assert set(members[size[members] >= third].tolist()) <= candidates
