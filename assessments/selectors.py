"""Reads for the maturity engine and its pages."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, F, Max, OuterRef, Q, Subquery
from django.utils import timezone

from partners import access
from partners.choices import EVENT_CATALOGUE, IMPACT_FACTORS
from partners.models import Contact, Engagement, EngagementEvent

from .engine.scoring import (
    ANSWER_ITEMS,
    EVIDENCE_DIMENSIONS,
    AssessmentInput,
    EventInput,
    EventSummary,
)
from .models import (
    AssessmentInvitation,
    LevelChange,
    MaturitySnapshot,
    ScoringPolicy,
    TrustAssessment,
    hash_token,
)


def invitation_for_token(raw_token):
    """The invitation a raw token opens, or None for a forged token."""
    return (
        AssessmentInvitation.objects.select_related("engagement__partner", "contact")
        .filter(token_hash=hash_token(raw_token))
        .first()
    )


def invitation_for_session(pk):
    """The invitation a browser's session holds, or None."""
    return (
        AssessmentInvitation.objects.select_related("engagement__partner", "contact")
        .filter(pk=pk)
        .first()
    )


def open_invitations(*, engagement):
    """The engagement's invitations not answered yet, newest first."""
    return (
        AssessmentInvitation.objects.filter(engagement=engagement, used_at__isnull=True)
        .select_related("contact")
        .order_by("-created_at")
    )


def level_change_for_notification(pk):
    """The level change with what its email names, or None when it is gone."""
    return (
        LevelChange.objects.select_related("engagement__partner", "engagement__account_manager")
        .filter(pk=pk)
        .first()
    )


def rateable_engagements(user):
    """The engagements a client product owner may rate: their partner's, unless closed."""
    return (
        access.visible_engagements(user)
        .exclude(status=Engagement.Status.CLOSED)
        .select_related("partner", "account_manager")
        .order_by("name")
    )


def engagements_with_scores(user):
    """Visible engagements with the latest snapshot's confidence and the dirty flag, so that
    a page of engagements costs the same few queries however long it is."""
    latest = MaturitySnapshot.objects.filter(engagement=OuterRef("pk")).order_by("-as_of")
    dirty = Q(evidence_version__gt=F("scored_version"))
    return (
        access.visible_engagements(user)
        .select_related("partner")
        .prefetch_related("team")
        .annotate(
            confidence=Subquery(latest.values("confidence")[:1]),
            is_dirty=ExpressionWrapper(dirty, output_field=BooleanField()),
        )
        .order_by("partner__name", "name")
    )


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


def window_events(*, engagement_ids, as_of, window_days):
    first, last = window_bounds(as_of, window_days)
    events = defaultdict(list)
    rows = EngagementEvent.objects.filter(
        engagement_id__in=engagement_ids, occurred_on__gte=first, occurred_on__lte=last
    ).values_list("engagement_id", "id", "kind", "impact", "occurred_on", "client_status")
    for engagement_id, pk, kind, impact, occurred_on, client_status in _raw_rows(rows):
        disputed = client_status == EngagementEvent.ClientStatus.DISPUTED
        events[engagement_id].append(EventInput(kind, impact, occurred_on, pk, disputed=disputed))
    return events


def window_assessments(*, engagement_ids, as_of, window_days):
    start, end = local_day_bounds(*window_bounds(as_of, window_days))
    assessments = defaultdict(list)
    rows = TrustAssessment.objects.filter(
        engagement_id__in=engagement_ids,
        side=TrustAssessment.Side.CLIENT,
        submitted_at__gte=start,
        submitted_at__lt=end,
    ).values_list("engagement_id", "id", "rater_contact_id", "submitted_at", *ANSWER_ITEMS)
    for engagement_id, pk, rater, submitted_at, *answers in _raw_rows(rows):
        submitted_on = timezone.localtime(submitted_at).date()
        assessments[engagement_id].append(AssessmentInput(rater, submitted_on, *answers, id=pk))
    return assessments


