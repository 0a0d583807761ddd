"""What needs attention in a relationship: stale, at risk, falling (DESIGN.md "Relationship
insights") and an overdue plan item (DESIGN.md "The plan to the next rung"), for whole
portfolios at once.

The database supplies four facts per engagement in one pass (the 30-day score change, the
last client rating, whether a level was lost in 90 days, whether a plan item is overdue),
each a single correlated lookup on an index; the rules below turn those facts into flags in
Python. Evaluating the rules in SQL instead repeats every lookup inside each CASE that
mentions it, which made a 10,000 engagement portfolio several times slower.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, ExpressionWrapper, F, FloatField, OuterRef, Subquery
from django.utils import timezone

from partners.models import Engagement

from ..models import LevelChange, MaturitySnapshot, PlanItem, TrustAssessment
from ..selectors import local_day_bounds

STALE_AFTER_DAYS = 120
RISK_DROP = 10
RISK_DROP_DAYS = 30
LEVEL_LOST_DAYS = 90
FACTS = ("status", "score", "change_30d", "last_rating_at", "level_lost", "plan_overdue")


def with_facts(engagements, *, today=None):
    """Annotate change_30d (score now − score 30 days ago), last_rating_at (latest client
    rating), level_lost (a demotion in the last 90 days), plan_overdue (an open plan item
    past its due date) and the latest confidence."""
    today = today or timezone.localdate()
    past_score = MaturitySnapshot.objects.filter(
        engagement=OuterRef("pk"), as_of__lte=today - dt.timedelta(days=RISK_DROP_DAYS)
    ).order_by("-as_of")
    last_rating = TrustAssessment.objects.filter(
        engagement=OuterRef("pk"), side=TrustAssessment.Side.CLIENT
    ).order_by("-submitted_at")
    demotions = LevelChange.objects.filter(
        engagement=OuterRef("pk"),
        as_of__gt=today - dt.timedelta(days=LEVEL_LOST_DAYS),
        to_level__lt=F("from_level"),
    )
    latest = MaturitySnapshot.objects.filter(engagement=OuterRef("pk")).order_by("-as_of")
    overdue = PlanItem.objects.filter(
        engagement=OuterRef("pk"), status=PlanItem.Status.OPEN, due_on__lt=today
    )
    return engagements.annotate(
        change_30d=ExpressionWrapper(
            F("score") - Subquery(past_score.values("score")[:1]), output_field=FloatField()
        ),
        last_rating_at=Subquery(last_rating.values("submitted_at")[:1]),
        level_lost=Exists(demotions),
        plan_overdue=Exists(overdue),
        confidence=Subquery(latest.values("confidence")[:1]),
    )


def stale_since(today):
    """The moment before which a last client rating makes an engagement stale."""
    start, _ = local_day_bounds(today - dt.timedelta(days=STALE_AFTER_DAYS - 1), today)
    return start


def flag(item, *, since):
    """Set is_stale, is_at_risk, is_falling, is_overdue and attention (at risk 4 + stale 2 +
    falling 1 + plan overdue 1) on an engagement or fact row. Closed engagements are never
    flagged: nothing more is expected of them."""
    is_open = item.status != Engagement.Status.CLOSED
    change = item.change_30d
    item.is_stale = is_open and (item.last_rating_at is None or item.last_rating_at < since)
    item.is_at_risk = is_open and (
        (change is not None and change <= -RISK_DROP) or bool(item.level_lost)
    )
    item.is_falling = is_open and change is not None and change < 0
    item.is_overdue = is_open and bool(item.plan_overdue)
    item.attention = 4 * item.is_at_risk + 2 * item.is_stale + item.is_falling + item.is_overdue
    return item


def flagged(items, *, today=None):
    since = stale_since(today or timezone.localdate())
    return [flag(item, since=since) for item in items]


@dataclass
class FactRow:
    pk: int
    status: str
    score: float | None
    change_30d: float | None
    last_rating_at: object
    level_lost: bool
    plan_overdue: bool
    extra: tuple = ()


def fact_rows(engagements, *, today=None, fields=()):
    """Every engagement's facts and flags as light rows, in one query; ``fields`` are
    loaded into ``row.extra`` (for sorting)."""
    rows = with_facts(engagements, today=today).order_by().values_list("pk", *FACTS, *fields)
    facts = len(FACTS) + 1
    return flagged([FactRow(*row[:facts], extra=row[facts:]) for row in rows], today=today)


def nulls_last(value):
    return (value is None, value)


def nulls_first(value):
    return (value is not None, value)


def summarise(rows):
    """Counts for page headers: total, average score, at risk, stale, falling."""
    scores = [row.score for row in rows if row.score is not None]
    return {
        "total": len(rows),
        "average": sum(scores) / len(scores) if scores else None,
        "at_risk": sum(row.is_at_risk for row in rows),
        "stale": sum(row.is_stale for row in rows),
        "falling": sum(row.is_falling for row in rows),
        "overdue": sum(row.is_overdue for row in rows),
    }
