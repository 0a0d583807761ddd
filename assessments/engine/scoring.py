"""The scoring rule of DESIGN.md ("The scoring rule"), as pure Python.

Callers load events and client assessments from the database, turn them into the plain
inputs below and get back dimension scores, a level and a JSON-serialisable explanation.
Nothing here touches the ORM or settings, so the whole rule can be read and tested in one place.
"""

import heapq
import math
from dataclasses import dataclass, replace
from datetime import date
from typing import NamedTuple

from partners.choices import EVENT_CATALOGUE, IMPACT_FACTORS, Dimension, Level

EVIDENCE_DIMENSIONS = (
    Dimension.DELIVERY.value,
    Dimension.TECHNICAL.value,
    Dimension.DOMAIN.value,
    Dimension.PARTNERSHIP.value,
)
TRUST = Dimension.TRUST.value
DIMENSIONS = (*EVIDENCE_DIMENSIONS, TRUST)
RATERS = "raters"

TRUST_ITEMS = ("credibility", "reliability", "intimacy", "self_orientation")
ANSWER_ITEMS = (*TRUST_ITEMS, "technical", "domain", "advice")

# The trust equation's range for answers on the 1-5 scale: (1 + 1 + 1) / 5 and (5 + 5 + 5) / 1.
TQ_MIN = 0.6
TQ_MAX = 15.0

# Conditions of each rung; every rung includes those of the rungs below it.
RUNG_CONDITIONS = {
    Level.SKILLED_PROVIDER: (Dimension.DELIVERY.value, Dimension.TECHNICAL.value),
    Level.DOMAIN_EXPERT: (
        Dimension.DELIVERY.value,
        Dimension.TECHNICAL.value,
        Dimension.DOMAIN.value,
    ),
    Level.TRUSTED_ADVISOR: (*DIMENSIONS, RATERS),
}


class EventInput(NamedTuple):
    kind: str
    impact: str
    occurred_on: date
    id: int | None = None
    title: str = ""
    disputed: bool = False


class AssessmentInput(NamedTuple):
    rater: int | None
    submitted_on: date
    credibility: int
    reliability: int
    intimacy: int
    self_orientation: int
    technical: int
    domain: int
    advice: int
    id: int | None = None


@dataclass(frozen=True)
class PolicyParams:
    """Parameters of the scoring rule; the defaults are policy version 1 of DESIGN.md."""

    window_days: int = 365
    event_half_life_days: float = 90
    rating_half_life_days: float = 180
    event_saturation: float = 10.0
    rating_weight: float = 0.6
    weight_delivery: float = 0.2
    weight_technical: float = 0.2
    weight_domain: float = 0.2
    weight_partnership: float = 0.2
    weight_trust: float = 0.2
    threshold: float = 60
    trust_threshold: float = 65
    min_raters_advisor: int = 2
    demotion_band: float = 10
    # Points of an event the client disputed are multiplied by this (0: they vanish).
    disputed_event_weight: float = 0.0

    def dimension_weight(self, dimension):
        """Weight of a dimension in the overall score."""
        return getattr(self, f"weight_{dimension}")


@dataclass(frozen=True)
class DimensionResult:
    score: float | None
    rating: float | None
    events: float | None
    points: float
    rating_part: float
    event_part: float
    top_events: tuple


@dataclass(frozen=True)
class Evaluation:
    as_of: date
    dimensions: dict
    trust_quotient: float | None
    trust_components: dict | None
    answer_means: dict | None
    score: float
    level: int
    candidate_level: int
    held_level: int
    rater_count: int
    event_count: int
    assessment_count: int
    confidence: str
    explanation: dict


# --- The rule: one engagement on one day --------------------------------------------------


