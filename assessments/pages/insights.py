"""Portfolio reads for the pages: activity, trends, rungs, movers, trust on one person.

Every function here is set-based: it costs the same number of queries for ten engagements
as for ten thousand, because each read is an annotation or one aggregate query, never a
loop over engagements. Stale and at-risk live in ``attention``. The pages read what each
recompute stored (``engine/facts.py``); the functions that compute those facts from the
evidence are here too, next to their readers.
"""

import datetime as dt
from collections import defaultdict

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from core.lookups import AnyOf, int_array
from partners.models import Engagement, EngagementEvent

from ..engine.scoring import ANSWER_ITEMS, AssessmentInput
from ..models import (
    AssessmentInvitation,
    LevelChange,
    MaturitySnapshot,
    MonthEndRungCount,
    TrustAssessment,
)
from ..selectors import local_day_bounds, raw_rows, window_bounds
from . import attention
from .relationship import rater_trust, trust_rests_on_one_person

MOVERS_DAYS = 90


def load_in_order(ids, *, activity=False):
    """The engagements with these ids, with their stored facts and flags, in the given order;
    with ``activity``, also the latest confidence and the activity (a few rows only)."""
    engagements = attention.with_flags(Engagement.objects.filter(pk__in=ids)).select_related(
        "partner", "account_manager"
    )
    if activity:
        engagements = with_activity(with_confidence(engagements))
    by_id = engagements.in_bulk()
    return [by_id[pk] for pk in ids if pk in by_id]


def with_confidence(engagements):
    """Annotate the latest snapshot's confidence (one index lookup per row)."""
    latest = MaturitySnapshot.objects.filter(engagement=OuterRef("pk")).order_by("-as_of")
    return engagements.annotate(confidence=Subquery(latest.values("confidence")[:1]))


