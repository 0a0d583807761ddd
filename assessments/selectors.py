"""Reads for the maturity engine and its pages."""

import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
)
from django.utils import timezone

from core.lookups import AnyOf, int_array
from partners import access
from partners.models import Contact, Engagement, EngagementEvent

from .engine import organisation
from .engine.scoring import (
    ANSWER_ITEMS,
    TRUST_ITEMS,
    AssessmentInput,
    EventInput,
)
from .engine.vector import (
    IMPACTS,
    KIND_DIMENSIONS,
    KIND_IMPACT_POINTS,
    KIND_POINTS,
    KINDS,
    AssessmentArrays,
    EventArrays,
)
from .models import (
    BARRIER_HINTS,
    AssessmentBarrier,
    AssessmentInvitation,
    LevelChange,
    MaturitySnapshot,
    ScoringPolicy,
    TrustAssessment,
    TrustBarrier,
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
    for engagement_id, pk, kind, impact, occurred_on, client_status in raw_rows(rows):
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
    ).order_by("engagement_id", "submitted_at", "id")  # in the order they were submitted
    rows = rows.values_list(
        "engagement_id", "id", "rater_contact_id", "submitted_at", *ANSWER_ITEMS
    )
    for engagement_id, pk, rater, submitted_at, *answers in raw_rows(rows):
        submitted_on = timezone.localtime(submitted_at).date()
        assessments[engagement_id].append(AssessmentInput(rater, submitted_on, *answers, id=pk))
    return assessments


def raw_rows(queryset):
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
    """{id: title} of the events; on PostgreSQL one array parameter instead of ten thousand."""
    if connection.vendor != "postgresql":
        return dict(EngagementEvent.objects.filter(pk__in=event_ids).values_list("id", "title"))
    table = EngagementEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, title FROM {table} WHERE id = ANY(%s::bigint[])", [int_array(event_ids)]
        )
        return dict(cursor.fetchall())


def engagement_states(*, engagement_ids, as_of, lock=False):
    """{id: (evidence_version, previous_level, has_later_snapshot, has_snapshot)} in one
    query.

    previous_level is the level of the latest snapshot dated before as_of (None if none);
    has_snapshot says whether one of as_of itself is on file.
    """
    earlier = MaturitySnapshot.objects.filter(engagement=OuterRef("pk"), as_of__lt=as_of)
    later = MaturitySnapshot.objects.filter(engagement=OuterRef("pk"), as_of__gt=as_of)
    same_day = MaturitySnapshot.objects.filter(engagement=OuterRef("pk"), as_of=as_of)
    engagements = Engagement.objects.filter(AnyOf(F("pk"), engagement_ids)).order_by("pk")
    if lock:
        engagements = engagements.select_for_update(of=("self",))
    rows = engagements.annotate(
        previous_level=Subquery(earlier.order_by("-as_of").values("level")[:1]),
        later_as_of=Subquery(later.values("as_of")[:1]),
        has_snapshot=Exists(same_day),
    ).values_list("pk", "evidence_version", "previous_level", "later_as_of", "has_snapshot")
    return {
        pk: (version, prev, later is not None, same_day)
        for pk, version, prev, later, same_day in rows
    }


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


# --- From individuals to the organisation, and what holds the client back ------------------


def latest_client_ratings(scope, *, as_of, window_days, per_engagement=False):
    """The client ratings of ``scope`` (a TrustAssessment queryset) that are their rater's
    latest in the window: per contact, or per contact and engagement with ``per_engagement``.

    An anti-join rather than DISTINCT ON, so that it runs on SQLite too; "later" is looked
    for inside the same scope, so a rating outside it never hides one inside it.
    """
    start, end = local_day_bounds(*window_bounds(as_of, window_days))
    in_window = scope.filter(
        side=TrustAssessment.Side.CLIENT, submitted_at__gte=start, submitted_at__lt=end
    )
    later = in_window.filter(rater_contact=OuterRef("rater_contact")).filter(
        Q(submitted_at__gt=OuterRef("submitted_at"))
        | Q(submitted_at=OuterRef("submitted_at"), pk__gt=OuterRef("pk"))
    )
    if per_engagement:
        later = later.filter(engagement=OuterRef("engagement"))
    return in_window.exclude(Exists(later.order_by()))


