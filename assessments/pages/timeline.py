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
TYPE_ORDER = {"level": 0, "rating": 1, "event": 2}


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


def _event_keys(engagement, show):
    events = EngagementEvent.objects.filter(engagement=engagement)
    if show in EVIDENCE_DIMENSIONS:
        events = events.filter(kind__in=EventKind.of_dimension(show))
    rows = events.values_list("pk", "occurred_on", "created_at")
    return [Entry("event", day, created, pk) for pk, day, created in rows]


def _entries(*, engagement, assessments, changes, show):
    entries = []
    if show in ("", *EVIDENCE_DIMENSIONS):
        entries += _event_keys(engagement, show)
    if show in ("", RATINGS):
        entries += [
            Entry("rating", timezone.localtime(a.submitted_at).date(), a.submitted_at, a.pk, a)
            for a in assessments
        ]
    if show in ("", LEVELS):
        entries += [Entry("level", c.as_of, c.created_at, c.pk, c) for c in changes]
    return sorted(entries, key=lambda entry: entry.sort_key)


def timeline_page(*, engagement, assessments, changes, params):
    """(filter form, page of Entry) with each entry's ``item`` loaded."""
    form = TimelineFilterForm(params)
    show = form.choice()
    entries = _entries(engagement=engagement, assessments=assessments, changes=changes, show=show)
    page = Paginator(entries, PAGE_SIZE).get_page(params.get("page"))
    event_ids = [entry.pk for entry in page.object_list if entry.type == "event"]
    if event_ids:
        events = EngagementEvent.objects.select_related("logged_by", "client_reviewed_by").in_bulk(
            event_ids
        )
        for entry in page.object_list:
            if entry.type == "event":
                entry.item = events[entry.pk]
    return form, page
