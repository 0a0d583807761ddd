"""Snapshot explanations from the arrays of `vector.Scores`: the same JSON as
`scoring.explain`, built without an `Evaluation` per engagement.

`tests/engine/test_explanations.py` proves both equal on random portfolios.
"""

import datetime as dt
import itertools

import numpy as np

from partners.choices import Level

from . import vector
from .scoring import ANSWER_ITEMS, DIMENSIONS, EVIDENCE_DIMENSIONS, RATERS, RUNG_CONDITIONS, TRUST

TRUST_ITEMS = ANSWER_ITEMS[:4]


def _rounded(value):
    return None if value is None else round(value, 2)


def present(value):
    # .tolist() turns NaN (missing) into float("nan"); NaN is the only value unequal to itself.
    return None if value != value else value


def top_events(events, n, as_of, params, titles, limit=3):
    """{dimension: [event dicts]} per engagement row: the ``limit`` events of the window with
    the largest absolute decayed points, ranked as `scoring._top_events` ranks them (ties:
    the later day, then the higher id). ``titles(ids)`` returns {id: title}."""
    rows = vector.window_slice(events.day, as_of, params.window_days)
    points = vector.decayed_points(events, rows, as_of, params)
    # An event that contributes nothing (disputed, weight 0) explains nothing: left out, as
    # `scoring._top_events` leaves it out.
    counts = points != 0
    points = points[counts]
    engagement, dimension = events.engagement[rows][counts], events.dimension[rows][counts]
    day, ids, kinds = events.day[rows][counts], events.id[rows][counts], events.kind[rows][counts]
    group = engagement * len(EVIDENCE_DIMENSIONS) + dimension
    candidates = _candidates(group, np.abs(points), limit)
    # Later day first, then higher id, as one key: ids stay below 2**40.
    recency = day[candidates] * 2**40 + ids[candidates]
    order = candidates[np.lexsort((-recency, -np.abs(points[candidates]), group[candidates]))]
    group = group[order]
    # Sorted by group, then rank: each event's place within its (engagement, dimension).
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if len(group) else group
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    chosen = order[rank < limit]
    chosen_ids = ids[chosen].tolist()
    names = titles(chosen_ids) if chosen_ids else {}
    days = day[chosen]
    # Each day's ISO date once, not once per event.
    unique_days, day_index = np.unique(days, return_inverse=True)
    dates = [dt.date.fromordinal(d).isoformat() for d in unique_days.tolist()]
    listed = [
        {
            "id": pk,
            "kind": vector.KINDS[kind],
            "title": names.get(pk, ""),
            "occurred_on": dates[d],
            "points": round(value, 2),
        }
        for pk, kind, d, value in zip(
            chosen_ids,
            kinds[chosen].tolist(),
            day_index.tolist(),
            points[chosen].tolist(),
            strict=True,
        )
    ]
    # ``chosen`` runs group by group: one slice of ``listed`` per (engagement, dimension).
    result = [{} for _ in range(n)]
    groups = group[rank < limit]
    if not len(groups):
        return result
    bounds = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1], True]).tolist()
    dimensions = len(EVIDENCE_DIMENSIONS)
    for start, end in itertools.pairwise(bounds):
        row, dim = divmod(int(groups[start]), dimensions)
        result[row][EVIDENCE_DIMENSIONS[dim]] = listed[start:end]
    return result


def _candidates(group, size, limit):
    """Indexes of the events that can rank among the ``limit`` largest ``size`` of their
    group: those whose size, rounded to float32, is at least the group's ``limit``-th largest
    so rounded.

    One sort of a 64-bit key (group, then the float32 size, whose bit pattern orders like the
    value for non-negative numbers) instead of the exact three-key sort of every event; the
    exact sort then ranks the few candidates. Rounding to float32 never reorders two sizes,
    it can only make them equal, which lets more in, never fewer.
    """
    if not len(group):
        return np.arange(0)
    coarse = size.astype(np.float32).view(np.int32).astype(np.int64)
    key = group.astype(np.int64) << 32 | coarse
    order = np.argsort(key)
    ordered = group[order]
    # The last position of each group in the sorted order, and ``limit`` places before it.
    ends = np.flatnonzero(np.r_[ordered[1:] != ordered[:-1], True])
    starts = np.r_[0, ends[:-1] + 1]
    threshold_at = np.maximum(ends - (limit - 1), starts)
    threshold = np.zeros(int(group.max()) + 1, dtype=np.int64)
    threshold[ordered[ends]] = coarse[order[threshold_at]]
    return np.flatnonzero(coarse >= threshold[group])