def with_activity(engagements, *, now=None):
    """Annotate the last event date and the number of open rating invitations."""
    now = now or timezone.now()
    last_event = Subquery(
        EngagementEvent.objects.filter(engagement=OuterRef("pk"))
        .order_by("-occurred_on")
        .values("occurred_on")[:1]
    )
    open_invitations = Subquery(
        AssessmentInvitation.objects.filter(
            engagement=OuterRef("pk"), used_at__isnull=True, expires_at__gt=now
        )
        .order_by()
        .values("engagement")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return engagements.annotate(
        last_event_on=last_event, open_invitations=Coalesce(open_invitations, 0)
    )


def _snapshot_series(engagement_ids, **days):
    """{engagement id: [score, ...]} oldest first, from the daily snapshots on `days`."""
    series = defaultdict(list)
    rows = (
        MaturitySnapshot.objects.filter(AnyOf(F("engagement_id"), engagement_ids), **days)
        .order_by("engagement_id", "as_of")
        .values_list("engagement_id", "score")
    )
    for engagement_id, score in rows:
        series[engagement_id].append(score)
    return series


def score_series(*, engagement_ids, since):
    """{engagement id: [score, ...]} oldest first, from daily snapshots since ``since``."""
    if connection.vendor != "postgresql":
        return _snapshot_series(engagement_ids, as_of__gte=since)
    return _lateral_series(engagement_ids, "m.as_of >= %s", since)


def weekly_series(*, engagement_ids, today, weeks=52):
    """{engagement id: [score, ...]} oldest first, one snapshot a week over ``weeks``."""
    days = [today - dt.timedelta(days=7 * n) for n in range(weeks, -1, -1)]
    if connection.vendor != "postgresql":
        return _snapshot_series(engagement_ids, as_of__in=days)
    return _lateral_series(engagement_ids, "m.as_of = ANY(%s::date[])", days)


# One scan of the (engagement, day) index per engagement. Given the engagements as one list,
# PostgreSQL may instead intersect two bitmaps, one of them every snapshot of those days:
# half a million rows at 10,000 engagements for the dashboard's weekly series (10 ms rather
# than 4 for its 50 rows), and for the recompute's 90-day sparklines, whenever the table's
# statistics lag behind its growth, 80 to 800 ms a batch of 1,000 rather than 15. OFFSET 0
# keeps the subquery a per-engagement loop, whatever the table's size.
LATERAL_SERIES_SQL = """
SELECT s.engagement_id, s.score
FROM unnest(%s::bigint[]) AS e(id)
CROSS JOIN LATERAL (
    SELECT m.engagement_id, m.score, m.as_of FROM {snapshots} m
    WHERE m.engagement_id = e.id AND {days} OFFSET 0
) AS s
ORDER BY s.engagement_id, s.as_of
"""


def _lateral_series(engagement_ids, days, value):
    """`_snapshot_series` on PostgreSQL, the days given as SQL on ``m.as_of`` with one
    parameter."""
    series = defaultdict(list)
    sql = LATERAL_SERIES_SQL.format(snapshots=MaturitySnapshot._meta.db_table, days=days)
    with connection.cursor() as cursor:
        cursor.execute(sql, [int_array(engagement_ids), value])
        for engagement_id, score in cursor.fetchall():
            series[engagement_id].append(score)
    return series


def month_ends(today, months=12):
    """The last day of each of the ``months`` months before today's month, then today."""
    ends = []
    first = today.replace(day=1)
    for _ in range(months):
        first = first - dt.timedelta(days=1)
        ends.append(first)
        first = first.replace(day=1)
    return [*reversed(ends), today]


def rung_history(summary_filters, *, current, today=None, engagements=None):
    """[(date, {level: count})] at each month end of the last year from the summary table
    that the nightly recompute refreshes (``MonthEndRungCount``), then ``current``, today's
    [(level, count)]. ``summary_filters`` are lookups on that table. A drill-down the table
    does not record (``engagements``, e.g. "at risk") reads those engagements' snapshots."""
    days = month_ends(today or timezone.localdate())
    counts = defaultdict(dict)
    if engagements is None:
        rows = (
            MonthEndRungCount.objects.filter(as_of__in=days[:-1], **summary_filters)
            .order_by()
            .values_list("as_of", "level")
            .annotate(n=Sum("engagements"))
        )
    else:
        rows = (
            MaturitySnapshot.objects.filter(
                as_of__in=days[:-1], engagement__in=engagements.order_by().values("pk")
            )
            .order_by()
            .values_list("as_of", "level")
            .annotate(n=Count("pk"))
        )
    for day, level, n in rows:
        counts[day][level] = n
    counts[days[-1]] = {level: n for level, n in current if n}
    return [(day, counts.get(day, {})) for day in days]


def month_end_rung_counts(today):
    """Rows of ``MonthEndRungCount`` for the 12 month ends before ``today``: snapshots per
    month end, rung then, and the engagement's account manager, industry, status and
    current rung (the dashboard's filters). One scan of those days' snapshots."""
    rows = (
        MaturitySnapshot.objects.filter(as_of__in=month_ends(today)[:-1])
        .order_by()
        .values_list(
            "as_of",
            "level",
            "engagement__account_manager",
            "engagement__partner__industry",
            "engagement__status",
            "engagement__level",
        )
        .annotate(n=Count("pk"))
    )
    return [
        MonthEndRungCount(
            as_of=day,
            level=level,
            account_manager_id=manager,
            industry=industry,
            status=status,
            current_level=current,
            engagements=n,
        )
        for day, level, manager, industry, status, current, n in rows
    ]


def movers(engagements=None, *, today=None, limit=8):
    """Level changes of the last 90 days of ``engagements`` (None: all of them):
    ({"up": [...], "down": [...]}, counts). 3 queries."""
    since = (today or timezone.localdate()) - dt.timedelta(days=MOVERS_DAYS - 1)
    changes = LevelChange.objects.filter(as_of__gte=since).select_related("engagement__partner")
    if engagements is not None:
        changes = changes.filter(engagement__in=engagements.order_by().values("pk"))
    up, down = Q(to_level__gt=F("from_level")), Q(to_level__lt=F("from_level"))
    # Counted by a column of the `level_change_as_of` index (never NULL, so every row counts),
    # not by id: then PostgreSQL counts from the index alone.
    totals = changes.aggregate(up=Count("as_of", filter=up), down=Count("as_of", filter=down))
    lists = {
        "up": list(changes.filter(up).order_by("-as_of", "-id")[:limit]),
        "down": list(changes.filter(down).order_by("-as_of", "-id")[:limit]),
    }
    return lists, totals


def latest_rater_assessments(engagements, *, as_of, window_days):
    """{engagement id: (level, [AssessmentInput])} with each client rater's latest rating in
    the window, in one query; the anti-join keeps the rows near (engagements × raters)."""
    start, end = local_day_bounds(*window_bounds(as_of, window_days))
    later = TrustAssessment.objects.filter(
        engagement=OuterRef("engagement"),
        rater_contact=OuterRef("rater_contact"),
        side=TrustAssessment.Side.CLIENT,
        submitted_at__gt=OuterRef("submitted_at"),
        submitted_at__lt=end,
    )
    rows = (
        TrustAssessment.objects.filter(
            engagement__in=engagements.order_by().values("pk"),
            side=TrustAssessment.Side.CLIENT,
            submitted_at__gte=start,
            submitted_at__lt=end,
        )
        .exclude(Exists(later))
        # The local day, as the scoring rule dates ratings, computed by the database.
        .annotate(submitted_on=TruncDate("submitted_at"))
        .values_list(
            "engagement_id",
            "engagement__level",
            "id",
            "rater_contact_id",
            "submitted_on",
            *ANSWER_ITEMS,
        )
    )
    by_engagement = {}
    for engagement_id, level, pk, rater, day, *answers in raw_rows(rows):
        _, inputs = by_engagement.setdefault(engagement_id, (level, []))
        inputs.append(AssessmentInput(rater, day, *answers, id=pk))
    return by_engagement


def one_person_ids(engagements, *, as_of, policy):
    """Ids of the engagements whose trust rests on one client person on ``as_of``, at their
    stored levels: the rule of ``scoring.trust_rests_on_one_person`` over each rater's latest
    rating. One query. (The recompute applies the same rule to the evidence it has loaded:
    `vector.trust_on_one_person`.)
    """
    ratings = latest_rater_assessments(engagements, as_of=as_of, window_days=policy.window_days)
    return {
        engagement_id
        for engagement_id, (level, assessments) in ratings.items()
        if trust_rests_on_one_person(
            per_rater=rater_trust(assessments=assessments, policy=policy, as_of=as_of),
            level=level,
            policy=policy,
        )
    }


def trust_on_one_person(engagements, *, limit=8):
    """Open engagements whose trust rests on one client person (the stored flag), highest
    rung first, with their number of client raters. One query."""
    latest = MaturitySnapshot.objects.filter(engagement=OuterRef("pk")).order_by("-as_of")
    shown = (
        engagements.filter(attention.open_flag("trust_on_one_person"))
        .select_related("partner")
        .annotate(raters=Subquery(latest.values("rater_count")[:1]))
        .order_by("-level", "pk")[:limit]
    )
    return [{"engagement": e, "raters": e.raters or 0, "level": e.level} for e in shown]
