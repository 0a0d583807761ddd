"""Person-to-person trust (DESIGN "Relationship insights beyond the score") from plain ratings."""

import pytest

from assessments.pages.relationship import rater_trust, trust_rests_on_one_person
from assessments.tests.engine.inputs import (
    ANN,
    AS_OF,
    BOB,
    CAROL,
    DEFAULT,
    approx,
    days_ago,
    rating,
)
from partners.choices import Level


def test_rater_trust_uses_each_raters_latest_assessment_in_the_window():
    assessments = [
        rating(ANN, days_ago(100), c=5, r=5, i=5, s=1),
        rating(ANN, days_ago(10), s=3),
        rating(ANN, days_ago(-1), s=5),
        rating(BOB, days_ago(20), c=4, r=4, i=4, s=2),
        rating(CAROL, days_ago(400), c=5, r=5, i=5, s=1),
        rating(None, AS_OF),
    ]

    rows = rater_trust(assessments=assessments, policy=DEFAULT, as_of=AS_OF)

    assert [row["rater"] for row in rows] == [BOB, ANN]
    assert rows[1]["submitted_on"] == days_ago(10)
    assert rows[1]["trust_quotient"] == 3.0
    assert rows[1]["trust"] == approx(50)
    assert rows[0]["answers"]["self_orientation"] == 2


def test_rater_trust_breaks_same_day_ties_by_id():
    assessments = [rating(ANN, AS_OF, s=1, id=8), rating(ANN, AS_OF, s=3, id=7)]

    rows = rater_trust(assessments=assessments, policy=DEFAULT, as_of=AS_OF)

    assert rows[0]["trust_quotient"] == 9.0


def rater_row(rater, trust):
    return {"rater": rater, "trust": trust}


@pytest.mark.parametrize(
    ("trusts", "level", "expected"),
    [
        ([], Level.TRUSTED_ADVISOR, False),
        ([90], Level.EXECUTOR, True),
        ([90, 30], Level.SKILLED_PROVIDER, False),
        ([90, 30], Level.DOMAIN_EXPERT, True),
        ([90, 65], Level.DOMAIN_EXPERT, False),
        ([40, 30], Level.TRUSTED_ADVISOR, True),
    ],
)
def test_trust_rests_on_one_person(trusts, level, expected):
    per_rater = [rater_row(n, trust) for n, trust in enumerate(trusts)]

    result = trust_rests_on_one_person(per_rater=per_rater, level=level, policy=DEFAULT)

    assert result is expected