# P_d and the top three events per dimension, computed by PostgreSQL: the same arithmetic as
# scoring.summarise_events (points x impact x 0.5^(age / half-life), x disputed_event_weight
# for a disputed event; ties broken by date, then id), without shipping a million event rows
# to Python. The catalogue and impact tables are sent as parameters from `partners.choices`,
# so the rule's numbers are written once. Events that contribute nothing rank last, so leaving
# them out of the top events afterwards (_summaries_from_rows) gives the same top three as
# scoring._top_events.
EVENT_SUMMARY_SQL = """
WITH catalogue(kind, dimension, points) AS (VALUES {catalogue}),
impact(impact, factor) AS (VALUES {impact}),
scored AS (
    SELECT e.engagement_id, e.id, e.kind, e.title, e.occurred_on, c.dimension,
           c.points * i.factor * power(0.5, (%s::date - e.occurred_on) / %s::float)
           * CASE WHEN e.client_status = 'disputed' THEN %s::float ELSE 1.0 END AS points
    FROM {events} e
    JOIN catalogue c ON c.kind = e.kind
    JOIN impact i ON i.impact = e.impact
    WHERE e.engagement_id = ANY(%s) AND e.occurred_on BETWEEN %s AND %s
),
ranked AS (
    SELECT scored.*, SUM(points) OVER w AS total, COUNT(*) OVER w AS n,
           ROW_NUMBER() OVER (w ORDER BY abs(points) DESC, occurred_on DESC, id DESC) AS rank
    FROM scored
    WINDOW w AS (PARTITION BY engagement_id, dimension)
)
SELECT engagement_id, dimension, total, n, id, kind, title, occurred_on, points
FROM ranked WHERE rank <= 3 ORDER BY engagement_id, dimension, rank
"""


def event_summaries(*, engagement_ids, as_of, policy):
    """{engagement_id: scoring.EventSummary} in one query on PostgreSQL; None elsewhere."""
    if connection.vendor != "postgresql":
        return None
    catalogue = list(EVENT_CATALOGUE.items())
    sql = EVENT_SUMMARY_SQL.format(
        catalogue=", ".join(["(%s, %s, %s::float)"] * len(catalogue)),
        impact=", ".join(["(%s, %s::float)"] * len(IMPACT_FACTORS)),
        events=EngagementEvent._meta.db_table,
    )
    first, last = window_bounds(as_of, policy.window_days)
    params = [v for kind, (dim, points) in catalogue for v in (kind.value, dim.value, points)]
    params += [v for impact, factor in IMPACT_FACTORS.items() for v in (impact.value, factor)]
    params += [as_of, policy.event_half_life_days, policy.disputed_event_weight]
    params += [list(engagement_ids), first, last]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return _summaries_from_rows(engagement_ids, rows)


def _summaries_from_rows(engagement_ids, rows):
    points = {pk: dict.fromkeys(EVIDENCE_DIMENSIONS, 0.0) for pk in engagement_ids}
    tops = {pk: {name: [] for name in EVIDENCE_DIMENSIONS} for pk in engagement_ids}
    counts = dict.fromkeys(engagement_ids, 0)
    totalled = set()
    for pk, dimension, total, count, event_id, kind, title, occurred_on, event_points in rows:
        if (pk, dimension) not in totalled:  # first row of a dimension: add its totals once
            totalled.add((pk, dimension))
            points[pk][dimension] = total
            counts[pk] += count
        if event_points == 0:
            continue
        tops[pk][dimension].append(
            {
                "id": event_id,
                "kind": kind,
                "title": title,
                "occurred_on": occurred_on.isoformat(),
                "points": round(event_points, 2),
            }
        )
    return {
        pk: EventSummary(
            points[pk], {name: tuple(top) for name, top in tops[pk].items()}, counts[pk]
        )
        for pk in engagement_ids
    }


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


@dataclass
class InvitationStatus:
    """Where a contact stands with rating one engagement, for the invite page."""

    contact: Contact
    open_invitation: AssessmentInvitation | None
    last_rated_at: dt.datetime | None

    @property
    def never_asked(self):
        return self.open_invitation is None and self.last_rated_at is None


def invitation_statuses(*, engagement):
    """Every contact of the engagement's partner with their open invitation and last client
    rating of this engagement. Three queries."""
    contacts = list(engagement.partner.contacts.order_by("-is_product_owner", "name"))
    open_invitations = {
        invitation.contact_id: invitation
        for invitation in AssessmentInvitation.objects.filter(
            engagement=engagement,
            used_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).order_by("created_at")
    }
    last_rated = dict(
        TrustAssessment.objects.filter(engagement=engagement, side=TrustAssessment.Side.CLIENT)
        .values_list("rater_contact_id")
        .annotate(last=Max("submitted_at"))
    )
    return [
        InvitationStatus(contact, open_invitations.get(contact.pk), last_rated.get(contact.pk))
        for contact in contacts
    ]
