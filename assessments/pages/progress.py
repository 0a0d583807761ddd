"""The relationship progress page, assembled from a handful of queries.

The latest snapshot carries the explanation (dimensions, unmet conditions, trust
components); the year of snapshots draws the trend; the engagement's ratings, loaded once,
feed per-person trust, the perception gap and the timeline.
"""

import datetime as dt

from django.utils import timezone

from partners import access
from partners.choices import Dimension, Level

from .. import selectors
from ..engine.scoring import DIMENSIONS, RATERS, RUNG_CONDITIONS, TRUST, TRUST_ITEMS
from ..models import LevelChange, MaturitySnapshot, TrustAssessment
from . import charts, plan, relationship
from .ladder import ladder
from .next_rung import hold_steps, next_steps
from .timeline import timeline_page

TREND_DAYS = 365

TRUST_LABELS = {
    "credibility": "Credibility",
    "reliability": "Reliability",
    "intimacy": "Intimacy",
    "self_orientation": "Self-orientation",
}


def latest_snapshot(engagement):
    return (
        MaturitySnapshot.objects.filter(engagement=engagement)
        .select_related("policy")
        .order_by("-as_of")
        .first()
    )


def rung_gates(level):
    """The dimensions gating ``level`` (none for executor)."""
    if level <= Level.EXECUTOR:
        return []
    return [name for name in RUNG_CONDITIONS[level] if name != RATERS]


def dimension_rows(snapshot, explanation, policy, level):
    """Per dimension: score, client-rating part, event part; the threshold where it gates
    the next rung, the hold line where it holds the current rung inside the band."""
    explained = explanation.get("dimensions") or {}
    next_gates = rung_gates(level + 1) if level < Level.TRUSTED_ADVISOR else []
    rows = []
    for name in DIMENSIONS:
        part = explained.get(name)
        score = part["score"] if part else getattr(snapshot, name)
        threshold = policy.trust_threshold if name == TRUST else policy.threshold
        held = name in rung_gates(level) and score is not None and score < threshold
        rows.append(
            {
                "name": name,
                "label": Dimension(name).label,
                "score": score,
                # An explanation-less snapshot (imported history) shows its score unsplit.
                "rating_part": part["rating_part"] if part else (score or 0),
                "event_part": part["event_part"] if part else 0,
                "threshold": threshold if name in next_gates else None,
                "hold": threshold - policy.demotion_band if held else None,
                "top_events": part.get("top_events", []) if part else [],
            }
        )
    return rows


def trend(engagement, today):
    """(start, [(day, score, level)], [(day, {dimension: score})]) over the last year."""
    start = today - dt.timedelta(days=TREND_DAYS - 1)
    rows = list(
        MaturitySnapshot.objects.filter(engagement=engagement, as_of__gte=start, as_of__lte=today)
        .order_by("as_of")
        .values_list("as_of", "score", "level", *DIMENSIONS)
    )
    points = [row[:3] for row in rows]
    dimensions = [(row[0], dict(zip(DIMENSIONS, row[3:], strict=True))) for row in rows]
    return start, points, dimensions


def gated_dimensions(level):
    """The dimensions gating the next rung; at the top, those that hold the current one."""
    return rung_gates(min(level + 1, Level.TRUSTED_ADVISOR))


def gate_charts(*, level, dimensions, policy, start, end):
    """A small chart per gated dimension against its threshold and hold line."""
    charts_ = []
    for name in gated_dimensions(level):
        threshold = policy.trust_threshold if name == TRUST else policy.threshold
        charts_.append(
            charts.gate_chart(
                label=Dimension(name).label,
                series=[(day, values[name]) for day, values in dimensions],
                start=start,
                end=end,
                threshold=threshold,
                hold=threshold - policy.demotion_band,
                holds_rung=name in rung_gates(level),
            )
        )
    return charts_


def change_over(points, today, days=30):
    """Score change between the latest point and the last one at least ``days`` old."""
    cutoff = today - dt.timedelta(days=days)
    older = [score for day, score, _ in points if day <= cutoff]
    return points[-1][1] - older[-1] if points and older else None


def trust_components(explanation):
    components = explanation.get("trust_components") or {}
    return [
        {"item": item, "label": TRUST_LABELS[item], "value": components.get(item)}
        for item in TRUST_ITEMS
        if components.get(item) is not None
    ]


def _gap_context(assessments, policy, today):
    gap = relationship.perception_gap(assessments=assessments, policy=policy, as_of=today)
    both = gap["provider_count"] and gap["client_count"]
    return {"gap": gap, "gap_chart": charts.gap_chart(gap["rows"]) if both else None}


def progress_context(request, engagement):
    today = timezone.localdate()
    snapshot = latest_snapshot(engagement)
    policy = (snapshot.policy if snapshot else selectors.active_policy()).params()
    explanation = snapshot.explanation if snapshot else {}
    start, points, dimensions = trend(engagement, today)
    changes = list(LevelChange.objects.filter(engagement=engagement).order_by("-as_of", "-id"))
    assessments = list(
        TrustAssessment.objects.filter(engagement=engagement)
        .select_related("rater_contact", "rater_user")
        .order_by("-submitted_at", "-id")
    )
    rows = dimension_rows(snapshot, explanation, policy, engagement.level) if snapshot else []
    timeline_form, page = timeline_page(
        engagement=engagement,
        assessments=assessments,
        changes=changes,
        params=request.GET,
        show_removed=access.is_leadership(request.user) or access.is_account_manager(request.user),
    )
    barriers = engagement_barriers(engagement, policy=policy, today=today)
    return {
        "engagement": engagement,
        "snapshot": snapshot,
        "explanation": explanation,
        "policy": policy,
        "ladder": ladder(engagement, changes),
        "change_30d": change_over(points, today),
        "trend_chart": charts.trend_chart(
            points=points,
            changes=[(c.as_of, c.from_level, c.to_level) for c in reversed(changes)],
            start=start,
            end=today,
        ),
        "next_level_label": Level(min(engagement.level + 1, Level.TRUSTED_ADVISOR)).label,
        "gate_charts": gate_charts(
            level=engagement.level, dimensions=dimensions, policy=policy, start=start, end=today
        )
        if points
        else [],
        "dimension_chart": charts.dimension_bars(rows) if snapshot else None,
        "next_steps": next_steps(
            explanation=explanation, assessments=assessments, policy=policy, as_of=today
        ),
        "hold_steps": hold_steps(rows),
        "trust_components": trust_components(explanation),
        "people": relationship.people_trust(
            assessments=assessments, level=engagement.level, policy=policy, as_of=today
        ),
        **_gap_context(assessments, policy, today),
        "timeline_form": timeline_form,
        "page": page,
        "can_change": access.can_change_engagement(request.user, engagement),
        **plan.plan_context(
            engagement=engagement,
            explanation=explanation,
            policy=policy,
            today=today,
            barriers=barriers,
        ),
        "barriers": barriers,
    }


def engagement_barriers(engagement, *, policy, today):
    """Barriers named in each client rater's latest rating of this engagement in the window."""
    ratings = selectors.latest_client_ratings(
        TrustAssessment.objects.filter(engagement=engagement),
        as_of=today,
        window_days=policy.window_days,
        per_engagement=True,
    )
    return selectors.barrier_counts(ratings)