def evaluate(*, events=(), assessments, previous_level, policy, as_of, event_summary=None):
    """Apply the scoring rule to one engagement's evidence on ``as_of``.

    ``assessments`` are client-side only; events and assessments outside the window or dated
    after ``as_of`` are ignored here. ``previous_level`` is the level of the latest earlier
    snapshot (executor if none) and drives the hysteresis. An ``event_summary`` computed
    elsewhere replaces ``events``.
    """
    if event_summary is None:
        event_summary = summarise_events(events, as_of, policy)
    assessments = [a for a in assessments if in_window(a.submitted_on, as_of, policy.window_days)]
    means = answer_means(assessments, as_of, policy)
    quotient = trust_quotient(means) if means else None
    dimensions = _dimensions(event_summary, means, quotient, policy)
    scores = {name: result.score for name, result in dimensions.items()}
    rater_count = len({a.rater for a in assessments if a.rater is not None})
    level, candidate, held = _decide_level(scores, rater_count, previous_level, policy)
    evaluation = Evaluation(
        as_of=as_of,
        dimensions=dimensions,
        trust_quotient=quotient,
        trust_components={item: means[item] for item in TRUST_ITEMS} if means else None,
        answer_means=dict(means) if means else None,
        score=overall_score(scores, policy),
        level=level,
        candidate_level=candidate,
        held_level=held,
        rater_count=rater_count,
        event_count=event_summary.count,
        assessment_count=len(assessments),
        confidence=confidence_for(len(assessments), rater_count),
        explanation={},
    )
    return replace(evaluation, explanation=explain(evaluation, policy))


# --- Step 1. Window -----------------------------------------------------------------------


def in_window(day, as_of, window_days):
    """True when ``day`` is at most ``window_days - 1`` days before ``as_of`` and not after it."""
    return 0 <= (as_of - day).days < window_days


# --- Step 2. Decay ------------------------------------------------------------------------


def decay(day, as_of, half_life_days):
    """Weight of evidence dated ``day``: it halves every ``half_life_days``."""
    return 0.5 ** ((as_of - day).days / half_life_days)


# --- Step 3. Event evidence ---------------------------------------------------------------


class EventSummary(NamedTuple):
    """What the rule needs from an engagement's events: P_d, the top events, the count.

    `summarise_events` computes it from loaded events; the recompute and the back-test get
    the same numbers for many engagements at once from `vector` and `explanations`.
    """

    points: dict
    top_events: dict
    count: int


def summarise_events(events, as_of, policy):
    """Summarise the events in the window of ``as_of``."""
    events = [e for e in events if in_window(e.occurred_on, as_of, policy.window_days)]
    contributions = _contributions_by_dimension(events, as_of, policy)
    return EventSummary(
        points={name: sum(p for _, p in pairs) for name, pairs in contributions.items()},
        top_events={name: _top_events(pairs) for name, pairs in contributions.items()},
        count=len(events),
    )


def _contributions_by_dimension(events, as_of, policy):
    contributions = {dimension: [] for dimension in EVIDENCE_DIMENSIONS}
    # The same few ages recur across thousands of events: compute each decay once.
    decays = {}
    half_life = policy.event_half_life_days
    for event in events:
        dimension, points = EVENT_CATALOGUE[event.kind]
        weight = decays.get(event.occurred_on)
        if weight is None:
            weight = decays[event.occurred_on] = decay(event.occurred_on, as_of, half_life)
        if event.disputed:
            weight *= policy.disputed_event_weight
        contributions[dimension].append((event, points * IMPACT_FACTORS[event.impact] * weight))
    return contributions


def _top_events(contributions, limit=3):
    # Largest absolute contribution first; the most recent first among equals, so the list
    # reads like a timeline. An event that contributes nothing (disputed, weight 0) explains
    # nothing and is left out.
    ranked = heapq.nlargest(
        limit,
        (pair for pair in contributions if pair[1] != 0),
        key=lambda pair: (abs(pair[1]), pair[0].occurred_on, pair[0].id or 0),
    )
    return tuple(
        {
            "id": event.id,
            "kind": str(event.kind),
            "title": event.title,
            "occurred_on": event.occurred_on.isoformat(),
            "points": round(points, 2),
        }
        for event, points in ranked[:limit]
    )


