"""REST endpoints for engagements and their scores, ratings, invitations and level changes.

Another door to the same services and access rules as the pages. Client product owners may
read their own partner's engagements (with snapshots and explanations) and their own
ratings, and rate an engagement of their partner; every other write is 403 for them.
"""

import django_filters
from django.db.models import F, Q
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, permissions, viewsets
from rest_framework.exceptions import NotFound

from partners import access
from partners import api as partners_api
from partners import services as partner_services
from partners.api import (
    ChangesEngagementToWrite,
    IsProviderStaff,
    ReadCreateUpdateViewSet,
    ReadCreateViewSet,
)
from partners.models import Engagement

from . import access as assessment_access
from . import selectors, services
from .engine.scoring import ANSWER_ITEMS
from .models import AssessmentInvitation, LevelChange, MaturitySnapshot, PlanItem
from .models import TrustAssessment as Assessment
from .serializers import (
    AssessmentSerializer,
    EngagementCreateSerializer,
    EngagementSerializer,
    ExplanationSerializer,
    InvitationSerializer,
    LevelChangeSerializer,
    PartnerMaturitySerializer,
    PlanItemSerializer,
    SnapshotSerializer,
)


def with_maturity(partners):
    """The partners, each with `.maturity` (selectors.partners_maturity), in five queries."""
    maturity = selectors.partners_maturity(partner_ids=[p.pk for p in partners])
    for partner in partners:
        partner.maturity = maturity[partner.pk]
    return partners


class PartnerViewSet(partners_api.PartnerViewSet):
    """The register's partners with their organisation maturity (read-only)."""

    serializer_class = PartnerMaturitySerializer

    def paginate_queryset(self, queryset):
        return with_maturity(super().paginate_queryset(queryset))

    def get_object(self):
        return with_maturity([super().get_object()])[0]

    def perform_create(self, serializer):
        super().perform_create(serializer)
        with_maturity([serializer.instance])

    def perform_update(self, serializer):
        super().perform_update(serializer)
        with_maturity([serializer.instance])


