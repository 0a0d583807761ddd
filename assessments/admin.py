from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyModelAdmin
from partners.admin import EvidenceAdminMixin

from .models import (
    AssessmentBarrier,
    AssessmentInvitation,
    LevelChange,
    MaturitySnapshot,
    PlanItem,
    ScoringPolicy,
    TrustAssessment,
)


class AssessmentBarrierInline(admin.TabularInline):
    model = AssessmentBarrier
    extra = 0
    verbose_name = "trust barrier"


@admin.register(TrustAssessment)
class TrustAssessmentAdmin(EvidenceAdminMixin, admin.ModelAdmin):
    inlines = [AssessmentBarrierInline]
    list_display = [
        "engagement",
        "side",
        "rater_contact",
        "rater_user",
        "submitted_at",
        "recommend",
    ]
    list_filter = ["side", "submitted_at"]
    search_fields = [
        "engagement__name",
        "engagement__partner__name",
        "rater_contact__name",
        "comment",
    ]
    list_select_related = ["engagement__partner", "rater_contact", "rater_user"]
    autocomplete_fields = ["engagement", "rater_contact", "rater_user"]
    date_hierarchy = "submitted_at"


@admin.register(AssessmentInvitation)
class AssessmentInvitationAdmin(SimpleHistoryAdmin):
    list_display = ["engagement", "contact", "created_at", "expires_at", "reminded_at", "used_at"]
    list_filter = ["used_at", "expires_at"]
    search_fields = ["engagement__name", "contact__name", "contact__email"]
    list_select_related = ["engagement__partner", "contact"]
    readonly_fields = [
        "token_hash",
        "created_at",
        "sent_at",
        "reminded_at",
        "used_at",
        "assessment",
    ]
    autocomplete_fields = ["engagement", "contact", "created_by"]


@admin.register(ScoringPolicy)
class ScoringPolicyAdmin(SimpleHistoryAdmin):
    """A policy used by a snapshot is immutable: saving a change creates a new version."""

    list_display = [
        "version",
        "is_active",
        "created_at",
        "threshold",
        "trust_threshold",
        "rating_weight",
    ]
    readonly_fields = ["version", "created_at"]

    def save_model(self, request, obj, form, change):
        from .services import policy_save

        old_version = obj.version
        policy_save(policy=obj, changed=change)
        if change and obj.version != old_version:
            messages.info(
                request,
                f"Version {old_version} is used by snapshots, so your changes were saved "
                f"as version {obj.version}.",
            )

    def has_delete_permission(self, request, obj=None):
        return obj is None or not MaturitySnapshot.objects.filter(policy=obj).exists()


@admin.register(MaturitySnapshot)
class MaturitySnapshotAdmin(ReadOnlyModelAdmin):
    list_display = ["engagement", "as_of", "score", "level", "confidence", "policy"]
    list_filter = ["level", "confidence", "as_of"]
    search_fields = ["engagement__name", "engagement__partner__name"]
    list_select_related = ["engagement__partner", "policy"]
    date_hierarchy = "as_of"


@admin.register(LevelChange)
class LevelChangeAdmin(ReadOnlyModelAdmin):
    list_display = ["engagement", "from_level", "to_level", "as_of"]
    list_filter = ["to_level", "as_of"]
    search_fields = ["engagement__name", "engagement__partner__name"]
    list_select_related = ["engagement__partner"]
    date_hierarchy = "as_of"


@admin.register(PlanItem)
class PlanItemAdmin(admin.ModelAdmin):
    list_display = ["title", "engagement", "owner_side", "due_on", "status"]
    list_filter = ["status", "owner_side", "dimension"]
    search_fields = ["title", "engagement__name", "engagement__partner__name"]
    list_select_related = ["engagement__partner"]
    autocomplete_fields = ["engagement", "owner_user", "owner_contact", "created_by"]
    readonly_fields = ["created_at", "done_at", "client_comment"]