def saturated_evidence(points, saturation):
    """Event evidence E_d on 0-100; net negative evidence floors at 0."""
    return 100 * (1 - math.exp(-max(points, 0) / saturation))


# --- Step 4. Client ratings ---------------------------------------------------------------


def answer_means(assessments, as_of, policy):
    """Decay-weighted mean of each raw questionnaire answer, or None without assessments."""
    if not assessments:
        return None
    weights = [decay(a.submitted_on, as_of, policy.rating_half_life_days) for a in assessments]
    total = sum(weights)
    return {
        item: sum(w * getattr(a, item) for w, a in zip(weights, assessments, strict=True)) / total
        for item in ANSWER_ITEMS
    }


def client_ratings(means):
    """R_d per evidence dimension from the answer means (v is linear, so v(mean) = mean of v)."""
    technical = (
        likert_to_percent(means["technical"]) + likert_to_percent(means["credibility"])
    ) / 2
    return {
        Dimension.DELIVERY.value: likert_to_percent(means["reliability"]),
        Dimension.TECHNICAL.value: technical,
        Dimension.DOMAIN.value: likert_to_percent(means["domain"]),
        Dimension.PARTNERSHIP.value: likert_to_percent(means["advice"]),
    }


def likert_to_percent(answer):
    """Map a 1-5 Likert answer onto 0-100."""
    return 25 * (answer - 1)


# --- Step 5. Trust ------------------------------------------------------------------------


def trust_quotient(answers):
    """Maister's trust equation T = (C + R + I) / S on raw 1-5 answers (or their means)."""
    credibility, reliability, intimacy, self_orientation = (answers[item] for item in TRUST_ITEMS)
    return (credibility + reliability + intimacy) / self_orientation


def trust_score(quotient):
    """Trust quotient on a log scale from 0 (TQ 0.6) through 50 (neutral) to 100 (TQ 15)."""
    scaled = 100 * (math.log(quotient) - math.log(TQ_MIN)) / (math.log(TQ_MAX) - math.log(TQ_MIN))
    return min(100.0, max(0.0, scaled))


# --- Step 6. Dimension scores -------------------------------------------------------------


def _dimensions(summary, means, quotient, policy):
    ratings = client_ratings(means) if means else {}
    dimensions = {
        name: _evidence_dimension(
            summary.points[name], summary.top_events[name], ratings.get(name), policy
        )
        for name in EVIDENCE_DIMENSIONS
    }
    dimensions[TRUST] = _trust_dimension(trust_score(quotient) if quotient is not None else None)
    return dimensions


def _evidence_dimension(points, top_events, rating, policy):
    events = saturated_evidence(points, policy.event_saturation)
    rating_part = policy.rating_weight * rating if rating is not None else 0.0
    event_part = (1 - policy.rating_weight) * events
    return DimensionResult(
        score=rating_part + event_part,
        rating=rating,
        events=events,
        points=points,
        rating_part=rating_part,
        event_part=event_part,
        top_events=top_events,
    )


def _trust_dimension(score):
    return DimensionResult(
        score=score,
        rating=score,
        events=None,
        points=0.0,
        rating_part=score if score is not None else 0.0,
        event_part=0.0,
        top_events=(),
    )


# --- Step 7. Overall score ----------------------------------------------------------------


def overall_score(dimension_scores, policy):
    """Σ weight_d × D_d over the five dimensions; a missing dimension counts 0."""
    return sum(
        policy.dimension_weight(name) * (score or 0.0) for name, score in dimension_scores.items()
    )


# --- Steps 8 and 9. Gates and hysteresis --------------------------------------------------


