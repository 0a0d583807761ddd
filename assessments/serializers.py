"""What the API reads and writes for engagements, ratings, invitations and scores.

Levels, scores, versions, owners and timestamps are read-only: they come from the scoring
engine and the services, never from a request body.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from partners import access
from partners.choices import Dimension, EventKind, Level
from partners.forms import provider_users
from partners.models import Contact, Engagement, Partner
from partners.serializers import PartnerSerializer, request_user

from .engine.organisation import Stage
from .engine.scoring import ANSWER_ITEMS
from .models import (
    AssessmentInvitation,
    LevelChange,
    MaturitySnapshot,
    PlanItem,
    TrustAssessment,
    TrustBarrier,
)

Confidence = MaturitySnapshot.Confidence


class EngagementSerializer(serializers.ModelSerializer):
    partner = serializers.PrimaryKeyRelatedField(read_only=True)
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    team = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=provider_users(),
        required=False,
        help_text="Ids of provider users who work on it (they may change it too).",
    )
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    confidence = serializers.ChoiceField(
        choices=Confidence.choices,
        read_only=True,
        allow_null=True,
        help_text="Of the latest score, by the number of client raters; null before scoring.",
    )
    dirty = serializers.BooleanField(
        source="is_dirty",
        read_only=True,
        help_text="New evidence is waiting for a recompute; the score will change shortly.",
    )

    class Meta:
        model = Engagement
        fields = [
            "id",
            "partner",
            "partner_name",
            *Engagement.DETAIL_FIELDS,
            "level",
            "level_display",
            "score",
            "confidence",
            "scored_at",
            "dirty",
            "evidence_version",
            "scored_version",
        ]
        read_only_fields = [
            "id",
            "account_manager",
            "level",
            "score",
            "scored_at",
            "evidence_version",
            "scored_version",
        ]
        extra_kwargs = {
            "account_manager": {"help_text": "Owner; the creating user. Changed in the browser."}
        }


class EngagementCreateSerializer(EngagementSerializer):
    partner = serializers.PrimaryKeyRelatedField(queryset=Partner.objects.none())

    def get_fields(self):
        fields = super().get_fields()
        fields["partner"].queryset = access.visible_partners(request_user(self))
        return fields


class SnapshotSerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    policy_version = serializers.IntegerField(source="policy.version", read_only=True)

    class Meta:
        model = MaturitySnapshot
        fields = [
            "id",
            "engagement",
            "as_of",
            "score",
            "level",
            "level_display",
            "delivery",
            "technical",
            "domain",
            "partnership",
            "trust",
            "trust_quotient",
            "rater_count",
            "event_count",
            "assessment_count",
            "confidence",
            "policy_version",
            "computed_at",
        ]
        read_only_fields = fields


def _number(help_text=""):
    return serializers.FloatField(allow_null=True, read_only=True, help_text=help_text)


class TopEventSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=EventKind.choices, read_only=True)
    title = serializers.CharField(read_only=True)
    occurred_on = serializers.DateField(read_only=True)
    points = serializers.FloatField(read_only=True, help_text="Decayed points on the day.")


class DimensionPartsSerializer(serializers.Serializer):
    score = _number("The dimension score D, 0-100 (trust: null without client ratings).")
    rating = _number("R: the client ratings' part before weighting; null without ratings.")
    events = _number("E: the event evidence, 0-100.")
    points = _number("P: decayed event points.")
    rating_part = _number("What the ratings add to the score.")
    event_part = _number("What the events add to the score.")
    top_events = TopEventSerializer(many=True, read_only=True)


class DimensionsSerializer(serializers.Serializer):
    delivery = DimensionPartsSerializer(read_only=True)
    technical = DimensionPartsSerializer(read_only=True)
    domain = DimensionPartsSerializer(read_only=True)
    partnership = DimensionPartsSerializer(read_only=True)
    trust = DimensionPartsSerializer(read_only=True)


class ConditionSerializer(serializers.Serializer):
    condition = serializers.ChoiceField(
        choices=[*Dimension.choices, ("raters", "Distinct client raters")], read_only=True
    )
    current = _number("Current value (null: trust not measured yet).")
    required = serializers.FloatField(read_only=True)


class ExplanationSerializer(serializers.Serializer):
    """The latest snapshot's explanation: why the engagement sits where it is."""

    engagement = serializers.IntegerField(source="engagement_id", read_only=True)
    snapshot = serializers.IntegerField(source="pk", read_only=True)
    as_of = serializers.DateField(read_only=True)
    policy_version = serializers.IntegerField(source="policy.version", read_only=True)
    score = serializers.FloatField(read_only=True)
    level = serializers.ChoiceField(choices=Level.choices, read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    confidence = serializers.ChoiceField(choices=Confidence.choices, read_only=True)
    trust_quotient = _number("(C + R + I) / S of the weighted client answers.")
    rater_count = serializers.IntegerField(read_only=True)
    dimensions = DimensionsSerializer(source="explanation.dimensions", read_only=True)
    next_level = serializers.ChoiceField(
        choices=Level.choices,
        source="explanation.next_level",
        allow_null=True,
        read_only=True,
        help_text="The rung above; null at trusted advisor.",
    )
    unmet = ConditionSerializer(
        source="explanation.unmet",
        many=True,
        read_only=True,
        help_text="What is missing for the next rung.",
    )


class AssessmentSerializer(serializers.ModelSerializer):
    engagement = serializers.PrimaryKeyRelatedField(queryset=Engagement.objects.none())
    trust_quotient = serializers.FloatField(read_only=True, help_text="(C + R + I) / S.")
    barriers = serializers.ListField(
        child=serializers.ChoiceField(choices=TrustBarrier.choices),
        source="barrier_codes",
        required=False,
        help_text="What holds the client back from relying on the provider more (optional); "
        "`nothing` goes alone. Never changes the score.",
    )

    class Meta:
        model = TrustAssessment
        fields = [
            "id",
            "engagement",
            "side",
            "rater_contact",
            "rater_user",
            "submitted_at",
            *ANSWER_ITEMS,
            "recommend",
            "comment",
            "barriers",
            "trust_quotient",
        ]
        read_only_fields = ["id", "side", "rater_contact", "rater_user", "submitted_at"]
        extra_kwargs = {
            "side": {"help_text": "Client for a client product owner, provider otherwise."},
        }

    def get_fields(self):
        fields = super().get_fields()
        fields["engagement"].queryset = access.visible_engagements(request_user(self))
        return fields


class InvitationSerializer(serializers.ModelSerializer):
    engagement = serializers.PrimaryKeyRelatedField(queryset=Engagement.objects.none())
    contact = serializers.PrimaryKeyRelatedField(queryset=Contact.objects.none())
    is_open = serializers.BooleanField(read_only=True, help_text="Not used and not expired.")

    class Meta:
        model = AssessmentInvitation
        fields = [
            "id",
            "engagement",
            "contact",
            "created_by",
            "created_at",
            "expires_at",
            "sent_to",
            "sent_at",
            "send_failed_at",
            "reminded_at",
            "revoked_at",
            "used_at",
            "assessment",
            "is_open",
        ]
        # The caller names the engagement and the contact; the service sets everything else.
        read_only_fields = [name for name in fields if name not in ("engagement", "contact")]

    def get_fields(self):
        fields = super().get_fields()
        user = request_user(self)
        fields["engagement"].queryset = access.visible_engagements(user)
        fields["contact"].queryset = access.visible_contacts(user)
        return fields


class LevelChangeSerializer(serializers.ModelSerializer):
    engagement_name = serializers.CharField(source="engagement.name", read_only=True)
    partner_name = serializers.CharField(source="engagement.partner.name", read_only=True)
    account_manager = serializers.IntegerField(
        source="engagement.account_manager_id", read_only=True
    )
    direction = serializers.SerializerMethodField()
    from_level_display = serializers.CharField(source="get_from_level_display", read_only=True)
    to_level_display = serializers.CharField(source="get_to_level_display", read_only=True)

    class Meta:
        model = LevelChange
        fields = [
            "id",
            "engagement",
            "engagement_name",
            "partner_name",
            "account_manager",
            "from_level",
            "from_level_display",
            "to_level",
            "to_level_display",
            "direction",
            "as_of",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=["up", "down"]))
    def get_direction(self, change):
        return "up" if change.is_promotion else "down"


