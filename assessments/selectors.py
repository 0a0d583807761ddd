"""Reads for the maturity engine and its pages."""

import datetime as dt
from collections import defaultdict

from django.db import connection
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from partners.models import Contact, Engagement, EngagementEvent

from .models import AssessmentInvitation, MaturitySnapshot, ScoringPolicy, TrustAssessment
from .scoring import AssessmentInput, EventInput


def active_policy():
    return ScoringPolicy.objects.get(is_active=True)


def local_day_bounds(first_day, last_day):
    """Aware datetimes [start of first_day, start of the day after last_day) in local time."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first_day, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def window_bounds(as_of, window_days):
    """First and last day whose age a satisfies 0 <= a < window_days."""
    return as_of - dt.timedelta(days=window_days - 1), as_of


def evidence_for(*, engagement_ids, as_of, window_days):
    """Events and client assessments in the window, as scoring inputs, by engagement id.

    Two queries for any number of engagements. Event titles are not loaded here (they are
    only needed for the few events an explanation names; see `event_titles`).
    """
    first, last = window_bounds(as_of, window_days)
    events = defaultdict(list)
    rows = EngagementEvent.objects.filter(
        engagement_id__in=engagement_ids, occurred_on__gte=first, occurred_on__lte=last
    ).values_list("engagement_id", "id", "kind", "impact", "occurred_on")
    for engagement_id, pk, kind, impact, occurred_on in _raw_rows(rows):
        events[engagement_id].append(EventInput(kind, impact, occurred_on, pk))

    start, end = local_day_bounds(first, last)
    assessments = defaultdict(list)
    rows = TrustAssessment.objects.filter(
        engagement_id__in=engagement_ids,
        side=TrustAssessment.Side.CLIENT,
        submitted_at__gte=start,
        submitted_at__lt=end,
    ).values_list(
        "engagement_id",
        "id",
        "rater_contact_id",
        "submitted_at",
        "credibility",
        "reliability",
        "intimacy",
        "self_orientation",
        "technical",
        "domain",
        "advice",
    )
    for engagement_id, pk, rater, submitted_at, *answers in _raw_rows(rows):
        submitted_on = timezone.localtime(submitted_at).date()
        assessments[engagement_id].append(AssessmentInput(rater, submitted_on, *answers, id=pk))
    return events, assessments


def _raw_rows(queryset):
    """The queryset's rows as plain tuples, skipping the ORM's per-row conversion.

    Only for columns that need no conversion (ints, strings, dates, aware datetimes on
    PostgreSQL); evidence loading reads a million rows per 10,000 engagements.
    """
    if connection.vendor != "postgresql":
        return queryset.iterator(chunk_size=20000)
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def event_titles(event_ids):
    return dict(EngagementEvent.objects.filter(pk__in=event_ids).values_list("id", "title"))


def engagement_states(*, engagement_ids, as_of, lock=False):
    """{id: (evidence_version, previous_level, has_later_snapshot)} in one query.

    previous_level is the level of the latest snapshot dated before as_of (None if none).
    """
    earlier = MaturitySnapshot.objects.filter(engagement=OuterRef("pk"), as_of__lt=as_of)
    later = MaturitySnapshot.objects.filter(engagement=OuterRef("pk"), as_of__gt=as_of)
    engagements = Engagement.objects.filter(pk__in=engagement_ids).order_by("pk")
    if lock:
        engagements = engagements.select_for_update(of=("self",))
    rows = engagements.annotate(
        previous_level=Subquery(earlier.order_by("-as_of").values("level")[:1]),
        later_as_of=Subquery(later.values("as_of")[:1]),
    ).values_list("pk", "evidence_version", "previous_level", "later_as_of")
    return {pk: (version, prev, later is not None) for pk, version, prev, later in rows}


def due_invitation_pairs(*, now, due_after):
    """(engagement, contact) pairs to invite: product owners of active engagements who have
    neither rated that engagement nor been invited to it within `due_after`. Four queries."""
    since = now - due_after
    candidates = Engagement.objects.filter(
        status=Engagement.Status.ACTIVE, partner__contacts__is_product_owner=True
    ).values_list("pk", "partner__contacts__pk")
    rated = TrustAssessment.objects.filter(
        side=TrustAssessment.Side.CLIENT, submitted_at__gte=since
    ).values_list("engagement_id", "rater_contact_id")
    invited = AssessmentInvitation.objects.filter(created_at__gte=since).values_list(
        "engagement_id", "contact_id"
    )
    due = sorted(set(candidates) - set(rated) - set(invited))
    engagements = Engagement.objects.select_related("partner").in_bulk({e for e, _ in due})
    contacts = Contact.objects.in_bulk({c for _, c in due})
    return [(engagements[e], contacts[c]) for e, c in due]