def rung_conditions(level, dimension_scores, rater_count, threshold, trust_threshold, min_raters):
    """Every condition of reaching ``level`` as dicts {"condition", "current", "required"}.

    A missing dimension counts as 0, except trust, whose missing score stays None.
    """
    conditions = []
    for name in RUNG_CONDITIONS[level]:
        if name == RATERS:
            current, required = rater_count, min_raters
        else:
            current = dimension_scores.get(name)
            required = trust_threshold if name == TRUST else threshold
            if current is None and name != TRUST:
                current = 0.0
        conditions.append({"condition": name, "current": current, "required": required})
    return conditions


def _is_met(condition):
    return condition["current"] is not None and condition["current"] >= condition["required"]


def gates_passed(dimension_scores, rater_count, threshold, trust_threshold, min_raters):
    """Highest level (1-4) whose gates all pass at the given thresholds."""
    passed = Level.EXECUTOR
    for level in RUNG_CONDITIONS:
        conditions = rung_conditions(
            level, dimension_scores, rater_count, threshold, trust_threshold, min_raters
        )
        if not all(_is_met(condition) for condition in conditions):
            break
        passed = level
    return int(passed)


def _decide_level(dimension_scores, rater_count, previous_level, policy):
    """(new, candidate, held) levels; held uses thresholds lowered by the demotion band."""

    def passed_below_thresholds_by(band):
        return gates_passed(
            dimension_scores,
            rater_count,
            policy.threshold - band,
            policy.trust_threshold - band,
            policy.min_raters_advisor,
        )

    candidate = passed_below_thresholds_by(0)
    held = passed_below_thresholds_by(policy.demotion_band)
    return int(max(candidate, min(previous_level, held))), candidate, held


# --- Step 10. Confidence ------------------------------------------------------------------


def confidence_for(assessment_count, rater_count):
    """none without client assessments, else low / medium / high by distinct raters."""
    if assessment_count == 0:
        return "none"
    if rater_count <= 1:
        return "low"
    return "medium" if rater_count == 2 else "high"


# --- Step 11. Explanation -----------------------------------------------------------------


def explain(evaluation, policy):
    """The JSON-serialisable explanation stored with a snapshot; numbers rounded to 2."""
    scores = {name: result.score for name, result in evaluation.dimensions.items()}
    unmet = next_rung_conditions(
        evaluation.level,
        scores,
        evaluation.rater_count,
        policy.threshold,
        policy.trust_threshold,
        policy.min_raters_advisor,
    )
    components = evaluation.trust_components
    return {
        "as_of": evaluation.as_of.isoformat(),
        "score": _rounded(evaluation.score),
        "level": evaluation.level,
        "candidate_level": evaluation.candidate_level,
        "confidence": evaluation.confidence,
        "rater_count": evaluation.rater_count,
        "event_count": evaluation.event_count,
        "assessment_count": evaluation.assessment_count,
        "trust_quotient": _rounded(evaluation.trust_quotient),
        "trust_components": (
            {item: _rounded(value) for item, value in components.items()} if components else None
        ),
        "answer_means": (
            {item: _rounded(value) for item, value in evaluation.answer_means.items()}
            if evaluation.answer_means
            else None
        ),
        "dimensions": {name: _explain_dimension(r) for name, r in evaluation.dimensions.items()},
        "next_level": evaluation.level + 1 if evaluation.level < Level.TRUSTED_ADVISOR else None,
        "unmet": [{**c, "current": _rounded(c["current"])} for c in unmet],
    }


def _explain_dimension(result):
    numbers = ("score", "rating", "events", "points", "rating_part", "event_part")
    explained = {name: _rounded(getattr(result, name)) for name in numbers}
    return {**explained, "top_events": list(result.top_events)}


def _rounded(value):
    return None if value is None else round(value, 2)


def next_rung_conditions(
    level, dimension_scores, rater_count, threshold, trust_threshold, min_raters
):
    """Unmet conditions of the rung above ``level``; empty at trusted advisor."""
    if level >= Level.TRUSTED_ADVISOR:
        return []
    conditions = rung_conditions(
        level + 1, dimension_scores, rater_count, threshold, trust_threshold, min_raters
    )
    return [condition for condition in conditions if not _is_met(condition)]
