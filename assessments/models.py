import hashlib
from dataclasses import fields as dataclass_fields

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from partners.models import (
    Contact,
    Dimension,
    Engagement,
    Level,
    Partner,
    display_name,
    optional_user_field,
)

from .engine.organisation import PartnerMaturity, Stage
from .engine.scoring import ANSWER_ITEMS, PolicyParams, trust_quotient

# The questionnaire of DESIGN.md: the statement each Likert item (scoring.ANSWER_ITEMS) asks the
# rater to judge.
STATEMENTS = {
    "credibility": "They know what they are talking about, and I believe what they tell me.",
    "reliability": "They do what they say they will do, when they say they will.",
    "intimacy": "I can raise sensitive concerns with them openly.",
    "self_orientation": "They put their own interests ahead of ours.",
    "technical": "They have the technical skills to take full care of our product.",
    "domain": "They understand our business domain, our users and our competitors.",
    "advice": "I ask them for advice on business and technology decisions, not only for tasks.",
}
RECOMMEND_QUESTION = "How likely are you to recommend them to a peer?"


def likert_field(item):
    return models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)], help_text=STATEMENTS[item]
    )


def likert_range(item):
    return models.CheckConstraint(
        condition=Q(**{f"{item}__gte": 1, f"{item}__lte": 5}),
        name=f"assessment_{item}_range",
    )


class TrustAssessment(models.Model):
    class Side(models.TextChoices):
        CLIENT = "client", "Client"
        PROVIDER = "provider", "Provider (self-assessment)"

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="assessments")
    side = models.CharField(max_length=10, choices=Side.choices)
    rater_contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    rater_user = optional_user_field()
    submitted_at = models.DateTimeField(default=timezone.now)
    credibility = likert_field("credibility")
    reliability = likert_field("reliability")
    intimacy = likert_field("intimacy")
    self_orientation = likert_field("self_orientation")
    technical = likert_field("technical")
    domain = likert_field("domain")
    advice = likert_field("advice")
    recommend = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)], help_text=RECOMMEND_QUESTION
    )
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            *(likert_range(item) for item in ANSWER_ITEMS),
            models.CheckConstraint(
                condition=Q(recommend__isnull=True) | Q(recommend__gte=0, recommend__lte=10),
                name="assessment_recommend_range",
            ),
            models.CheckConstraint(
                condition=Q(side="provider") | Q(rater_contact__isnull=False),
                name="assessment_client_has_contact",
            ),
            models.CheckConstraint(
                condition=Q(side__in=["client", "provider"]), name="assessment_side_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["engagement", "side", "-submitted_at"], name="assessment_eng"),
        ]

    def __str__(self):
        return (
            f"{self.get_side_display()} rating of {self.engagement} on {self.submitted_at:%Y-%m-%d}"
        )

    @property
    def answers(self):
        return {item: getattr(self, item) for item in ANSWER_ITEMS}

    @property
    def trust_quotient(self):
        return trust_quotient(self.answers)

    @property
    def barrier_codes(self):
        """The barriers named with this rating, in the order of `TrustBarrier`."""
        codes = {barrier.code for barrier in self.barriers.all()}
        return [code for code in TrustBarrier.values if code in codes]


class TrustBarrier(models.TextChoices):
    """What holds the client back from relying on the provider more (DESIGN.md)."""

    PAST_EXPERIENCE = "past_experience", "Bad experiences with service providers in the past"
    LOSING_CONTROL = "losing_control", "Fear of losing control over our product"
    UNCLEAR_STRATEGY = "unclear_strategy", "Our own strategy and vision are not clear enough yet"
    INTERNAL_PERCEPTION = (
        "internal_perception",
        "How relying on a provider is seen inside our organisation",
    )
    PROVIDER_SKILLS = "provider_skills", "Doubts about their skills"
    PROVIDER_DOMAIN = "provider_domain", "They don't know our business well enough yet"
    TEAM_CONTINUITY = "team_continuity", "People on their team change too often"
    NOTHING = "nothing", "Nothing holds me back"


BARRIER_QUESTION = "What, if anything, holds you back from relying on them more?"

