"""The relationship register's REST endpoints: partners, contacts, events, bulk and CSV import.

Another door to the same services and access rules as the pages: querysets come from
`access`, writes call `services`. Partners, contacts and events are the provider's register;
client product owners get 403 here (they read their engagements in `assessments.api`), except
`events/{id}/review/`, where they confirm or dispute an event of their own partner.
"""

import django_filters
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.settings import api_settings

from core.errors import RowErrors

from . import access, imports, selectors, services
from .choices import Dimension, EventKind
from .imports import CsvRefused
from .models import Engagement, EngagementEvent, Partner
from .serializers import (
    BULK_MAX_ROWS,
    BulkResultSerializer,
    ClientEventSerializer,
    ContactCreateSerializer,
    ContactSerializer,
    EventCreateSerializer,
    EventImportSerializer,
    EventReviewSerializer,
    EventRowSerializer,
    EventSerializer,
    ImportResultSerializer,
    PartnerSerializer,
)

# --- Permissions --------------------------------------------------------------------------


class IsProviderStaff(permissions.BasePermission):
    """Account managers, leadership and staff; not client product owners."""

    def has_permission(self, request, view):
        return access.is_provider_staff(request.user)


class IsClient(permissions.BasePermission):
    """Client product owners only."""

    def has_permission(self, request, view):
        return access.is_client(request.user)


class ChangesEngagementToWrite(permissions.BasePermission):
    """Writes to an engagement, or to what belongs to one, need the right to change it.

    DRF checks object permissions on retrieve, update and delete only; views that create
    something for an engagement call `check_object_permissions` with that engagement.
    """

    message = "You may not change this engagement."

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        engagement_id = obj.pk if isinstance(obj, Engagement) else obj.engagement_id
        return access.changeable_engagements(request.user).filter(pk=engagement_id).exists()


class ChangesContactsToWrite(permissions.BasePermission):
    """A partner's contacts are changed by the account managers who work for that partner,
    leadership and staff: a contact's email decides where rating links go. (Adding a contact
    stays open to provider staff: a new contact can only be invited by those who may change
    one of the partner's engagements.)"""

    message = "Only people working for this partner may change its contacts."

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        partner = obj if isinstance(obj, Partner) else obj.partner
        return access.can_change_contacts(request.user, partner)


# --- What a resource offers -----------------------------------------------------------------


class ReadCreateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """List, retrieve and create; never change or delete."""


class ReadCreateUpdateViewSet(mixins.UpdateModelMixin, ReadCreateViewSet):
    """List, retrieve, create and change; never delete."""


def post_action(**options):
    """A POST action: it takes a body, so none of the list's filters or pages apply."""
    return action(methods=["post"], filter_backends=[], pagination_class=None, **options)


def details_schema(one, many, *, create):
    """The OpenAPI summaries of a ReadCreateUpdateViewSet whose changes are to its details,
    worded alike for every such resource: `one` is "a partner", `many` "partners"."""
    return extend_schema_view(
        list=extend_schema(summary=f"List {many}"),
        retrieve=extend_schema(summary=one[:1].upper() + one[1:]),
        create=extend_schema(summary=create),
        update=extend_schema(summary=f"Replace {one}'s details"),
        partial_update=extend_schema(summary=f"Change some of {one}'s details"),
    )


# --- Partners and contacts ----------------------------------------------------------------


class PartnerFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", help_text="Part of the name.")

    class Meta:
        model = Partner
        fields = ["name", "industry"]