def barrier_counts(ratings):
    """How often each barrier was named in ``ratings`` (a TrustAssessment queryset), most
    named first, each with its hint. One query."""
    return counted_barriers(
        AssessmentBarrier.objects.filter(assessment__in=ratings.order_by().values("pk"))
    )


def counted_barriers(barriers):
    """`barrier_counts` of the named ``barriers`` (an AssessmentBarrier queryset)."""
    counts = dict(
        barriers.order_by().values_list("code").annotate(n=Count("pk")).values_list("code", "n")
    )
    rows = [
        {"code": code.value, "label": code.label, "hint": BARRIER_HINTS[code], "count": n}
        for code in TrustBarrier
        if (n := counts.get(code.value))
    ]
    return sorted(rows, key=lambda row: -row["count"])  # stable: ties keep TrustBarrier order


@dataclass
class PersonRating:
    """A client contact's latest rating in the window, on any engagement of their partner."""

    assessment_id: int
    engagement_id: int
    submitted_at: dt.datetime
    answers: dict

    @property
    def trust(self):
        return organisation.person_trust(self.answers)


@dataclass
class OrganisationFacts:
    """What one partner's organisation level rests on (DESIGN "From individuals to the
    organisation")."""

    scored: list = field(default_factory=list)  # (level, score) of active, scored engagements
    ratings: dict = field(default_factory=dict)  # contact id: PersonRating
    raters: dict = field(default_factory=lambda: defaultdict(set))  # engagement: contacts
    active: set = field(default_factory=set)  # active engagements rated in the window
    product_owners: int = 0

    def maturity(self, *, trust_threshold):
        return organisation.partner_maturity(
            scored=self.scored,
            people={contact: rating.trust for contact, rating in self.ratings.items()},
            product_owners=self.product_owners,
            active_raters={pk: raters for pk, raters in self.raters.items() if pk in self.active},
            trust_threshold=trust_threshold,
        )


def organisation_facts(*, partner_ids, as_of, window_days):
    """{partner id: OrganisationFacts} in four queries, however many partners."""
    facts = {pk: OrganisationFacts() for pk in partner_ids}
    active = Engagement.Status.ACTIVE
    # By id, a fixed order for the score's sum: the default ordering joined each engagement's
    # partner for its name, a nested loop per engagement wherever the statistics lag.
    scored = (
        Engagement.objects.filter(partner_id__in=partner_ids, status=active, score__isnull=False)
        .order_by("pk")
        .values_list("partner_id", "level", "score")
    )
    for partner_id, level, score in scored:
        facts[partner_id].scored.append((level, score))
    in_partners = TrustAssessment.objects.filter(engagement__partner_id__in=partner_ids)
    latest = latest_client_ratings(in_partners, as_of=as_of, window_days=window_days)
    rows = latest.values_list(
        "engagement__partner_id", "rater_contact_id", "id", "engagement_id", "submitted_at",
        *TRUST_ITEMS,
    )  # fmt: skip
    for partner_id, contact, pk, engagement_id, submitted_at, *answers in rows:
        answers = dict(zip(TRUST_ITEMS, answers, strict=True))
        facts[partner_id].ratings[contact] = PersonRating(pk, engagement_id, submitted_at, answers)
    start, end = local_day_bounds(*window_bounds(as_of, window_days))
    raters = (
        in_partners.filter(
            side=TrustAssessment.Side.CLIENT, submitted_at__gte=start, submitted_at__lt=end
        )
        .order_by()
        .values_list("engagement__partner_id", "engagement_id", "engagement__status")
        .annotate(contact=F("rater_contact_id"))
        .distinct()
    )
    for partner_id, engagement_id, status, contact in raters:
        facts[partner_id].raters[engagement_id].add(contact)
        if status == active:
            facts[partner_id].active.add(engagement_id)
    owners = (
        Contact.objects.filter(partner_id__in=partner_ids, is_product_owner=True)
        .order_by()
        .values_list("partner_id")
        .annotate(n=Count("pk"))
    )
    for partner_id, n in owners:
        facts[partner_id].product_owners = n
    return facts


