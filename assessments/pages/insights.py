"""Portfolio reads for the pages: activity, trends, rungs, movers, trust on one person.

Every function here is set-based: it costs the same number of queries for ten engagements
as for ten thousand, because each read is an annotation or one aggregate query, never a
loop over engagements. Stale and at-risk live in ``attention``.
"""

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from partners.models import Engagement, EngagementEvent, Level

from ..engine.scoring import ANSWER_ITEMS, AssessmentInput
from ..models import AssessmentInvitation, LevelChange, MaturitySnapshot, TrustAssessment
from ..selectors import local_day_bounds, window_bounds
from . import attention
from .relationship import rater_trust, trust_rests_on_one_person

MOVERS_DAYS = 90


def load_in_order(ids, *, activity=False, today=None):
    """The engagements with these ids, with their facts and flags, in the given order."""
    engagements = attention.with_facts(
        Engagement.objects.filter(pk__in=ids), today=today
    ).select_related("partner", "account_manager")
    if activity:
        engagements = with_activity(engagements)
    by_id = engagements.in_bulk()
    return attention.flagged([by_id[pk] for pk in ids if pk in by_id], today=today)


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


def score_series(*, engagement_ids, since):
    """{engagement id: [score, ...]} oldest first, from daily snapshots since ``since``."""
    series = defaultdict(list)
    rows = (
        MaturitySnapshot.objects.filter(engagement_id__in=engagement_ids, as_of__gte=since)
        .order_by("engagement_id", "as_of")
        .values_list("engagement_id", "score")
    )
    for engagement_id, score in rows:
        series[engagement_id].append(score)
    return series


def weekly_series(*, engagement_ids, today, weeks=52):
    """{engagement id: [score, ...]} oldest first, one snapshot a week over ``weeks``."""
    days = [today - dt.timedelta(days=7 * n) for n in range(weeks, -1, -1)]
    series = defaultdict(list)
    rows = (
        MaturitySnapshot.objects.filter(engagement_id__in=engagement_ids, as_of__in=days)
        .order_by("engagement_id", "as_of")
        .values_list("engagement_id", "score")
    )
    for engagement_id, score in rows:
        series[engagement_id].append(score)
    return series


def next_rung_unmet(engagement_ids):
    """{engagement id: the unmet conditions of the next rung} from each latest snapshot's
    explanation, in one query."""
    latest = MaturitySnapshot.objects.filter(engagement=OuterRef("pk")).order_by("-as_of")
    rows = (
        Engagement.objects.filter(pk__in=engagement_ids)
        .annotate(unmet=Subquery(latest.values("explanation__unmet")[:1]))
        .values_list("pk", "unmet")
    )
    return {pk: unmet or [] for pk, unmet in rows}


def rung_counts(engagements):
    """[(level, count)] for every rung, lowest first, in one query."""
    counts = dict(
        engagements.order_by()
        .values_list("level")
        .annotate(n=Count("pk"))
        .values_list("level", "n")
    )
    return [(level.value, counts.get(level.value, 0)) for level in Level]


def month_ends(today, months=12):
    """The last day of each of the ``months`` months before today's month, then today."""
    ends = []
    first = today.replace(day=1)
    for _ in range(months):
        first = first - dt.timedelta(days=1)
        ends.append(first)
        first = first.replace(day=1)
    return [*reversed(ends), today]


def rung_history(engagements, *, today=None, filtered=True):
    """[(date, {level: count})] at each month end of the last year, from snapshots."""
    days = month_ends(today or timezone.localdate())
    snapshots = MaturitySnapshot.objects.filter(as_of__in=days)
    if filtered:
        snapshots = snapshots.filter(engagement__in=engagements.order_by().values("pk"))
    counts = defaultdict(dict)
    rows = snapshots.order_by().values_list("as_of", "level").annotate(n=Count("pk"))
    for day, level, n in rows:
        counts[day][level] = n
    return [(day, counts.get(day, {})) for day in days]


def movers(engagements, *, today=None, limit=8):
    """Level changes of the last 90 days: ({"up": [...], "down": [...]}, counts). 3 queries."""
    since = (today or timezone.localdate()) - dt.timedelta(days=MOVERS_DAYS - 1)
    changes = LevelChange.objects.filter(
        as_of__gte=since, engagement__in=engagements.order_by().values("pk")
    ).select_related("engagement__partner")
    up, down = Q(to_level__gt=F("from_level")), Q(to_level__lt=F("from_level"))
    totals = changes.aggregate(up=Count("pk", filter=up), down=Count("pk", filter=down))
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
    for engagement_id, level, pk, rater, day, *answers in rows.iterator(chunk_size=5000):
        _, inputs = by_engagement.setdefault(engagement_id, (level, []))
        inputs.append(AssessmentInput(rater, day, *answers, id=pk))
    return by_engagement


def _one_person(engagements, *, policy, today):
    """[(-level, engagement id, raters)] of the open engagements whose trust rests on one
    client person, highest rung first, from one query."""
    ratings = latest_rater_assessments(
        engagements.exclude(status=Engagement.Status.CLOSED),
        as_of=today,
        window_days=policy.window_days,
    )
    flagged = []
    for engagement_id, (level, assessments) in ratings.items():
        per_rater = rater_trust(assessments=assessments, policy=policy, as_of=today)
        if trust_rests_on_one_person(per_rater=per_rater, level=level, policy=policy):
            flagged.append((-level, engagement_id, len(per_rater)))
    return sorted(flagged)


def one_person_ids(engagements, *, policy, today=None):
    """Ids of the open engagements whose trust rests on one client person."""
    today = today or timezone.localdate()
    return [pk for _, pk, _ in _one_person(engagements, policy=policy, today=today)]


def trust_on_one_person(engagements, *, policy, today=None, limit=8):
    """Open engagements whose trust rests on one client person, highest rung first, and
    their count. Two queries: each rater's latest rating, then the engagements shown."""
    today = today or timezone.localdate()
    flagged = _one_person(engagements, policy=policy, today=today)
    shown = flagged[:limit]
    by_id = Engagement.objects.select_related("partner").in_bulk([pk for _, pk, _ in shown])
    rows = [
        {"engagement": by_id[pk], "raters": raters, "level": -level} for level, pk, raters in shown
    ]
    return rows, len(flagged)
