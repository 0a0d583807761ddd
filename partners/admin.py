from django.contrib import admin
from django.db import transaction
from simple_history.admin import SimpleHistoryAdmin

from .models import Contact, Engagement, EngagementEvent, Partner
from .services import contact_update, evidence_bump
from .signals import contact_email_changed


class EvidenceAdminMixin:
    """Edits of evidence in admin mark the engagements dirty, exactly like the services do."""

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            previous = form.initial.get("engagement")
            evidence_bump(engagement_ids={obj.engagement_id, previous} - {None})

    def delete_model(self, request, obj):
        with transaction.atomic():
            super().delete_model(request, obj)
            evidence_bump(engagement_ids=[obj.engagement_id])

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            ids = set(queryset.values_list("engagement_id", flat=True))
            super().delete_queryset(request, queryset)
            evidence_bump(engagement_ids=ids)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Partner)
class PartnerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "industry", "created_at"]
    list_filter = ["industry"]
    search_fields = ["name", "industry"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ContactInline]

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        # Emails changed in the inline withdraw the open rating links, as in the service.
        for contact_form in formset.forms:
            old_email = contact_form.initial.get("email")
            if old_email and "email" in contact_form.changed_data:
                contact = contact_form.instance
                contact_email_changed.send(
                    sender=Contact, contact=contact, old_email=old_email, new_email=contact.email
                )


@admin.register(Contact)
class ContactAdmin(SimpleHistoryAdmin):
    list_display = ["name", "email", "partner", "title", "is_product_owner", "user"]
    list_filter = ["is_product_owner", "partner"]
    search_fields = ["name", "email", "partner__name"]
    list_select_related = ["partner", "user"]
    autocomplete_fields = ["partner", "user"]

    def save_model(self, request, obj, form, change):
        # Through the service, so an email change withdraws the open rating links here too.
        if change:
            contact_update(contact=obj, data={})
        else:
            super().save_model(request, obj, form, change)


@admin.register(Engagement)
class EngagementAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "partner",
        "account_manager",
        "status",
        "level",
        "score",
        "scored_at",
    ]
    list_filter = ["status", "level", "contract_type", "partner__industry"]
    search_fields = ["name", "partner__name", "account_manager__username"]
    list_select_related = ["partner", "account_manager"]
    autocomplete_fields = ["partner", "account_manager", "team"]
    readonly_fields = ["level", "score", "scored_at", "evidence_version", "scored_version"]
    date_hierarchy = "started_on"


@admin.register(EngagementEvent)
class EngagementEventAdmin(EvidenceAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "title",
        "engagement",
        "kind",
        "impact",
        "occurred_on",
        "logged_by",
        "client_status",
    ]
    list_filter = ["kind", "impact", "occurred_on", "client_status"]
    # The client's review is the client's word: only event_review writes it.
    readonly_fields = [
        "client_status",
        "client_reviewed_by",
        "client_reviewed_at",
        "client_comment",
    ]
    search_fields = ["title", "notes", "engagement__name", "engagement__partner__name"]
    list_select_related = ["engagement__partner", "logged_by"]
    autocomplete_fields = ["engagement", "logged_by"]
    date_hierarchy = "occurred_on"