def partners_maturity(*, partner_ids, as_of=None):
    """{partner id: organisation.PartnerMaturity} for many partners in five queries."""
    as_of = as_of or timezone.localdate()
    policy = active_policy()
    facts = organisation_facts(
        partner_ids=list(partner_ids), as_of=as_of, window_days=policy.window_days
    )
    return {pk: one.maturity(trust_threshold=policy.trust_threshold) for pk, one in facts.items()}


def partner_maturity(*, partner, as_of=None):
    """The partner's organisation rung and score, stage, trusted people, product owners and
    active scored engagements, as of a day (default today)."""
    return partners_maturity(partner_ids=[partner.pk], as_of=as_of)[partner.pk]


def evidence_arrays(*, engagement_ids, first, last):
    """Events and client assessments of the engagements dated first..last, as numpy arrays.

    Returns (ids, events, assessments): ``ids`` sorted, and the arrays' engagement column is
    each row's position in ``ids``. One query each; the back-test scores every step from
    this one load.
    """
    ids = np.array(sorted(set(engagement_ids)), dtype=np.int64)
    events = events_between(ids=ids, first=first, last=last)
    return ids, events, assessments_between(ids=ids, first=first, last=last)


def events_between(*, ids, first, last):
    """`EventArrays` of the engagements ``ids`` (a sorted numpy array) dated first..last."""
    load = event_arrays_copied if connection.vendor == "postgresql" else event_arrays
    return load(ids=ids, first=first, last=last)


def event_arrays(*, ids, first, last):
    """`EventArrays` of the engagements ``ids`` (sorted) dated first..last, through the ORM."""
    events = EngagementEvent.objects.filter(
        engagement_id__in=ids.tolist(), occurred_on__gte=first, occurred_on__lte=last
    ).values_list("engagement_id", "id", "kind", "impact", "occurred_on", "client_status")
    rows = list(raw_rows(events))
    kinds = [KIND_POINTS[(kind, impact)] for _, _, kind, impact, _, _ in rows]
    return EventArrays.build(
        engagement=np.searchsorted(ids, [row[0] for row in rows]),
        id=[row[1] for row in rows],
        day=[row[4].toordinal() for row in rows],
        kind=[kind for kind, _, _ in kinds],
        dimension=[dimension for _, dimension, _ in kinds],
        points=[points for _, _, points in kinds],
        disputed=[row[5] == EngagementEvent.ClientStatus.DISPUTED for row in rows],
    )


# The same rows as `event_arrays`, the days as proleptic ordinals (date.toordinal()) and kind
# and impact as their indexes in `vector.KINDS` and `vector.IMPACTS` (-1 for one outside the
# catalogue), streamed in COPY's binary format. Two CASE expressions cost PostgreSQL a third
# of what joining the catalogue as a VALUES list did.
EVENT_ARRAYS_SQL = """
SELECT e.engagement_id::int8, e.id::int8, (e.occurred_on - DATE '0001-01-01' + 1)::int4,
       (CASE e.kind {kinds} ELSE -1 END)::int4, (CASE e.impact {impacts} ELSE -1 END)::int4,
       (e.client_status = 'disputed')::int4
FROM {events} e
WHERE e.engagement_id = ANY(%s::bigint[]) AND e.occurred_on BETWEEN %s AND %s
"""
EVENT_ARRAYS_COLUMNS = [
    ("engagement_id", ">i8"),
    ("id", ">i8"),
    ("day", ">i4"),
    ("kind", ">i4"),
    ("impact", ">i4"),
    ("disputed", ">i4"),
]


def event_arrays_copied(*, ids, first, last):
    """`event_arrays` on PostgreSQL: a million events arrive in a fraction of the time the
    row-by-row fetch and its Python date objects take."""
    sql = EVENT_ARRAYS_SQL.format(
        kinds=" ".join(["WHEN %s THEN %s"] * len(KINDS)),
        impacts=" ".join(["WHEN %s THEN %s"] * len(IMPACTS)),
        events=EngagementEvent._meta.db_table,
    )
    codes = [
        v for names in (KINDS, IMPACTS) for code, name in enumerate(names) for v in (name, code)
    ]
    rows = copy_binary(sql, [*codes, int_array(ids.tolist()), first, last], EVENT_ARRAYS_COLUMNS)
    rows = rows[(rows["kind"] >= 0) & (rows["impact"] >= 0)]
    kind, impact = rows["kind"].astype(np.int64), rows["impact"].astype(np.int64)
    return EventArrays.build(
        engagement=np.searchsorted(ids, rows["engagement_id"]),
        id=rows["id"],
        day=rows["day"],
        kind=kind,
        dimension=KIND_DIMENSIONS[kind],
        points=KIND_IMPACT_POINTS[kind, impact],
        disputed=rows["disputed"],
    )