# What helps against each barrier: the hint the provider is shown (DESIGN.md).
BARRIER_HINTS = {
    TrustBarrier.PAST_EXPERIENCE: (
        "Small, visible commitments kept; say what went wrong before and how this differs."
    ),
    TrustBarrier.LOSING_CONTROL: (
        "Shared roadmap and decision log; documentation, access and a handover plan the "
        "client owns."
    ),
    TrustBarrier.UNCLEAR_STRATEGY: (
        "Offer discovery and strategy workshops; help write the product vision."
    ),
    TrustBarrier.INTERNAL_PERCEPTION: (
        "Make the product owner look good: credit them in reviews, give them material for "
        "their stakeholders."
    ),
    TrustBarrier.PROVIDER_SKILLS: (
        "Show the work: demos, reviews, certifications, senior people on the hard problems."
    ),
    TrustBarrier.PROVIDER_DOMAIN: (
        "Domain workshops, user research, time with the client's users."
    ),
    TrustBarrier.TEAM_CONTINUITY: (
        "Keep key people; overlap and hand over when someone must leave."
    ),
    TrustBarrier.NOTHING: "",
}


class AssessmentBarrier(models.Model):
    """One barrier a rater named in one assessment. Never part of the score."""

    assessment = models.ForeignKey(
        TrustAssessment, on_delete=models.CASCADE, related_name="barriers", db_index=False
    )
    code = models.CharField(max_length=32, choices=TrustBarrier.choices)

    class Meta:
        ordering = ["assessment", "code"]
        constraints = [
            # Also the index that joins barriers to the assessments being counted.
            models.UniqueConstraint(fields=["assessment", "code"], name="barrier_once"),
            models.CheckConstraint(
                condition=Q(code__in=TrustBarrier.values), name="barrier_code_valid"
            ),
        ]

    def __str__(self):
        return self.get_code_display()


def hash_token(raw_token):
    return hashlib.sha256(raw_token.encode()).hexdigest()


class AssessmentInvitation(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="invitations")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = optional_user_field()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    # The address the link went to: the contact's email may change later (issue 16, item 1).
    sent_to = models.EmailField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    send_failed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # The first visit trades the emailed token for the visitor's session, so a link copied
    # from an access log no longer opens the form (issue 16, item 6).
    exchanged_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    assessment = models.OneToOneField(
        TrustAssessment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitation",
    )

    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["engagement", "contact", "used_at"], name="invitation_open"),
        ]

    def __str__(self):
        return f"Invitation for {self.contact} to rate {self.engagement}"

    @property
    def is_open(self):
        return self.used_at is None and self.revoked_at is None and self.expires_at > timezone.now()

    def refuse_use(self):
        """Raise ValidationError when this invitation can no longer be answered."""
        if self.used_at is not None:
            raise ValidationError("This rating link has already been used.")
        if self.revoked_at is not None:
            raise ValidationError("This rating link has been withdrawn.")
        if self.expires_at <= timezone.now():
            raise ValidationError("This rating link has expired.")


def fraction_field(default):
    return models.FloatField(
        default=default, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )


