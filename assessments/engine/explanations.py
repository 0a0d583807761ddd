"""Snapshot explanations from the arrays of `vector.Scores`: the same JSON as
`scoring.explain`, built without an `Evaluation` per engagement.

`tests/engine/test_explanations.py` proves both equal on random portfolios.
"""

import datetime as dt

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
    # Later day first, then higher id, as one key: ids stay below 2**40.
    recency = day * 2**40 + ids
    order = np.lexsort((-recency, -np.abs(points), group))
    group = group[order]
    # Sorted by group, then rank: each event's place within its (engagement, dimension).
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if len(group) else group
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    chosen = order[rank < limit]
    chosen_ids = ids[chosen].tolist()
    names = titles(chosen_ids) if chosen_ids else {}
    result = [{} for _ in range(n)]
    columns = (
        engagement[chosen].tolist(),
        dimension[chosen].tolist(),
        chosen_ids,
        kinds[chosen].tolist(),
        day[chosen].tolist(),
        points[chosen].tolist(),
    )
    dates = {}
    for row, dim, pk, kind, ordinal, value in zip(*columns, strict=True):
        occurred_on = dates.get(ordinal)
        if occurred_on is None:
            occurred_on = dates[ordinal] = dt.date.fromordinal(ordinal).isoformat()
        result[row].setdefault(EVIDENCE_DIMENSIONS[dim], []).append(
            {
                "id": pk,
                "kind": vector.KINDS[kind],
                "title": names.get(pk, ""),
                "occurred_on": occurred_on,
                "points": round(value, 2),
            }
        )
    return result


class Rows:
    """The columns of a `Scores`, as Python lists: row access without numpy scalars."""

    def __init__(self, scores, levels):
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
    for k, name in enumerate(EVIDENCE_DIMENSIONS):
        explained[name] = {
            "score": round(rows.dimensions[row][k], 2),
            "rating": _rounded(present(rows.ratings[row][k])),
            "events": round(rows.events[row][k], 2),
            "points": round(rows.points[row][k], 2),
            "rating_part": round(rows.rating_part[row][k], 2),
            "event_part": round(rows.event_part[row][k], 2),
            "top_events": list(top_events.get(name, ())),
        }
    trust = present(rows.dimensions[row][-1])
    explained[TRUST] = {
        "score": _rounded(trust),
        "rating": _rounded(trust),
        "events": None,
        "points": 0.0,
        "rating_part": round(trust, 2) if trust is not None else 0.0,
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
    means = rows.means[row]
    rated = rows.assessment_count[row] > 0
    scores = dict(zip(DIMENSIONS, map(present, rows.dimensions[row]), strict=True))
    level = rows.levels[row]
    return {
        "as_of": as_of.isoformat(),
        "score": round(rows.score[row], 2),
        "level": level,
        "candidate_level": rows.candidate[row],
        "confidence": rows.confidence[row],
        "rater_count": rows.rater_count[row],
        "event_count": rows.event_count[row],
        "assessment_count": rows.assessment_count[row],
        "trust_quotient": round(rows.quotient[row], 2) if rated else None,
        "trust_components": (
            {item: round(means[k], 2) for k, item in enumerate(TRUST_ITEMS)} if rated else None
        ),
        "answer_means": (
            {item: round(means[k], 2) for k, item in enumerate(ANSWER_ITEMS)} if rated else None
        ),
        "dimensions": _dimensions(rows, row, top_events),
        "next_level": level + 1 if level < Level.TRUSTED_ADVISOR else None,
        "unmet": _unmet(level, scores, rows.rater_count[row], params),
    }
