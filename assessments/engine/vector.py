"""The scoring rule of `scoring.py` in numpy: many engagements, one date, a few array passes.

`scoring.py` stays the readable spec; this module computes the same numbers for every
engagement of a set at once, so that the back-test (52 steps x 2 policies x 10,000
engagements) and the nightly recompute stay fast. `tests/engine/test_vector.py` proves both
equal step by step on random portfolios.

Engagements are rows 0..n-1 of the arrays. Days are proleptic ordinals (`date.toordinal()`).
Evidence arrays are sorted by day, so the window of a date is one contiguous slice.
"""

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from partners.choices import EVENT_CATALOGUE, IMPACT_FACTORS, Level

from .scoring import ANSWER_ITEMS, DIMENSIONS, EVIDENCE_DIMENSIONS, trust_score

DIMENSION_INDEX = {name: n for n, name in enumerate(EVIDENCE_DIMENSIONS)}
ANSWER_INDEX = {item: n for n, item in enumerate(ANSWER_ITEMS)}
KINDS = [str(kind) for kind in EVENT_CATALOGUE]
# (kind code, dimension, points x impact factor) of each (kind, impact): the numbers
# `scoring._contributions_by_dimension` multiplies, in the same order, so that the products
# are bit for bit the same.
KIND_POINTS = {
    (str(kind), str(impact)): (
        KINDS.index(str(kind)),
        DIMENSION_INDEX[str(dimension)],
        points * factor,
    )
    for kind, (dimension, points) in EVENT_CATALOGUE.items()
    for impact, factor in IMPACT_FACTORS.items()
}
IMPACTS = [str(impact) for impact in IMPACT_FACTORS]
# KIND_POINTS as lookup tables by kind and impact index, for events loaded as codes.
KIND_DIMENSIONS = np.array([KIND_POINTS[(kind, IMPACTS[0])][1] for kind in KINDS])
KIND_IMPACT_POINTS = np.array(
    [[KIND_POINTS[(kind, impact)][2] for impact in IMPACTS] for kind in KINDS]
)
CONFIDENCE = np.array(["none", "low", "medium", "high"])


def _sorted_by_day(day, *columns, then=None):
    """The columns in day order; within a day by ``then`` (else as given), so that sums over
    the rows come out the same whatever order the database returned them in."""
    order = np.argsort(day, kind="stable") if then is None else np.lexsort((then, day))
    return (day[order], *(column[order] for column in columns))


@dataclass(frozen=True)
class EventArrays:
    """One row per event.

    ``disputed`` marks the events the client disputed; `decayed_points` multiplies their
    points by the policy's ``disputed_event_weight``, and nothing else looks at it.
    """

    engagement: np.ndarray
    day: np.ndarray
    kind: np.ndarray  # index into KINDS
    dimension: np.ndarray
    points: np.ndarray
    disputed: np.ndarray
    id: np.ndarray

    @classmethod
    def build(cls, *, engagement, day, kind, dimension, points, id, disputed=None):
        disputed = (
            np.zeros(len(day), dtype=bool) if disputed is None else np.asarray(disputed, dtype=bool)
        )
        id = np.asarray(id, dtype=np.int64)
        day, engagement, kind, dimension, points, disputed, id = _sorted_by_day(
            np.asarray(day, dtype=np.int64),
            np.asarray(engagement, dtype=np.int64),
            np.asarray(kind, dtype=np.int64),
            np.asarray(dimension, dtype=np.int64),
            np.asarray(points, dtype=float),
            disputed,
            id,
            then=id,
        )
        return cls(engagement, day, kind, dimension, points, disputed, id)

    @classmethod
    def from_inputs(cls, per_engagement):
        """From lists of `scoring.EventInput`, one list per engagement row."""
        rows = [
            (
                row,
                event.occurred_on.toordinal(),
                *KIND_POINTS[(event.kind, event.impact)],
                event.id,
                event.disputed,
            )
            for row, events in enumerate(per_engagement)
            for event in events
        ]
        columns = zip(*rows, strict=True) if rows else [()] * 7
        engagement, day, kind, dimension, points, ids, disputed = columns
        ids = [-1 if pk is None else pk for pk in ids]
        return cls.build(
            engagement=engagement,
            day=day,
            kind=kind,
            dimension=dimension,
            points=points,
            id=ids,
            disputed=disputed,
        )