def round2(values):
    """``round(value, 2)`` of every element, bit for bit as Python rounds.

    numpy rounds ``value * 100``, whose own rounding can cross a half where Python rounds the
    exact binary value; the elements that lie that close to a half are rounded by Python.
    """
    values = np.asarray(values, dtype=float)
    rounded = np.round(values, 2)
    scaled = values * 100
    near_half = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    if near_half.any():
        rounded[near_half] = [round(value, 2) for value in values[near_half].tolist()]
    return rounded


class Rows:
    """The columns of a `Scores`, as Python lists: row access without numpy scalars. The
    ``rounded_`` columns hold the same numbers rounded to two places, as explanations show
    them (NaN where missing)."""

    def __init__(self, scores, levels):
        self.rounded_points = round2(scores.points).tolist()
        self.rounded_events = round2(scores.events).tolist()
        self.rounded_ratings = round2(scores.ratings).tolist()
        self.rounded_rating_part = round2(scores.rating_part).tolist()
        self.rounded_event_part = round2(scores.event_part).tolist()
        self.rounded_dimensions = round2(scores.dimensions).tolist()
        self.rounded_means = round2(scores.answer_means).tolist()
        self.rounded_quotient = round2(scores.trust_quotient).tolist()
        self.rounded_score = round2(scores.score).tolist()
        self.points = scores.points.tolist()
        self.events = scores.events.tolist()
        self.ratings = scores.ratings.tolist()
        self.rating_part = scores.rating_part.tolist()
        self.event_part = scores.event_part.tolist()
        self.dimensions = scores.dimensions.tolist()
        self.means = scores.answer_means.tolist()
        self.quotient = scores.trust_quotient.tolist()
        self.score = scores.score.tolist()
        self.candidate = scores.candidate.tolist()
        self.levels = levels.tolist()
        self.event_count = scores.event_count.tolist()
        self.assessment_count = scores.assessment_count.tolist()
        self.rater_count = scores.rater_count.tolist()
        self.confidence = scores.confidence().tolist()


def _dimensions(rows, row, top_events):
    explained = {}
    dimensions = rows.rounded_dimensions[row]
    ratings, events, points = (
        rows.rounded_ratings[row],
        rows.rounded_events[row],
        rows.rounded_points[row],
    )
    rating_part, event_part = rows.rounded_rating_part[row], rows.rounded_event_part[row]
    for k, name in enumerate(EVIDENCE_DIMENSIONS):
        explained[name] = {
            "score": dimensions[k],
            "rating": present(ratings[k]),
            "events": events[k],
            "points": points[k],
            "rating_part": rating_part[k],
            "event_part": event_part[k],
            "top_events": list(top_events.get(name, ())),
        }
    trust = present(dimensions[-1])
    explained[TRUST] = {
        "score": trust,
        "rating": trust,
        "events": None,
        "points": 0.0,
        "rating_part": trust if trust is not None else 0.0,
        "event_part": 0.0,
        "top_events": [],
    }
    return explained


def _unmet(level, scores, rater_count, params):
    """Unmet conditions of the next rung, as `scoring.next_rung_conditions` (rounded)."""
    if level >= Level.TRUSTED_ADVISOR:
        return []
    unmet = []
    for name in RUNG_CONDITIONS[level + 1]:
        if name == RATERS:
            current, required = rater_count, params.min_raters_advisor
        else:
            current = scores[name]
            required = params.trust_threshold if name == TRUST else params.threshold
        if current is None or current < required:
            unmet.append({"condition": name, "current": _rounded(current), "required": required})
    return unmet


def explanation(rows, row, top_events, as_of, params):
    """The explanation of engagement ``row``; ``top_events`` {dimension: event dicts}."""
    means = rows.rounded_means[row]
    rated = rows.assessment_count[row] > 0
    scores = dict(zip(DIMENSIONS, map(present, rows.dimensions[row]), strict=True))
    level = rows.levels[row]
    return {
        "as_of": as_of.isoformat(),
        "score": rows.rounded_score[row],
        "level": level,
        "candidate_level": rows.candidate[row],
        "confidence": rows.confidence[row],
        "rater_count": rows.rater_count[row],
        "event_count": rows.event_count[row],
        "assessment_count": rows.assessment_count[row],
        "trust_quotient": rows.rounded_quotient[row] if rated else None,
        "trust_components": dict(zip(TRUST_ITEMS, means, strict=False)) if rated else None,
        "answer_means": dict(zip(ANSWER_ITEMS, means, strict=True)) if rated else None,
        "dimensions": _dimensions(rows, row, top_events),
        "next_level": level + 1 if level < Level.TRUSTED_ADVISOR else None,
        "unmet": _unmet(level, scores, rows.rater_count[row], params),
    }