class PlanItemSerializer(serializers.ModelSerializer):
    engagement = serializers.PrimaryKeyRelatedField(queryset=Engagement.objects.none())

    class Meta:
        model = PlanItem
        fields = [
            "id",
            "engagement",
            "title",
            "dimension",
            "owner_side",
            "owner_user",
            "owner_contact",
            "due_on",
            "status",
            "client_comment",
            "created_by",
            "created_at",
            "done_at",
        ]
        read_only_fields = ["id", "client_comment", "created_by", "created_at", "done_at"]
        extra_kwargs = {
            "client_comment": {"help_text": "What the client's product owner added."},
            "owner_contact": {"help_text": "A contact of the engagement's partner."},
        }

    def get_fields(self):
        fields = super().get_fields()
        fields["engagement"].queryset = access.visible_engagements(request_user(self))
        fields["owner_contact"].queryset = access.visible_contacts(request_user(self))
        fields["owner_user"].queryset = provider_users()
        if self.instance is not None:
            fields["engagement"].read_only = True
        return fields


class MaturitySerializer(serializers.Serializer):
    level = serializers.ChoiceField(
        choices=Level.choices,
        allow_null=True,
        read_only=True,
        help_text="Organisation rung: the lower median rung of the active, scored engagements.",
    )
    score = serializers.FloatField(
        allow_null=True, read_only=True, help_text="Mean score of those engagements."
    )
    stage = serializers.ChoiceField(
        choices=Stage.choices,
        read_only=True,
        help_text="How far trust has spread from individuals to the organisation.",
    )
    trusted_people = serializers.IntegerField(
        read_only=True, help_text="Client contacts whose latest rating's trust reaches τ."
    )
    product_owners = serializers.IntegerField(read_only=True)
    engagements = serializers.IntegerField(read_only=True, help_text="Active, scored engagements.")


class PartnerMaturitySerializer(PartnerSerializer):
    maturity = MaturitySerializer(read_only=True)

    class Meta(PartnerSerializer.Meta):
        fields = [*PartnerSerializer.Meta.fields, "maturity"]
