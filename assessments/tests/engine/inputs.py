"""Plain inputs of the scoring rule for tests: events, ratings and days around AS_OF."""

from datetime import date, timedelta

import pytest

from assessments.engine.scoring import ANSWER_ITEMS, AssessmentInput, EventInput, PolicyParams

AS_OF = date(2026, 6, 30)
DEFAULT = PolicyParams()
ANN, BOB, CAROL = 1, 2, 3


def approx(value):
    return pytest.approx(value, abs=0.01)


def days_ago(days):
    return AS_OF - timedelta(days=days)


def event(kind, occurred_on, impact="normal", id=None, title=""):
    return EventInput(kind=kind, impact=impact, occurred_on=occurred_on, id=id, title=title)


def rating(rater, submitted_on, c=3, r=3, i=3, s=3, technical=3, domain=3, advice=3, id=None):
    """A client rating; c, r, i, s are credibility, reliability, intimacy, self-orientation."""
    answers = dict(zip(ANSWER_ITEMS, (c, r, i, s, technical, domain, advice), strict=True))
    return AssessmentInput(rater=rater, submitted_on=submitted_on, **answers, id=id)
