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