def assessments_between(*, ids, first, last):
    """`AssessmentArrays` of the client assessments of the engagements ``ids`` (a sorted numpy
    array) submitted on the local days first..last."""
    load = assessment_arrays_copied if connection.vendor == "postgresql" else assessment_arrays
    return load(ids=ids, first=first, last=last)


def assessment_arrays(*, ids, first, last):
    """`assessments_between` through the ORM."""
    assessments = window_assessments(
        engagement_ids=ids.tolist(), as_of=last, window_days=(last - first).days + 1
    )
    pairs = [(pk, a) for pk, rated in assessments.items() for a in rated]
    return AssessmentArrays.build(
        engagement=np.searchsorted(ids, [pk for pk, _ in pairs]),
        day=[a.submitted_on.toordinal() for _, a in pairs],
        rater=[-1 if a.rater is None else a.rater for _, a in pairs],
        answers=[[getattr(a, item) for item in ANSWER_ITEMS] for _, a in pairs],
    )


# The rows of `window_assessments`, with the local day computed by PostgreSQL as a proleptic
# ordinal and a missing rater as -1.
ASSESSMENT_ARRAYS_SQL = """
SELECT a.engagement_id::int8, COALESCE(a.rater_contact_id, -1)::int8,
       ((a.submitted_at AT TIME ZONE %s)::date - DATE '0001-01-01' + 1)::int4, {answers}
FROM {assessments} a
WHERE a.engagement_id = ANY(%s::bigint[]) AND a.side = %s
  AND a.submitted_at >= %s AND a.submitted_at < %s
ORDER BY a.engagement_id, a.submitted_at, a.id
"""
ASSESSMENT_ARRAYS_COLUMNS = [
    ("engagement_id", ">i8"),
    ("rater", ">i8"),
    ("day", ">i4"),
    *((item, ">f8") for item in ANSWER_ITEMS),
]


def assessment_arrays_copied(*, ids, first, last):
    """`assessments_between` on PostgreSQL, through COPY's binary format."""
    sql = ASSESSMENT_ARRAYS_SQL.format(
        answers=", ".join(f"a.{item}::float8" for item in ANSWER_ITEMS),
        assessments=TrustAssessment._meta.db_table,
    )
    start, end = local_day_bounds(first, last)
    params = [
        timezone.get_current_timezone_name(),
        int_array(ids.tolist()),
        TrustAssessment.Side.CLIENT,
        start,
        end,
    ]
    rows = copy_binary(sql, params, ASSESSMENT_ARRAYS_COLUMNS)
    return AssessmentArrays.build(
        engagement=np.searchsorted(ids, rows["engagement_id"]),
        day=rows["day"],
        rater=rows["rater"],
        answers=np.column_stack([rows[item] for item in ANSWER_ITEMS]),
    )


def copy_binary(sql, params, columns):
    """The rows of ``sql`` as a numpy record array, through COPY ... TO STDOUT (FORMAT binary).

    Every column must be NOT NULL and of the fixed-width type given in ``columns``, so that
    each row of the stream has the same layout: a 16-bit field count, then per field a
    32-bit length and the big-endian value.
    """
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        query = raw.mogrify(sql, params).decode()
        raw.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT binary)", buffer)
    layout = [("fields", ">i2")]
    for name, kind in columns:
        layout += [(f"{name}_length", ">i4"), (name, kind)]
    header = 19  # signature, flags, header extension length
    body = buffer.getbuffer()[header:-2]  # the trailer is a 16-bit -1
    return np.frombuffer(body, dtype=np.dtype(layout))


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