@dataclass(frozen=True)
class AssessmentArrays:
    """One row per client assessment; ``rater`` is the contact id, -1 when unknown."""

    engagement: np.ndarray
    day: np.ndarray
    rater: np.ndarray
    answers: np.ndarray  # shape (rows, 7), in `scoring.ANSWER_ITEMS` order

    @classmethod
    def build(cls, *, engagement, day, rater, answers):
        answers = np.asarray(answers, dtype=float).reshape(-1, len(ANSWER_ITEMS))
        day, engagement, rater, answers = _sorted_by_day(
            np.asarray(day, dtype=np.int64),
            np.asarray(engagement, dtype=np.int64),
            np.asarray(rater, dtype=np.int64),
            answers,
        )
        return cls(engagement, day, rater, answers)

    @classmethod
    def from_inputs(cls, per_engagement):
        """From lists of `scoring.AssessmentInput`, one list per engagement row."""
        rows = [(row, a) for row, assessments in enumerate(per_engagement) for a in assessments]
        return cls.build(
            engagement=[row for row, _ in rows],
            day=[a.submitted_on.toordinal() for _, a in rows],
            rater=[-1 if a.rater is None else a.rater for _, a in rows],
            answers=[[getattr(a, item) for item in ANSWER_ITEMS] for _, a in rows],
        )


@lru_cache(maxsize=32)
def decay_table(half_life_days, window_days):
    """0.5 ** (age / half-life) for every age in the window, with Python's own float power,
    so that each weight is exactly `scoring.decay`'s."""
    return np.array([0.5 ** (age / half_life_days) for age in range(window_days)])


def window_slice(days, as_of, window_days):
    """The rows of day-sorted ``days`` whose age a satisfies 0 <= a < window_days."""
    first = np.searchsorted(days, as_of - window_days + 1, side="left")
    last = np.searchsorted(days, as_of, side="right")
    return slice(first, last)


def decayed_points(events, rows, as_of, params):
    """Each event's points x impact x decay, x ``disputed_event_weight`` where the client
    disputed it, for the events of ``rows``."""
    age = as_of - events.day[rows]
    decay = decay_table(params.event_half_life_days, params.window_days)[age]
    weight = np.where(events.disputed[rows], params.disputed_event_weight, 1.0)
    return events.points[rows] * weight * decay


@dataclass
class Scores:
    """The rule's numbers for every engagement row on one date (NaN where missing)."""

    points: np.ndarray  # (n, 4) P_d
    events: np.ndarray  # (n, 4) E_d
    ratings: np.ndarray  # (n, 4) R_d, NaN without client assessments
    rating_part: np.ndarray  # (n, 4)
    event_part: np.ndarray  # (n, 4)
    dimensions: np.ndarray  # (n, 5) D_d in `scoring.DIMENSIONS` order; trust may be NaN
    answer_means: np.ndarray  # (n, 7), NaN without client assessments
    trust_quotient: np.ndarray  # (n,)
    score: np.ndarray
    candidate: np.ndarray
    held: np.ndarray
    event_count: np.ndarray
    assessment_count: np.ndarray
    rater_count: np.ndarray

    def levels(self, previous):
        """New levels given the previous ones: max(candidate, min(previous, held))."""
        return np.maximum(self.candidate, np.minimum(previous, self.held))

    def confidence(self):
        """none / low / medium / high, as `scoring.confidence_for`."""
        code = np.where(self.assessment_count == 0, 0, np.clip(self.rater_count, 1, 3))
        return CONFIDENCE[code]


def event_evidence(events, n, as_of, params):
    """P_d per row (n, 4) and the number of events in the window."""
    rows = window_slice(events.day, as_of, params.window_days)
    keys = events.engagement[rows] * len(EVIDENCE_DIMENSIONS) + events.dimension[rows]
    points = np.bincount(
        keys, decayed_points(events, rows, as_of, params), minlength=n * len(EVIDENCE_DIMENSIONS)
    ).reshape(n, len(EVIDENCE_DIMENSIONS))
    count = np.bincount(events.engagement[rows], minlength=n)
    return points, count


