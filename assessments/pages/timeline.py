"""The progress page's timeline: events, ratings and level changes, newest first.

Interleaving three tables and paginating the result is done on light keys: the ids and dates
of the events (one query however many there are), the ratings and level changes the page
has already loaded. Only the events on the requested page are then loaded in full.
"""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.utils import timezone

from partners.choices import EventKind
from partners.models import EngagementEvent

from ..engine.scoring import EVIDENCE_DIMENSIONS
from ..forms import LEVELS, RATINGS, TimelineFilterForm

PAGE_SIZE = 20
# Within a day, the latest recorded first; at the same moment, the level change before the
# rating or event behind it.
TYPE_ORDER = {"level": 0, "rating": 1, "event": 2, "removed": 3}


@dataclass
class Entry:
    type: str
    date: object
    recorded_at: object
    pk: int
    item: object = None

    @property
    def sort_key(self):
        return (
            -self.date.toordinal(),
            -self.recorded_at.timestamp(),
            TYPE_ORDER[self.type],
            -self.pk,
        )


def _of_dimension(events, show):
    if show in EVIDENCE_DIMENSIONS:
        events = events.filter(kind__in=EventKind.of_dimension(show))
    return events


def _event_keys(engagement, show):
    events = _of_dimension(EngagementEvent.objects.filter(engagement=engagement), show)
    rows = events.values_list("pk", "occurred_on", "created_at")
    return [Entry("event", day, created, pk) for pk, day, created in rows]


def _removed_keys(engagement, show):
    """Deleted events, from their history: where they stood, with who removed them and why."""
    removals = EngagementEvent.history.filter(engagement_id=engagement.pk, history_type="-")
    rows = _of_dimension(removals, show).values_list("history_id", "occurred_on", "history_date")
    return [Entry("removed", day, removed, pk) for pk, day, removed in rows]


def _entries(*, engagement, assessments, changes, show, show_removed=False):
    entries = []
    if show in ("", *EVIDENCE_DIMENSIONS):
        entries += _event_keys(engagement, show)
        if show_removed:
            entries += _removed_keys(engagement, show)
    if show in ("", RATINGS):
        entries += [
            Entry("rating", timezone.localtime(a.submitted_at).date(), a.submitted_at, a.pk, a)
            for a in assessments
        ]
    if show in ("", LEVELS):
        entries += [Entry("level", c.as_of, c.created_at, c.pk, c) for c in changes]
    return sorted(entries, key=lambda entry: entry.sort_key)


def timeline_page(*, engagement, assessments, changes, params, show_removed=False):
    """(filter form, page of Entry) with each entry's ``item`` loaded. With `show_removed`
    (leadership and account managers), deleted events appear with who removed them and why."""
    form = TimelineFilterForm(params)
    show = form.choice()
    entries = _entries(
        engagement=engagement,
        assessments=assessments,
        changes=changes,
        show=show,
        show_removed=show_removed,
    )
    page = Paginator(entries, PAGE_SIZE).get_page(params.get("page"))
    events = EngagementEvent.objects.select_related("logged_by", "client_reviewed_by")
    _load(page.object_list, "event", events)
    _load(page.object_list, "removed", EngagementEvent.history.select_related("history_user"))
    return form, page


def _load(entries, entry_type, queryset):
    ids = [entry.pk for entry in entries if entry.type == entry_type]
    if ids:
        items = queryset.in_bulk(ids)
        for entry in entries:
            if entry.type == entry_type:
                entry.item = items[entry.pk]
