"""What the API reads and writes for the relationship register.

Every serializer lists its fields; ids, slugs, owners and timestamps are read-only. Objects a
request names (a contact's partner, an event's engagement) are looked up among those the user
may see, so a foreign id answers "does not exist" rather than revealing anything.
"""

from django.contrib.auth.models import AnonymousUser
from rest_framework import serializers

from . import access
from .choices import Dimension
from .models import Contact, Engagement, EngagementEvent, Partner


def request_user(serializer):
    """The requesting user; anonymous while the OpenAPI schema is being generated."""
    request = serializer.context.get("request")
    return getattr(request, "user", None) or AnonymousUser()


class PartnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Partner
        fields = ["id", "name", "slug", "industry", "website", "notes", "created_at"]
        read_only_fields = ["id", "slug", "created_at"]


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "partner", "name", "email", "title", "is_product_owner", "user"]
        read_only_fields = ["id", "partner", "user"]
        extra_kwargs = {"user": {"help_text": "The client login linked to this contact, if any."}}


class ContactCreateSerializer(ContactSerializer):
    partner = serializers.PrimaryKeyRelatedField(queryset=Partner.objects.none())

    class Meta(ContactSerializer.Meta):
        read_only_fields = ["id", "user"]

    def get_fields(self):
        fields = super().get_fields()
        fields["partner"].queryset = access.visible_partners(request_user(self))
        return fields


# The client's review of an event: set by the client through `review`, read-only for staff.
CLIENT_REVIEW_FIELDS = (
    "client_status",
    "client_comment",
    "client_reviewed_by",
    "client_reviewed_at",
)


class EventSerializer(serializers.ModelSerializer):
    dimension = serializers.ChoiceField(
        choices=Dimension.choices, read_only=True, help_text="The dimension the kind feeds."
    )
    points = serializers.FloatField(
        read_only=True, help_text="Catalogue points × impact factor, before decay."
    )
    reason = serializers.CharField(
        write_only=True,
        required=False,
        max_length=500,
        help_text="Why the kind, date or impact changes (required then); kept in the history.",
    )

    class Meta:
        model = EngagementEvent
        fields = [
            "id",
            "engagement",
            "kind",
            "dimension",
            "occurred_on",
            "title",
            "impact",
            "notes",
            "points",
            "logged_by",
            "created_at",
            *CLIENT_REVIEW_FIELDS,
            "reason",
        ]
        read_only_fields = ["id", "engagement", "logged_by", "created_at", *CLIENT_REVIEW_FIELDS]


class EventCreateSerializer(EventSerializer):
    engagement = serializers.PrimaryKeyRelatedField(queryset=Engagement.objects.none())

    class Meta(EventSerializer.Meta):
        read_only_fields = ["id", "logged_by", "created_at", *CLIENT_REVIEW_FIELDS]

    def get_fields(self):
        fields = super().get_fields()
        fields["engagement"].queryset = access.visible_engagements(request_user(self))
        return fields


BULK_MAX_ROWS = 1000


class EventRowSerializer(serializers.ModelSerializer):
    """One event of a bulk request."""

    # A plain id, not a related field: all rows' engagements are loaded in one query
    # afterwards, instead of one query per row.
    engagement = serializers.IntegerField(min_value=1, help_text="The engagement's id.")

    class Meta:
        model = EngagementEvent
        fields = ["engagement", "kind", "occurred_on", "title", "impact", "notes"]

    @classmethod
    def many_init(cls, *args, **kwargs):
        kwargs.setdefault("max_length", BULK_MAX_ROWS)
        kwargs.setdefault("allow_empty", False)
        return super().many_init(*args, **kwargs)


class BulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text="How many events were saved.")
    events = EventSerializer(many=True)


class EventImportSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="CSV (UTF-8, comma or semicolon separated) with the columns engagement, "
        "kind, occurred_on, title, impact, notes. Engagement: an id or "
        "partner-slug/engagement name."
    )
    engagement = serializers.IntegerField(
        required=False,
        help_text="Import into this engagement only; the engagement column may then be empty. "
        "404 when the user cannot see it, 403 when they may not change it.",
    )
    dry_run = serializers.BooleanField(
        default=False, help_text="Check every row and report, but save nothing."
    )


class ImportedEngagementSerializer(serializers.Serializer):
    engagement = serializers.IntegerField(source="engagement.pk")
    name = serializers.CharField(source="engagement.name")
    partner = serializers.CharField(source="engagement.partner.name")
    events = serializers.IntegerField(help_text="Rows for this engagement.")


class ImportResultSerializer(serializers.Serializer):
    rows = serializers.IntegerField(source="row_count", help_text="Rows read from the file.")
    created = serializers.IntegerField(help_text="Events saved (0 on a dry run).")
    engagements = ImportedEngagementSerializer(many=True, source="per_engagement")


class EventReviewSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["confirmed", "disputed"], help_text="Did it happen as logged?"
    )
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="Optional, for the team."
    )


class ClientEventSerializer(serializers.ModelSerializer):
    """An event as a client product owner sees it: never its internal `notes`."""

    class Meta:
        model = EngagementEvent
        fields = ["id", "engagement", "kind", "occurred_on", "title", *CLIENT_REVIEW_FIELDS]
        read_only_fields = fields
