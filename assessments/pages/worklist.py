"""The account manager's worklist: their engagements, what needs attention first."""

from django.core.paginator import Paginator
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from partners import access
from partners.choices import Impact
from partners.forms import event_kind_choices
from partners.models import Engagement

from . import attention, charts, insights

PAGE_SIZE = 25


def quick_log_choices():
    """What the per-row "Log event" forms offer, computed once for the whole page.

    Each row's form posts to the event form's view, which validates it with EventForm and
    shows any error there; rendering 25 bound Django forms here would cost more than the
    page's queries. The option lists, the same in every row, are rendered once here too:
    the template loops over 21 kinds in 25 rows took a third of the page's time.
    """
    kinds = format_html_join(
        "",
        '<optgroup label="{}">{}</optgroup>',
        (
            (group, format_html_join("", '<option value="{}">{}</option>', options))
            for group, options in event_kind_choices()[1:]
        ),
    )
    impacts = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if value == Impact.NORMAL else "", label)
            for value, label in Impact.choices
        ),
    )
    return {"kind_options": kinds, "impact_options": impacts, "today": timezone.localdate()}


# Open before closed; at risk, stale and falling first; then the biggest fall.
WORKLIST_ORDER = (
    Case(When(status=Engagement.Status.CLOSED, then=Value(1)), default=Value(0)).asc(),
    F("attention").desc(),
    F("change_30d").asc(nulls_last=True),
    "partner__name",
    "name",
    "pk",
)


def next_rung_text(gap):
    """The stored unmet conditions of the next rung as "domain 48 / 60, raters 1 / 2"."""
    parts = []
    for condition in gap:
        current = condition["current"]
        shown = "none" if current is None else f"{current:.0f}"
        parts.append(f"{condition['condition']} {shown} / {condition['required']:g}")
    return ", ".join(parts)


def my_engagements_context(*, user, params):
    # The stored facts order the whole list in SQL; only the requested page is loaded.
    engagements = attention.with_flags(access.managed_engagements(user))
    ids = engagements.order_by(*WORKLIST_ORDER).values_list("pk", flat=True)
    page = Paginator(ids, PAGE_SIZE).get_page(params.get("page"))
    page.object_list = insights.load_in_order(list(page.object_list), activity=True)
    rows = [
        {
            "engagement": e,
            "spark": charts.sparkline(e.sparkline),
            "next_rung": next_rung_text(e.next_rung_gap),
        }
        for e in page.object_list
    ]
    return {
        "page": page,
        "rows": rows,
        "summary": attention.summarise(access.managed_engagements(user)),
        "quick_log": quick_log_choices(),
    }
