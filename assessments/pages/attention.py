"""What needs attention in a relationship: stale, at risk, falling (DESIGN.md "Relationship
insights") and an overdue plan item (DESIGN.md "The plan to the next rung"), for whole
portfolios at once.

The rule has two halves. ``live_facts`` computes three facts per engagement from the evidence
(the 30-day score change, the last client rating, whether a level was lost in 90 days), each
a correlated lookup on an index, and ``raw_flags`` turns them into flags. Every recompute runs
both and stores the result on the engagement (``engine/facts.py``), so the pages read plain
columns through ``with_flags`` instead of repeating the lookups for the whole portfolio on
every request. ``with_flags`` adds the parts that can change without a recompute: a closed
engagement is never flagged, and a plan item falls overdue as the days pass (one ``EXISTS``
on the plan items' index).
"""

import datetime as dt

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from partners.models import Engagement, Level

from ..models import LevelChange, MaturitySnapshot, PlanItem, TrustAssessment
from ..selectors import local_day_bounds

STALE_AFTER_DAYS = 120
RISK_DROP = 10
RISK_DROP_DAYS = 30
LEVEL_LOST_DAYS = 90
# (flag, points of "needs attention"): at risk outranks stale outranks falling; an overdue
# plan item counts as much as falling.
ATTENTION = (("at_risk", 4), ("stale", 2), ("falling", 1), ("plan_overdue", 1))


def fact_expressions(today):
    """past_score (the latest score 30 or more days before today), last_rating_at (latest
    client rating) and level_lost (a demotion in the 90 days up to today) of each engagement,
    as expressions."""
    past_score = MaturitySnapshot.objects.filter(
        engagement=OuterRef("pk"), as_of__lte=today - dt.timedelta(days=RISK_DROP_DAYS)
    ).order_by("-as_of")
    last_rating = TrustAssessment.objects.filter(
        engagement=OuterRef("pk"), side=TrustAssessment.Side.CLIENT
    ).order_by("-submitted_at")
    demotions = LevelChange.objects.filter(
        engagement=OuterRef("pk"),
        as_of__gt=today - dt.timedelta(days=LEVEL_LOST_DAYS),
        as_of__lte=today,
        to_level__lt=F("from_level"),
    )
    return (
        Subquery(past_score.values("score")[:1]),
        Subquery(last_rating.values("submitted_at")[:1]),
        Exists(demotions),
    )


def live_facts(engagements, *, today, scores=None):
    """[(id, change_30d, last_rating_at, level_lost)] from the evidence, in one query.

    change_30d is the score now minus the score 30 days ago. ``scores`` ({id: score}) stands
    in for the engagements' stored scores: the recompute passes the scores it is writing.
    """
    rows = engagements.order_by().values_list("pk", "score", *fact_expressions(today))
    scores = scores or {}
    facts = []
    for pk, stored, past, last_rating_at, level_lost in rows:
        score = scores.get(pk, stored)
        change = None if score is None or past is None else score - past
        facts.append((pk, change, last_rating_at, level_lost))
    return facts


def stale_since(today):
    """The moment before which a last client rating makes an engagement stale."""
    start, _ = local_day_bounds(today - dt.timedelta(days=STALE_AFTER_DAYS - 1), today)
    return start


def raw_flags(*, change_30d, last_rating_at, level_lost, since):
    """(stale, at_risk, falling) from the facts, whatever the engagement's status."""
    stale = last_rating_at is None or last_rating_at < since
    at_risk = (change_30d is not None and change_30d <= -RISK_DROP) or bool(level_lost)
    falling = change_30d is not None and change_30d < 0
    return stale, at_risk, falling


def open_flag(name):
    """The stored flag ``name``, for open engagements only: nothing more is expected of a
    closed one."""
    return Q(**{name: True}) & ~Q(status=Engagement.Status.CLOSED)


def plan_overdue(today=None):
    """Whether an engagement has an open plan item past its due date, as an expression.

    An uncorrelated IN, which PostgreSQL hashes once, rather than an EXISTS per row: over a
    whole portfolio the per-row subplan made up most of a query's estimated cost (85,000 of
    PostgreSQL's 100,000 jit_above_cost at 10,000 engagements, for the dashboard's summary
    and the sort of my engagements), so a larger portfolio would have paid a JIT compile."""
    overdue = PlanItem.objects.filter(
        status=PlanItem.Status.OPEN, due_on__lt=today or timezone.localdate()
    ).values("engagement_id")
    return ExpressionWrapper(Q(pk__in=overdue), output_field=BooleanField())


def with_flags(engagements, *, today=None):
    """Annotate is_stale, is_at_risk, is_falling, is_overdue and attention (at risk 4 + stale
    2 + falling 1 + plan overdue 1) from the stored facts, plus plan_overdue (live)."""
    engagements = engagements.annotate(plan_overdue=plan_overdue(today))
    attention = sum(
        (
            Case(When(open_flag(name), then=Value(points)), default=Value(0))
            for name, points in ATTENTION
        ),
        start=Value(0),
    )
    return engagements.annotate(
        is_stale=ExpressionWrapper(open_flag("stale"), output_field=BooleanField()),
        is_at_risk=ExpressionWrapper(open_flag("at_risk"), output_field=BooleanField()),
        is_falling=ExpressionWrapper(open_flag("falling"), output_field=BooleanField()),
        is_overdue=ExpressionWrapper(open_flag("plan_overdue"), output_field=BooleanField()),
        attention=attention,
    )


def summarise(engagements, *, today=None):
    """Counts for page headers in one pass: total, average score, at risk, stale, falling,
    with an overdue plan item, trust on one person, and "rungs", [(level, count)] lowest
    first."""
    overdue = Q(plan_overdue(today)) & ~Q(status=Engagement.Status.CLOSED)
    summary = engagements.order_by().aggregate(
        total=Count("pk"),
        average=Avg("score"),
        at_risk=Count("pk", filter=open_flag("at_risk")),
        stale=Count("pk", filter=open_flag("stale")),
        falling=Count("pk", filter=open_flag("falling")),
        overdue=Count("pk", filter=overdue),
        one_person=Count("pk", filter=open_flag("trust_on_one_person")),
        **{f"rung_{level}": Count("pk", filter=Q(level=level)) for level in Level.values},
    )
    summary["rungs"] = [(level, summary.pop(f"rung_{level}")) for level in Level.values]
    return summary
