"""The organisation rules of DESIGN.md ("From individuals to the organisation"), pure."""

from collections import Counter

import pytest

from assessments.engine import scoring
from assessments.engine.organisation import (
    Stage,
    lower_median,
    lower_median_of_counts,
    partner_maturity,
    person_trust,
    stage_of,
)


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        ((4, 1), 1),  # DESIGN's example: an even count takes the lower middle rung
        ((4, 3, 2, 1), 2),  # DESIGN's second example
        ((3, 3, 1, 4), 3),
        ((2, 4, 4), 4),
        ((2,), 2),
        ((), None),
    ],
)
def test_lower_median(levels, expected):
    assert lower_median(levels) == expected
    # The same rung from the levels counted (the partner page's trend sums them per day).
    assert lower_median_of_counts(dict(Counter(levels))) == expected


def test_person_trust_is_the_scoring_rules_trust_of_one_rating():
    answers = {"credibility": 4, "reliability": 4, "intimacy": 3, "self_orientation": 2}

    assert person_trust(answers) == scoring.trust_score((4 + 4 + 3) / 2)
    assert person_trust(answers) == pytest.approx(68.83, abs=0.01)


@pytest.mark.parametrize(
    ("trusted", "product_owners", "active_raters", "expected"),
    [
        (set(), 4, {}, Stage.NONE),
        ({1}, 1, {10: {1}}, Stage.INDIVIDUAL),
        # Two trusted people of four product owners, every rated engagement covered.
        ({1, 2}, 4, {10: {1}, 11: {2, 3}}, Stage.ORGANISATION),
        # Two of five product owners is short of half.
        ({1, 2}, 5, {10: {1}, 11: {2}}, Stage.TEAM),
        # Enough people, but engagement 11 is rated only by someone who does not trust us.
        ({1, 2}, 4, {10: {1, 2}, 11: {3}}, Stage.TEAM),
        # No active engagement rated in the window: nothing left uncovered.
        ({1, 2}, 3, {}, Stage.ORGANISATION),
        # Trusted people need not be product owners; T >= P / 2 counts people.
        ({1, 2, 3}, 6, {10: {3}}, Stage.ORGANISATION),
    ],
)
def test_stage_boundaries(trusted, product_owners, active_raters, expected):
    stage = stage_of(trusted=trusted, product_owners=product_owners, active_raters=active_raters)

    assert stage == expected.value


def test_partner_maturity_from_facts():
    maturity = partner_maturity(
        scored=[(4, 80.0), (3, 70.0), (2, 55.0), (1, 35.0)],
        people={1: 70.0, 2: 65.0, 3: 64.9},
        product_owners=4,
        active_raters={10: {1}, 11: {2}, 12: {1, 3}},
        trust_threshold=65,
    )

    assert maturity.level == 2
    assert maturity.score == 60.0
    assert maturity.stage == Stage.ORGANISATION.value
    assert (maturity.trusted_people, maturity.product_owners, maturity.engagements) == (2, 4, 4)


def test_partner_without_scored_engagements_has_no_rung_or_score():
    maturity = partner_maturity(
        scored=[], people={1: 90.0}, product_owners=1, active_raters={}, trust_threshold=65
    )

    assert (maturity.level, maturity.score, maturity.engagements) == (None, None, 0)
    assert maturity.stage == Stage.INDIVIDUAL.value