class ScoringPolicy(models.Model):
    """The parameters of the scoring rule. A version used by a snapshot is never edited."""

    version = models.PositiveIntegerField(unique=True)
    is_active = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    window_days = models.PositiveIntegerField(default=365, validators=[MinValueValidator(1)])
    event_half_life_days = models.FloatField(default=90, validators=[MinValueValidator(1)])
    rating_half_life_days = models.FloatField(default=180, validators=[MinValueValidator(1)])
    event_saturation = models.FloatField(default=10, validators=[MinValueValidator(0.1)])
    rating_weight = fraction_field(0.6)
    weight_delivery = fraction_field(0.2)
    weight_technical = fraction_field(0.2)
    weight_domain = fraction_field(0.2)
    weight_partnership = fraction_field(0.2)
    weight_trust = fraction_field(0.2)
    threshold = models.FloatField(
        default=60, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    trust_threshold = models.FloatField(
        default=65, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    min_raters_advisor = models.PositiveSmallIntegerField(default=2)
    demotion_band = models.FloatField(
        default=10, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    disputed_event_weight = fraction_field(0)
    created_by = optional_user_field(editable=False)
    activated_by = optional_user_field(editable=False)
    activated_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-version"]
        verbose_name_plural = "scoring policies"
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="one_active_policy"
            ),
        ]

    def __str__(self):
        return f"Scoring policy v{self.version}{' (active)' if self.is_active else ''}"

    def params(self):
        return PolicyParams(
            **{f.name: getattr(self, f.name) for f in dataclass_fields(PolicyParams)}
        )

    def clean(self):
        weights = sum(
            getattr(self, f"weight_{d}")
            for d in ("delivery", "technical", "domain", "partnership", "trust")
        )
        if abs(weights - 1) > 1e-6:
            raise ValidationError(f"The five dimension weights must add up to 1 (now {weights:g}).")


class MaturitySnapshot(models.Model):
    class Confidence(models.TextChoices):
        NONE = "none", "None"
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    # No index of its own: the unique (engagement, as_of) index serves every lookup by
    # engagement, and one index less makes the nightly upsert of 10,000 rows cheaper.
    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="snapshots", db_index=False
    )
    as_of = models.DateField()
    policy = models.ForeignKey(ScoringPolicy, on_delete=models.PROTECT, related_name="+")
    score = models.FloatField()
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    delivery = models.FloatField()
    technical = models.FloatField()
    domain = models.FloatField()
    partnership = models.FloatField()
    trust = models.FloatField(null=True, blank=True)
    trust_quotient = models.FloatField(null=True, blank=True)
    rater_count = models.PositiveIntegerField(default=0)
    event_count = models.PositiveIntegerField(default=0)
    assessment_count = models.PositiveIntegerField(default=0)
    confidence = models.CharField(max_length=10, choices=Confidence.choices)
    explanation = models.JSONField(default=dict)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-as_of"]
        get_latest_by = "as_of"
        constraints = [
            models.UniqueConstraint(fields=["engagement", "as_of"], name="snapshot_unique_day"),
        ]

    def __str__(self):
        return f"{self.engagement} on {self.as_of}: {self.score:.1f}"


class LevelChange(models.Model):
    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="level_changes"
    )
    from_level = models.PositiveSmallIntegerField(choices=Level.choices)
    to_level = models.PositiveSmallIntegerField(choices=Level.choices)
    as_of = models.DateField()
    snapshot = models.ForeignKey(
        MaturitySnapshot, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-as_of", "-id"]
        indexes = [
            # The dashboard counts the last 90 days' moves up and down from this index alone
            # (an index-only scan on PostgreSQL; SQLite ignores INCLUDE).
            models.Index(
                fields=["as_of"],
                include=["from_level", "to_level", "engagement"],
                name="level_change_as_of",
            )
        ]
        constraints = [
            # One change per engagement and day: recomputing a day replaces its change.
            models.UniqueConstraint(fields=["engagement", "as_of"], name="level_change_day"),
        ]

    def __str__(self):
        return f"{self.engagement}: {self.from_level} → {self.to_level} on {self.as_of}"

    @property
    def is_promotion(self):
        return self.to_level > self.from_level


class PlanItem(models.Model):
    """One step of an engagement's plan to the next rung, shared with the client.

    Evidence of intent, never of achievement: nothing here feeds the score.
    """

    class OwnerSide(models.TextChoices):
        PROVIDER = "provider", "Provider"
        CLIENT = "client", "Client"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="plan_items")
    title = models.CharField(max_length=200)
    dimension = models.CharField(max_length=20, choices=Dimension.choices, blank=True)
    owner_side = models.CharField(
        max_length=10, choices=OwnerSide.choices, default=OwnerSide.PROVIDER
    )
    owner_user = optional_user_field()
    owner_contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="plan_items"
    )
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    client_comment = models.TextField(blank=True, max_length=2000)
    created_by = optional_user_field()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~(Q(owner_user__isnull=False) & Q(owner_contact__isnull=False)),
                name="plan_item_one_owner",
            ),
        ]
        indexes = [
            models.Index(fields=["engagement", "status", "due_on"], name="plan_item_open"),
        ]

    def __str__(self):
        return self.title

    @property
    def owner_name(self):
        if self.owner_contact is not None:
            return self.owner_contact.name
        if self.owner_user is not None:
            return display_name(self.owner_user)
        return self.get_owner_side_display()

    def is_overdue(self, today):
        return self.status == self.Status.OPEN and self.due_on is not None and self.due_on < today

    def clean(self):
        if self.owner_side == self.OwnerSide.PROVIDER and self.owner_contact_id is not None:
            raise ValidationError({"owner_contact": "A provider-side item has a provider owner."})
        if self.owner_side == self.OwnerSide.CLIENT and self.owner_user_id is not None:
            raise ValidationError({"owner_user": "A client-side item has a client owner."})
        foreign_contact = (
            self.owner_contact_id is not None
            and self.engagement_id is not None
            and self.owner_contact.partner_id != self.engagement.partner_id
        )
        if foreign_contact:
            raise ValidationError({"owner_contact": "Choose a contact of this partner."})


