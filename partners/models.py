import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .choices import IMPACT_FACTORS, Dimension, EventKind, Impact, Level

__all__ = [
    "Contact",
    "Dimension",
    "Engagement",
    "EngagementEvent",
    "EventKind",
    "Impact",
    "Level",
    "Partner",
    "refuse_line_breaks",
]


def display_name(user):
    """How the pages name a person: their full name, else their username."""
    return user.get_full_name() or user.username


def optional_user_field(**options):
    """A user a row names (who rated, logged, created or owns it): optional, set to null when
    the user is deleted so that the row stays, with no reverse accessor on the user."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        **options,
    )


def refuse_line_breaks(value):
    """Single-line names and titles end up in email headers, where a line break would let a
    value add headers of its own (for example a Bcc)."""
    if "\r" in value or "\n" in value:
        raise ValidationError("Use a single line: line breaks are not allowed here.")


# Who changed what and when (issue 10, item 5). Fields that only the scoring engine or the
# outbox write are left out: they change on every recompute and are explained elsewhere.
PROTECTED_AFTER_DAYS = 30
ENGINE_FIELDS = [
    "level",
    "score",
    "scored_at",
    "evidence_version",
    "scored_version",
    "facts_on",
    "change_30d",
    "last_rating_at",
    "level_lost",
    "stale",
    "at_risk",
    "falling",
    "trust_on_one_person",
    "sparkline",
    "next_rung_gap",
]


class Partner(models.Model):
    name = models.CharField(max_length=200, unique=True, validators=[refuse_line_breaks])
    slug = models.SlugField(max_length=200, unique=True)
    industry = models.CharField(max_length=100, blank=True)
    website = models.URLField(blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("assessments:partner_detail", args=[self.slug])


class Contact(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200, validators=[refuse_line_breaks])
    email = models.EmailField()
    title = models.CharField(max_length=200, blank=True, validators=[refuse_line_breaks])
    is_product_owner = models.BooleanField(default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "email"], name="contact_unique_email"),
        ]

    def __str__(self):
        return f"{self.name} ({self.partner})"


class EngagementQuerySet(models.QuerySet):
    def dirty(self):
        return self.filter(evidence_version__gt=F("scored_version"))


class Engagement(models.Model):
    class ContractType(models.TextChoices):
        TIME_AND_MATERIAL = "time_and_material", "Time and material"
        FIXED_PRICE = "fixed_price", "Fixed price"
        MANAGED_SERVICE = "managed_service", "Managed service"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        CLOSED = "closed", "Closed"

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="engagements")
    name = models.CharField(max_length=200, validators=[refuse_line_breaks])
    description = models.TextField(blank=True)
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="managed_engagements"
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="team_engagements"
    )
    started_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    contract_type = models.CharField(
        max_length=30, choices=ContractType.choices, default=ContractType.TIME_AND_MATERIAL
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    level = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.EXECUTOR)
    score = models.FloatField(null=True, blank=True, editable=False)
    scored_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The outbox: evidence changes bump evidence_version in their own transaction; the
    # engagement is dirty until a recompute has read that version (scored_version).
    evidence_version = models.PositiveIntegerField(default=0, editable=False)
    scored_version = models.PositiveIntegerField(default=0, editable=False)
    # What the portfolio pages show, as of the latest snapshot, written by every recompute
    # (assessments/engine/facts.py) so that the pages read columns instead of aggregating a
    # year of snapshots. The flags ignore the status: a closed engagement is never flagged,
    # which the pages decide when they read (closing one does not recompute it).
    facts_on = models.DateField(null=True, blank=True, editable=False)
    change_30d = models.FloatField(null=True, blank=True, editable=False)
    last_rating_at = models.DateTimeField(null=True, blank=True, editable=False)
    level_lost = models.BooleanField(default=False, editable=False)
    stale = models.BooleanField(default=True, editable=False)  # never rated
    at_risk = models.BooleanField(default=False, editable=False)
    falling = models.BooleanField(default=False, editable=False)
    trust_on_one_person = models.BooleanField(default=False, editable=False)
    sparkline = models.JSONField(default=list, blank=True, editable=False)
    next_rung_gap = models.JSONField(default=list, blank=True, editable=False)

    # What people enter and change, on the page and through the API, in the form's order; the
    # partner is fixed at creation and everything else is the engine's.
    DETAIL_FIELDS = (
        "name",
        "description",
        "account_manager",
        "team",
        "started_on",
        "ends_on",
        "contract_type",
        "status",
    )

    objects = EngagementQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=ENGINE_FIELDS)

    class Meta:
        ordering = ["partner__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "name"], name="engagement_unique_name"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("started_on")),
                name="engagement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=4), name="engagement_level_range"
            ),
            models.CheckConstraint(
                condition=Q(evidence_version__gte=0) & Q(scored_version__gte=0),
                name="engagement_versions_non_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "level"], name="engagement_status_level"),
            models.Index(
                fields=["id"],
                condition=Q(evidence_version__gt=F("scored_version")),
                name="engagement_dirty",
            ),
            # The dashboard's at-risk, stale and trust-on-one-person lists: only the flagged rows,
            # in list order. On PostgreSQL, migration 0009 orders `engagement_stale` with
            # never-rated first, as the list does; SQLite cannot write that in an index.
            models.Index(
                fields=["change_30d", "id"],
                condition=Q(at_risk=True) & ~Q(status="closed"),
                name="engagement_at_risk",
            ),
            models.Index(
                fields=["last_rating_at", "id"],
                condition=Q(stale=True) & ~Q(status="closed"),
                name="engagement_stale",
            ),
            models.Index(
                fields=["-level", "id"],
                condition=Q(trust_on_one_person=True) & ~Q(status="closed"),
                name="engagement_one_person",
            ),
        ]

    def __str__(self):
        return f"{self.partner.name}: {self.name}"

    def get_absolute_url(self):
        return reverse("assessments:engagement_detail", args=[self.pk])

    @property
    def dirty(self):
        return self.evidence_version > self.scored_version

    def clean(self):
        if self.ends_on and self.started_on and self.ends_on < self.started_on:
            raise ValidationError({"ends_on": "The end date cannot be before the start date."})

    def refuse_evidence_on(self, day):
        """Raise ValidationError when an event or rating dated `day` cannot count."""
        if self.status == self.Status.CLOSED:
            raise ValidationError("This engagement is closed; it takes no new evidence.")
        if day > timezone.localdate():
            raise ValidationError({"occurred_on": "The date cannot be in the future."})
        if day < self.started_on:
            raise ValidationError(
                {
                    "occurred_on": f"The engagement started on {self.started_on:%d %b %Y}; "
                    "the date cannot be earlier."
                }
            )


class EngagementEvent(models.Model):
    class ClientStatus(models.TextChoices):
        UNREVIEWED = "unreviewed", "Not reviewed by the client"
        CONFIRMED = "confirmed", "Confirmed by the client"
        DISPUTED = "disputed", "Disputed by the client"

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40, choices=EventKind.choices)
    occurred_on = models.DateField()
    title = models.CharField(max_length=200, validators=[refuse_line_breaks])
    notes = models.TextField(blank=True)
    impact = models.CharField(max_length=10, choices=Impact.choices, default=Impact.NORMAL)
    logged_by = optional_user_field()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # The client's review of this claim (DESIGN "The client's side: reviewing the evidence");
    # written by services.event_review only, the latest review counts.
    client_status = models.CharField(
        max_length=10, choices=ClientStatus.choices, default=ClientStatus.UNREVIEWED
    )
    client_reviewed_by = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    client_reviewed_at = models.DateTimeField(null=True, blank=True)
    client_comment = models.TextField(blank=True, max_length=2000)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["engagement", "-occurred_on"], name="event_engagement_date"),
            # The dashboard's latest disputes: only the disputed rows, newest review first.
            models.Index(
                fields=["-client_reviewed_at", "-id"],
                condition=Q(client_status="disputed"),
                name="event_disputed",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_disputed(self):
        return self.client_status == self.ClientStatus.DISPUTED

    @property
    def dimension(self):
        return EventKind(self.kind).dimension

    @property
    def dimension_label(self):
        return Dimension(self.dimension).label

    @property
    def is_protected(self):
        """Negative or older than 30 days: deleting it needs the account manager or leadership."""
        age = timezone.localdate() - self.occurred_on
        return self.points < 0 or age > dt.timedelta(days=PROTECTED_AFTER_DAYS)

    @property
    def points(self):
        """The undecayed points of this event: catalogue points × impact factor."""
        return EventKind(self.kind).points * IMPACT_FACTORS[Impact(self.impact)]