def _answer_means(assessments, n, as_of, params):
    rows = window_slice(assessments.day, as_of, params.window_days)
    engagement = assessments.engagement[rows]
    age = as_of - assessments.day[rows]
    weights = decay_table(params.rating_half_life_days, params.window_days)[age]
    total = np.bincount(engagement, weights, minlength=n)
    sums = np.stack(
        [
            np.bincount(engagement, weights * assessments.answers[rows, k], minlength=n)
            for k in range(len(ANSWER_ITEMS))
        ],
        axis=1,
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(total[:, None] > 0, sums / total[:, None], np.nan)
    count = np.bincount(engagement, minlength=n)
    return means, count, _rater_counts(engagement, assessments.rater[rows], n)


def _rater_counts(engagement, rater, n):
    known = rater >= 0
    span = int(rater.max()) + 1 if rater.size else 1
    pairs = np.unique(engagement[known] * span + rater[known])
    return np.bincount(pairs // span, minlength=n)


def _client_ratings(means):
    """R_d from the answer means, as `scoring.client_ratings` (NaN where missing)."""

    def v(item):
        return 25 * (means[:, ANSWER_INDEX[item]] - 1)

    return np.stack(
        [v("reliability"), (v("technical") + v("credibility")) / 2, v("domain"), v("advice")],
        axis=1,
    )


def _trust(means):
    c, r, i, s = (means[:, ANSWER_INDEX[item]] for item in ANSWER_ITEMS[:4])
    quotient = (c + r + i) / s
    present = ~np.isnan(quotient)
    # math.log through `scoring.trust_score` itself: numpy's log may differ in the last bit,
    # and neutral answers land exactly on round thresholds (trust 50).
    trust = np.full(len(quotient), np.nan)
    trust[present] = [trust_score(q) for q in quotient[present].tolist()]
    return quotient, trust


def trust_on_one_person(assessments, levels, n, as_of, params):
    """Per row, whether trust rests on one client person: the rule of
    ``relationship.trust_rests_on_one_person`` over each known rater's latest rating in the
    window (``relationship.rater_trust``), at the rows' ``levels``.

    Within a day the arrays must hold the ratings in the order they were submitted, as the
    selectors load them, so that the last of a rater's rows is their latest.
    """
    rows = window_slice(assessments.day, as_of, params.window_days)
    known = assessments.rater[rows] >= 0
    engagement = assessments.engagement[rows][known]
    rater = assessments.rater[rows][known]
    answers = assessments.answers[rows][known]
    span = int(rater.max()) + 1 if rater.size else 1
    keys = (engagement * span + rater)[::-1]
    _, first_from_end = np.unique(keys, return_index=True)
    latest = len(keys) - 1 - first_from_end
    c, r, i, s = (answers[latest, ANSWER_INDEX[item]] for item in ANSWER_ITEMS[:4])
    # Answers are whole numbers, so few quotients occur: each scored once, by
    # `scoring.trust_score` itself (see `_trust`).
    quotients, back = np.unique((c + r + i) / s, return_inverse=True)
    trust = np.array([trust_score(q) for q in quotients.tolist()])[back.reshape(-1)]
    rated = engagement[latest]
    raters = np.bincount(rated, minlength=n)
    trusting = np.bincount(rated[trust >= params.trust_threshold], minlength=n)
    return (raters == 1) | ((raters > 1) & (levels >= Level.DOMAIN_EXPERT) & (trusting <= 1))


def gates_passed(dimensions, rater_count, threshold, trust_threshold, min_raters):
    """Highest level whose gates pass, per row, as `scoring.gates_passed`."""
    delivery, technical, domain, partnership, trust = dimensions.T
    skilled = (delivery >= threshold) & (technical >= threshold)
    expert = skilled & (domain >= threshold)
    # NaN (no trust score) compares False, so a missing trust never passes.
    advisor = expert & (partnership >= threshold) & (trust >= trust_threshold)
    advisor &= rater_count >= min_raters
    return Level.EXECUTOR + skilled.astype(int) + expert + advisor


def score_day(events, assessments, n, as_of, params):
    """Every engagement row's `Scores` on the ordinal day ``as_of`` under ``params``."""
    points, event_count = event_evidence(events, n, as_of, params)
    return score_evidence(points, event_count, assessments, n, as_of, params)


def score_evidence(points, event_count, assessments, n, as_of, params):
    """`score_day` with the events already summed: P_d per row (n, 4) and event counts, as
    the recompute gets them from PostgreSQL."""
    means, assessment_count, rater_count = _answer_means(assessments, n, as_of, params)
    evidence = 100 * (1 - np.exp(-np.maximum(points, 0) / params.event_saturation))
    ratings = _client_ratings(means)
    rating_part = np.where(np.isnan(ratings), 0.0, params.rating_weight * ratings)
    event_part = (1 - params.rating_weight) * evidence
    quotient, trust = _trust(means)
    dimensions = np.column_stack([rating_part + event_part, trust])
    score = np.zeros(n)
    for k, name in enumerate(DIMENSIONS):  # summed in the spec's order, missing trust as 0
        score = score + params.dimension_weight(name) * np.nan_to_num(dimensions[:, k])
    band = params.demotion_band
    return Scores(
        points=points,
        events=evidence,
        ratings=ratings,
        rating_part=rating_part,
        event_part=event_part,
        dimensions=dimensions,
        answer_means=means,
        trust_quotient=quotient,
        score=score,
        candidate=gates_passed(
            dimensions,
            rater_count,
            params.threshold,
            params.trust_threshold,
            params.min_raters_advisor,
        ),
        held=gates_passed(
            dimensions,
            rater_count,
            params.threshold - band,
            params.trust_threshold - band,
            params.min_raters_advisor,
        ),
        event_count=event_count,
        assessment_count=assessment_count,
        rater_count=rater_count,
    )