@details_schema("a partner", "partners", create="Create a partner")
class PartnerViewSet(ReadCreateUpdateViewSet):
    serializer_class = PartnerSerializer
    permission_classes = [IsProviderStaff]
    filterset_class = PartnerFilter

    def get_queryset(self):
        return access.visible_partners(self.request.user).order_by("name")

    def perform_create(self, serializer):
        serializer.instance = services.partner_create(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.partner_update(
            partner=serializer.instance, data=serializer.validated_data
        )


@details_schema("a contact", "contacts", create="Add a contact to a partner")
class ContactViewSet(ReadCreateUpdateViewSet):
    permission_classes = [IsProviderStaff, ChangesContactsToWrite]
    filterset_fields = ["partner", "is_product_owner"]

    def get_queryset(self):
        return access.visible_contacts(self.request.user).order_by("name", "pk")

    def get_serializer_class(self):
        return ContactCreateSerializer if self.action == "create" else ContactSerializer

    def perform_create(self, serializer):
        serializer.instance = services.contact_create(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.contact_update(
            contact=serializer.instance, data=serializer.validated_data
        )


# --- Events -------------------------------------------------------------------------------


class EventFilter(django_filters.FilterSet):
    engagement = django_filters.NumberFilter(help_text="Engagement id.")
    partner = django_filters.NumberFilter(field_name="engagement__partner", help_text="Partner id.")
    dimension = django_filters.ChoiceFilter(
        choices=Dimension.choices, method="filter_dimension", help_text="Kinds of this dimension."
    )
    occurred_on = django_filters.DateFromToRangeFilter(
        help_text="Date range: occurred_on_after and/or occurred_on_before (inclusive)."
    )

    class Meta:
        model = EngagementEvent
        fields = ["engagement", "partner", "kind", "impact", "dimension", "occurred_on"]

    def filter_dimension(self, queryset, name, value):
        return queryset.filter(kind__in=EventKind.of_dimension(value))


BULK_DESCRIPTION = f"""Log up to {BULK_MAX_ROWS:,} events in one request, all or nothing.

The body is a JSON array of rows. When any row is refused nothing is saved and the answer is
400 with `rows`: the row's position (from 0) → field → messages, for example
`{{"rows": {{"3": {{"occurred_on": ["The date cannot be in the future."]}}}}}}`. Each affected
engagement is recomputed once, after the import."""

IMPORT_DESCRIPTION = """Import a CSV file of events (the same file as the browser import),
all or nothing. With `dry_run` every row is checked and nothing is saved. Refused rows come
back as 400 with `rows`: spreadsheet row number (the header is row 1) → field → messages; a
file that cannot be read at all as 400 with `file`."""


@extend_schema_view(
    list=extend_schema(summary="List events"),
    retrieve=extend_schema(summary="An event"),
    create=extend_schema(
        summary="Log an event",
        description="The engagement's score is recomputed after the event is saved.",
    ),
    update=extend_schema(summary="Replace an event"),
    partial_update=extend_schema(summary="Change some of an event"),
    destroy=extend_schema(
        summary="Delete an event",
        description="A negative event, or one older than 30 days, only by the engagement's "
        "account manager or leadership. Without a reason: 400, nothing deleted.",
        parameters=[
            OpenApiParameter("reason", str, required=True, description="Why: kept in the history.")
        ],
        responses={
            204: OpenApiResponse(description="Deleted; the reason is kept in the history."),
        },
    ),
)
class EventViewSet(viewsets.ModelViewSet):
    permission_classes = [IsProviderStaff, ChangesEngagementToWrite]
    filterset_class = EventFilter

    def get_queryset(self):
        if self.action == "review":
            return selectors.reviewable_events(self.request.user)
        return access.visible_events(self.request.user).select_related("engagement")

    def get_serializer_class(self):
        return EventCreateSerializer if self.action == "create" else EventSerializer

    @extend_schema(
        summary="Review an event (client product owners)",
        description="Confirm or dispute an event of your own partner from the last 180 days, "
        "with an optional comment. The latest review counts; a disputed event does not count "
        "toward the score, and the account manager is told by email.",
        request=EventReviewSerializer,
        responses={200: ClientEventSerializer},
    )
    @post_action(detail=True, permission_classes=[IsClient])
    def review(self, request, pk=None):
        event = self.get_object()
        review = EventReviewSerializer(data=request.data)
        review.is_valid(raise_exception=True)
        event = services.event_review(
            event=event, contact=request.user.contact, **review.validated_data
        )
        return Response(ClientEventSerializer(event).data)

    def perform_create(self, serializer):
        self.check_object_permissions(self.request, serializer.validated_data["engagement"])
        data = dict(serializer.validated_data)
        data.pop("reason", None)
        serializer.instance = services.event_log(logged_by=self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.event_update(
            event=serializer.instance, data=data, reason=data.pop("reason", "")
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("reason", str, required=True, description="Why: kept in the history.")
        ]
    )
    def destroy(self, request, *args, **kwargs):
        return super().destroy(request, *args, **kwargs)

    def perform_destroy(self, instance):
        reason = self.request.query_params.get("reason") or self.request.data.get("reason", "")
        services.event_delete(event=instance, user=self.request.user, reason=str(reason))

    @extend_schema(
        summary="Log many events at once",
        description=BULK_DESCRIPTION,
        request=EventRowSerializer(many=True),
        responses={201: BulkResultSerializer},
    )
    @post_action(detail=False, parser_classes=[JSONParser])
    def bulk(self, request):
        rows = EventRowSerializer(data=request.data, many=True)
        if not rows.is_valid():
            raise ValidationError(_row_errors(rows.errors))
        events = imports.bulk_log(user=request.user, rows=rows.validated_data)
        result = BulkResultSerializer({"created": len(events), "events": events})
        return Response(result.data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Import events from a CSV file",
        description=IMPORT_DESCRIPTION,
        request={"multipart/form-data": EventImportSerializer},
        responses={
            201: ImportResultSerializer,
            200: OpenApiResponse(ImportResultSerializer, description="Dry run: nothing saved."),
        },
    )
    @post_action(detail=False, url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_csv(self, request):
        form = EventImportSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        scope = form.validated_data.get("engagement")
        if scope is not None:
            scope = access.get_changeable_engagement(request.user, scope)
        try:
            rows = imports.csv_read(form.validated_data["file"])
        except CsvRefused as refused:
            raise ValidationError({"file": [str(refused)]}) from None
        run = imports.csv_check if form.validated_data["dry_run"] else imports.csv_import
        outcome = run(user=request.user, rows=rows, engagement=scope)
        if not outcome.ok:
            raise RowErrors(outcome.errors)
        saved = not form.validated_data["dry_run"]
        answer = status.HTTP_201_CREATED if saved else status.HTTP_200_OK
        return Response(ImportResultSerializer(outcome).data, status=answer)


def _row_errors(errors):
    """A ListSerializer's errors as {"rows": {position: {...}}}; errors about the request as a
    whole (not a list, too many rows) stay as they are."""
    if isinstance(errors, list):  # DRF's older list format: one entry per row
        errors = dict(enumerate(errors))
    if api_settings.NON_FIELD_ERRORS_KEY in errors:
        return errors
    return {"rows": {str(position): error for position, error in errors.items() if error}}
