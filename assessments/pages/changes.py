"""The "Changes" page of an engagement: its audit trail, newest first.

Three history tables (the engagement, its events, its rating invitations) are interleaved on
light keys in one UNION query, paginated there, and only the page's records are loaded in
full with the field-by-field difference to the record before.
"""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import CharField, Value

from partners.models import Engagement, EngagementEvent

from ..models import AssessmentInvitation

PAGE_SIZE = 25
ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
# Fields that say nothing to a reader of the trail (the token digest is never recorded).
HIDDEN_FIELDS = {"created_at"}


@dataclass
class Change:
    source: str
    record: object
    differences: list

    @property
    def action(self):
        return ACTIONS[self.record.history_type]

    @property
    def subject(self):
        record = self.record
        if self.source == "event":
            return f"Event “{record.title}”"
        if self.source == "invitation":
            return f"Rating invitation to {record.contact.name}"
        return "Engagement"


def _keys(engagement):
    def keyed(queryset, source):
        return queryset.annotate(source=Value(source, output_field=CharField())).values_list(
            "history_id", "history_date", "source"
        )

    return (
        keyed(Engagement.history.filter(id=engagement.pk), "engagement")
        .union(
            keyed(EngagementEvent.history.filter(engagement_id=engagement.pk), "event"),
            keyed(AssessmentInvitation.history.filter(engagement_id=engagement.pk), "invitation"),
            all=True,
        )
        .order_by("-history_date", "-history_id")
    )


MANAGERS = {
    "engagement": lambda: Engagement.history.select_related("history_user"),
    "event": lambda: EngagementEvent.history.select_related("history_user"),
    "invitation": lambda: AssessmentInvitation.history.select_related("history_user", "contact"),
}


def _differences(record):
    """[(field label, old, new)] for a change; nothing for a creation or deletion."""
    if record.history_type != "~" or record.prev_record is None:
        return []
    delta = record.diff_against(record.prev_record)
    return [
        (record._meta.get_field(change.field).verbose_name, change.old, change.new)
        for change in delta.changes
        if change.field not in HIDDEN_FIELDS
    ]


def changes_page(*, engagement, params):
    """A page of Change, newest first."""
    page = Paginator(_keys(engagement), PAGE_SIZE).get_page(params.get("page"))
    keys = list(page.object_list)
    records = {}
    for source, manager in MANAGERS.items():
        ids = [history_id for history_id, _, kind in keys if kind == source]
        if ids:
            records[source] = manager().in_bulk(ids)
    page.object_list = [
        Change(kind, records[kind][history_id], _differences(records[kind][history_id]))
        for history_id, _, kind in keys
    ]
    return page
