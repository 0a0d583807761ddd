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
from ..engine.scoring import DIMENSIONS, TRUST, TRUST_ITEMS
from ..models import LevelChange, MaturitySnapshot, TrustAssessment
from . import charts, relationship
from .timeline import timeline_page

TREND_DAYS = 365

# What each rung means, from DESIGN.md "Why it exists".
RUNG_MEANING = {
    Level.EXECUTOR: "Executes the tasks it is given.",
    Level.SKILLED_PROVIDER: "Has shown the technical skills to take care of the product.",
    Level.DOMAIN_EXPERT: "Knows the client's business and keeps up with its competitors.",
    Level.TRUSTED_ADVISOR: "Asked for advice on business and technology, not only for hands.",
}

# Plain-words advice for each unmet condition of the next rung.
ADVICE = {
    "delivery": (
        "deliver milestones as committed and handle incidents well",
        "reliability",
        "does what they say, when they say",
    ),
    "technical": (
        "get technical recommendations adopted or take ownership of architecture",
        "technical",
        "has the skills to take full care of the product",
    ),
    "domain": (
        "share business insights or competitor analyses",
        "domain",
        "understands our business",
    ),
    "partnership": (
        "get invited to strategy meetings and have your proposals adopted",
        "advice",
        "asks us for advice",
    ),
}
TRUST_LABELS = {
    "credibility": "Credibility",
    "reliability": "Reliability",
    "intimacy": "Intimacy",
    "self_orientation": "Self-orientation",
}


def condition_sentence(condition, components):
    """One unmet condition as a sentence an account manager can act on."""
    name, current, required = condition["condition"], condition["current"], condition["required"]
    if name == "raters":
        return (
            f"Client raters {current} of {required}: ask more of the client's product owners "
            "for a rating."
        )
    if name == "trust":
        shown = "no rating yet" if current is None else f"{current:.0f} of {required:g}"
        return (
            f"Trust {shown}: be credible, reliable and open, and put the client's interests "
            "first; ask the client to rate the relationship."
        )
    label = Dimension(name).label
    what, item, statement = ADVICE[name]
    sentence = f"{label} {current:.0f} of {required:g}: {what}"
    mean = (components or {}).get(item)
    if mean is not None:
        sentence += f"; client rates '{statement}' {mean:.1f} of 5"
    return sentence + "."


def latest_snapshot(engagement):
    return (
        MaturitySnapshot.objects.filter(engagement=engagement)
        .select_related("policy")
        .order_by("-as_of")
        .first()
    )


def _entered_on(rung, current, changes, engagement):
    """When the engagement got onto ``rung``: the latest change into the current rung (its
    start if it never moved), the latest climb onto a lower one. ``changes`` newest first."""
    if rung == current:
        dates = [c.as_of for c in changes if c.to_level == rung]
    elif rung == Level.EXECUTOR:
        return engagement.started_on
    else:
        dates = [c.as_of for c in changes if c.from_level < rung <= c.to_level]
    if dates:
        return dates[0]
    return engagement.started_on if rung == Level.EXECUTOR else None


def ladder(engagement, changes):
    """The four rungs, highest first, with the current one and the date each was reached.

    ``changes`` are the engagement's level changes, newest first.
    """
    current = engagement.level
    return [
        {
            "value": rung.value,
            "label": rung.label,
            "meaning": RUNG_MEANING[rung],
            "reached": rung.value <= current,
            "current": rung.value == current,
            "reached_on": (
                _entered_on(rung, current, changes, engagement) if rung <= current else None
            ),
        }
        for rung in reversed(Level)
    ]


def dimension_rows(snapshot, explanation, policy):
    """Per dimension: score, client-rating part, event part, threshold (for the bar chart)."""
    explained = explanation.get("dimensions") or {}
    rows = []
    for name in DIMENSIONS:
        part = explained.get(name)
        score = part["score"] if part else getattr(snapshot, name)
        rows.append(
            {
                "name": name,
                "label": Dimension(name).label,
                "score": score,
                # An explanation-less snapshot (imported history) shows its score unsplit.
                "rating_part": part["rating_part"] if part else (score or 0),
                "event_part": part["event_part"] if part else 0,
                "threshold": policy.trust_threshold if name == TRUST else policy.threshold,
                "top_events": part.get("top_events", []) if part else [],
            }
        )
    return rows


def trend(engagement, today):
    start = today - dt.timedelta(days=TREND_DAYS - 1)
    points = list(
        MaturitySnapshot.objects.filter(engagement=engagement, as_of__gte=start, as_of__lte=today)
        .order_by("as_of")
        .values_list("as_of", "score", "level")
    )
    return start, points


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
    start, points = trend(engagement, today)
    changes = list(LevelChange.objects.filter(engagement=engagement).order_by("-as_of", "-id"))
    assessments = list(
        TrustAssessment.objects.filter(engagement=engagement)
        .select_related("rater_contact", "rater_user")
        .order_by("-submitted_at", "-id")
    )
    timeline_form, page = timeline_page(
        engagement=engagement,
        assessments=assessments,
        changes=changes,
        params=request.GET,
        show_removed=access.is_leadership(request.user) or access.is_account_manager(request.user),
    )
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
            threshold=policy.threshold,
        ),
        "dimension_chart": (
            charts.dimension_bars(dimension_rows(snapshot, explanation, policy))
            if snapshot
            else None
        ),
        "next_steps": [
            condition_sentence(c, explanation.get("answer_means"))
            for c in explanation.get("unmet", ())
        ],
        "trust_components": trust_components(explanation),
        "people": relationship.people_trust(
            assessments=assessments, level=engagement.level, policy=policy, as_of=today
        ),
        **_gap_context(assessments, policy, today),
        "timeline_form": timeline_form,
        "page": page,
        "can_change": access.can_change_engagement(request.user, engagement),
    }