class Backtest(models.Model):
    """A what-if run of a draft policy against the active one over past evidence."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    policy = models.ForeignKey(ScoringPolicy, on_delete=models.CASCADE, related_name="backtests")
    # The active policy at the time of the run: the one the draft was compared with.
    active_policy = models.ForeignKey(
        ScoringPolicy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = optional_user_field()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    start = models.DateField()
    end = models.DateField()
    step_days = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(100)], help_text="Percent of the steps done."
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="backtest_period"),
        ]

    def __str__(self):
        return f"Back-test of v{self.policy.version} from {self.start} to {self.end}"

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)


class BacktestResult(models.Model):
    """One engagement's rung and score at the end of a back-test under both policies."""

    backtest = models.ForeignKey(Backtest, on_delete=models.CASCADE, related_name="results")
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="+")
    level_active = models.PositiveSmallIntegerField(choices=Level.choices)
    level_draft = models.PositiveSmallIntegerField(choices=Level.choices)
    score_active = models.FloatField()
    score_draft = models.FloatField()
    changes_active = models.PositiveIntegerField(default=0)
    changes_draft = models.PositiveIntegerField(default=0)
    # Where the rungs differ: the first unmet condition of the higher rung under the policy
    # that gives the lower one, e.g. "domain 55.2 / 60 (active)".
    deciding_gate = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["engagement_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["backtest", "engagement"], name="backtest_result_unique_engagement"
            ),
        ]

    def __str__(self):
        return f"{self.engagement_id}: {self.level_active} / {self.level_draft}"

    @property
    def differs(self):
        return self.level_active != self.level_draft


class MonthEndRungCount(models.Model):
    """How many engagements held a rung at a month end, per combination of the dashboard's
    filters: the dashboard's 12-month chart reads these few rows instead of scanning a year
    of snapshots. Rebuilt by the nightly recompute (``engine.facts.rung_history_refresh``);
    the filters are the engagement's attributes as of that rebuild."""

    as_of = models.DateField()
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    industry = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=10)
    current_level = models.PositiveSmallIntegerField(choices=Level.choices)
    engagements = models.PositiveIntegerField()

    class Meta:
        ordering = ["as_of", "level"]

    def __str__(self):
        return f"{self.engagements} at level {self.level} on {self.as_of}"


class PartnerFacts(models.Model):
    """A partner's organisation maturity (``selectors.partners_maturity``) as of ``facts_on``,
    stored by every recompute (``engine.partner_facts``) so that the partner list and the
    dashboard's partners view sort, filter and count columns instead of computing every
    partner's maturity per request. ``stage_rank`` orders the stages (organisation highest)."""

    partner = models.OneToOneField(
        Partner, primary_key=True, on_delete=models.CASCADE, related_name="stored_maturity"
    )
    facts_on = models.DateField()
    level = models.PositiveSmallIntegerField(choices=Level.choices, null=True)
    score = models.FloatField(null=True)
    stage = models.CharField(max_length=12, choices=Stage.choices)
    stage_rank = models.PositiveSmallIntegerField()
    trusted_people = models.PositiveIntegerField()
    product_owners = models.PositiveIntegerField()
    engagements = models.PositiveIntegerField()  # active, scored

    class Meta:
        verbose_name_plural = "partner facts"

    def __str__(self):
        return f"{self.partner_id}: {self.stage}, level {self.level} on {self.facts_on}"

    @property
    def maturity(self):
        return PartnerMaturity(
            level=self.level,
            score=self.score,
            stage=self.stage,
            trusted_people=self.trusted_people,
            product_owners=self.product_owners,
            engagements=self.engagements,
        )


class LatestRating(models.Model):
    """Each client contact's latest rating in the window as of the last recompute of their
    partner (``engine.partner_facts``), on whichever of the partner's engagements: the
    dashboard counts the barriers of these rows instead of looking for every contact's
    latest rating among all the portfolio's ratings per request."""

    contact = models.OneToOneField(
        Contact, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    assessment = models.ForeignKey(TrustAssessment, on_delete=models.CASCADE, related_name="+")
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="+")

    def __str__(self):
        return f"{self.contact_id}: rating {self.assessment_id}"