class EngagementAccess(permissions.BasePermission):
    """Everyone reads what `access` shows them; provider staff create and change (the object
    check then asks whether they may change this engagement)."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return request.user.is_authenticated
        return access.is_provider_staff(request.user)


class EngagementFilter(django_filters.FilterSet):
    partner = django_filters.NumberFilter(help_text="Partner id.")
    account_manager = django_filters.NumberFilter(help_text="User id of the account manager.")
    dirty = django_filters.BooleanFilter(
        field_name="is_dirty", help_text="Waiting for a recompute."
    )
    changeable = django_filters.BooleanFilter(
        method="filter_changeable", help_text="Only those the user may change (or may not)."
    )

    class Meta:
        model = Engagement
        fields = [
            "partner",
            "status",
            "level",
            "contract_type",
            "account_manager",
            "dirty",
            "changeable",
        ]

    def filter_changeable(self, queryset, name, value):
        changeable = Q(pk__in=access.changeable_engagements(self.request.user).values("pk"))
        return queryset.filter(changeable if value else ~changeable)


@extend_schema_view(
    list=extend_schema(summary="List engagements with their level and score"),
    retrieve=extend_schema(summary="An engagement with its level and score"),
    create=extend_schema(
        summary="Create an engagement", description="The requesting user is its account manager."
    ),
    update=extend_schema(summary="Replace an engagement's details"),
    partial_update=extend_schema(summary="Change some of an engagement's details"),
)
class EngagementViewSet(ReadCreateUpdateViewSet):
    permission_classes = [EngagementAccess, ChangesEngagementToWrite]
    filterset_class = EngagementFilter

    def get_queryset(self):
        return selectors.engagements_with_scores(self.request.user)

    def get_serializer_class(self):
        return EngagementCreateSerializer if self.action == "create" else EngagementSerializer

    def perform_create(self, serializer):
        engagement = partner_services.engagement_create(
            account_manager=self.request.user, **serializer.validated_data
        )
        serializer.instance = self.get_queryset().get(pk=engagement.pk)

    def perform_update(self, serializer):
        engagement = partner_services.engagement_update(
            engagement=serializer.instance, data=serializer.validated_data, user=self.request.user
        )
        serializer.instance = self.get_queryset().get(pk=engagement.pk)


class SnapshotFilter(django_filters.FilterSet):
    as_of = django_filters.DateFromToRangeFilter(
        help_text="Date range: as_of_after and/or as_of_before (inclusive)."
    )

    class Meta:
        model = MaturitySnapshot
        fields = ["as_of"]


@extend_schema(summary="An engagement's score history, one snapshot per day, newest first")
class SnapshotList(generics.ListAPIView):
    serializer_class = SnapshotSerializer
    filterset_class = SnapshotFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MaturitySnapshot.objects.none()
        engagement = access.get_visible_engagement(self.request.user, self.kwargs["engagement_id"])
        return engagement.snapshots.select_related("policy").order_by("-as_of")


@extend_schema(
    summary="Why the engagement sits where it is",
    description="The latest snapshot's explanation: each dimension with its rating and event "
    "parts and top events, and every unmet condition of the next rung. 404 before the first "
    "score.",
)
class ExplanationView(generics.RetrieveAPIView):
    serializer_class = ExplanationSerializer

    def get_object(self):
        engagement = access.get_visible_engagement(self.request.user, self.kwargs["engagement_id"])
        snapshot = engagement.snapshots.select_related("policy").order_by("-as_of").first()
        if snapshot is None:
            raise NotFound("This engagement has not been scored yet.")
        return snapshot


class AssessmentFilter(django_filters.FilterSet):
    engagement = django_filters.NumberFilter(help_text="Engagement id.")
    rater_contact = django_filters.NumberFilter(help_text="Contact id of the client rater.")
    submitted_after = django_filters.DateFilter(
        field_name="submitted_at__date", lookup_expr="gte", help_text="On or after this day."
    )
    submitted_before = django_filters.DateFilter(
        field_name="submitted_at__date", lookup_expr="lte", help_text="On or before this day."
    )

    class Meta:
        model = Assessment
        fields = ["engagement", "side", "rater_contact", "submitted_after", "submitted_before"]


class RatesOrProviderStaff(permissions.BasePermission):
    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return request.user.is_authenticated
        return access.is_client(request.user) or access.is_provider_staff(request.user)


@extend_schema_view(
    list=extend_schema(summary="List ratings", description="Clients see only their own."),
    retrieve=extend_schema(summary="A rating"),
    create=extend_schema(
        summary="Rate an engagement",
        description="From a client product owner: a client rating of an engagement of their "
        "partner, as their own contact. From provider staff: a self-assessment (side "
        "provider) of an engagement they may change. The score is recomputed afterwards.",
    ),
)
class AssessmentViewSet(ReadCreateViewSet):
    serializer_class = AssessmentSerializer
    permission_classes = [RatesOrProviderStaff]
    filterset_class = AssessmentFilter

    def get_queryset(self):
        visible = assessment_access.visible_assessments(self.request.user)
        return visible.prefetch_related("barriers").order_by("-submitted_at", "-pk")

    def perform_create(self, serializer):
        details = dict(serializer.validated_data)
        answers = {item: details.pop(item) for item in ANSWER_ITEMS}
        serializer.instance = services.rating_submit(
            engagement=details.pop("engagement"),
            user=self.request.user,
            answers=answers,
            barriers=details.pop("barrier_codes", ()),
            **details,
        )


class InvitationFilter(django_filters.FilterSet):
    engagement = django_filters.NumberFilter(help_text="Engagement id.")
    contact = django_filters.NumberFilter(help_text="Contact id.")
    open = django_filters.BooleanFilter(method="filter_open", help_text="Not used, not expired.")

    class Meta:
        model = AssessmentInvitation
        fields = ["engagement", "contact", "open"]

    def filter_open(self, queryset, name, value):
        is_open = Q(used_at__isnull=True, expires_at__gt=timezone.now())
        return queryset.filter(is_open if value else ~is_open)


@extend_schema_view(
    list=extend_schema(summary="List rating invitations"),
    retrieve=extend_schema(summary="A rating invitation"),
    create=extend_schema(
        summary="Ask a contact for a rating",
        description="Emails the contact a single-use link that expires in 14 days. The link's "
        "token is only ever in the email.",
    ),
)
class InvitationViewSet(ReadCreateViewSet):
    serializer_class = InvitationSerializer
    permission_classes = [IsProviderStaff, ChangesEngagementToWrite]
    filterset_class = InvitationFilter

    def get_queryset(self):
        visible = assessment_access.visible_invitations(self.request.user)
        return visible.order_by("-created_at", "-pk")

    def perform_create(self, serializer):
        engagement = serializer.validated_data["engagement"]
        self.check_object_permissions(self.request, engagement)
        serializer.instance, _raw_token = services.invitation_create(
            engagement=engagement,
            contact=serializer.validated_data["contact"],
            created_by=self.request.user,
        )


class LevelChangeFilter(django_filters.FilterSet):
    as_of = django_filters.DateFromToRangeFilter(
        help_text="Date range: as_of_after and/or as_of_before (inclusive)."
    )
    direction = django_filters.ChoiceFilter(
        choices=[("up", "Up"), ("down", "Down")], method="filter_direction"
    )
    engagement = django_filters.NumberFilter(help_text="Engagement id.")
    account_manager = django_filters.NumberFilter(
        field_name="engagement__account_manager", help_text="User id of the account manager."
    )
    partner = django_filters.NumberFilter(field_name="engagement__partner", help_text="Partner id.")

    class Meta:
        model = LevelChange
        fields = ["engagement", "partner", "account_manager", "direction", "as_of"]

    def filter_direction(self, queryset, name, value):
        up = Q(to_level__gt=F("from_level"))
        return queryset.filter(up if value == "up" else ~up)


class IsLeadership(permissions.BasePermission):
    def has_permission(self, request, view):
        return access.is_leadership(request.user)


@extend_schema_view(
    list=extend_schema(summary="Level changes across the portfolio (leadership)"),
    retrieve=extend_schema(summary="A level change (leadership)"),
)
class LevelChangeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = LevelChangeSerializer
    permission_classes = [IsLeadership]
    filterset_class = LevelChangeFilter

    def get_queryset(self):
        visible = assessment_access.visible_level_changes(self.request.user)
        return visible.select_related("engagement__partner").order_by("-as_of", "-pk")


class PlanItemFilter(django_filters.FilterSet):
    engagement = django_filters.NumberFilter(help_text="Engagement id.")

    class Meta:
        model = PlanItem
        fields = ["engagement", "status", "owner_side"]


class ProviderStaffToWrite(permissions.BasePermission):
    """Everyone signed in reads what `access` shows them; only provider staff write."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return request.user.is_authenticated
        return access.is_provider_staff(request.user)


@extend_schema_view(
    list=extend_schema(
        summary="List plan items",
        description="The plans to the next rung. Clients see their own partner's, without the "
        "dropped items.",
    ),
    retrieve=extend_schema(summary="A plan item"),
    create=extend_schema(summary="Add a plan item", description="Plans never change the score."),
    update=extend_schema(summary="Replace a plan item"),
    partial_update=extend_schema(
        summary="Edit, complete or drop a plan item", description="Set `status` to done or dropped."
    ),
)
class PlanItemViewSet(ReadCreateUpdateViewSet):
    serializer_class = PlanItemSerializer
    permission_classes = [ProviderStaffToWrite, ChangesEngagementToWrite]
    filterset_class = PlanItemFilter

    def get_queryset(self):
        return assessment_access.visible_plan_items(self.request.user).order_by("pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        engagement = data.pop("engagement")
        self.check_object_permissions(self.request, engagement)
        serializer.instance = services.plan_item_create(
            engagement=engagement, created_by=self.request.user, **data
        )

    def perform_update(self, serializer):
        serializer.instance = services.plan_item_update(
            item=serializer.instance, data=serializer.validated_data
        )
