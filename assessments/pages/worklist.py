"""The account manager's worklist: their engagements, what needs attention first."""

import datetime as dt

from django.core.paginator import Paginator
from django.utils import timezone

from partners import access
from partners.choices import Impact
from partners.forms import event_kind_choices
from partners.models import Engagement

from . import attention, charts, insights

PAGE_SIZE = 25
SPARKLINE_DAYS = 90


def quick_log_choices():
    """What the per-row "Log event" forms offer, computed once for the whole page.

    Each row's form posts to the event form's view, which validates it with EventForm and
    shows any error there; rendering 25 bound Django forms here would cost more than the
    page's queries.
    """
    return {
        "kinds": event_kind_choices()[1:],
        "impacts": Impact.choices,
        "default_impact": Impact.NORMAL,
        "today": timezone.localdate(),
    }


def worklist_order(row):
    """Open before closed; at risk, stale and falling first; then the biggest fall."""
    partner_name, name = row.extra
    closed = row.status == Engagement.Status.CLOSED
    return (
        closed,
        -row.attention,
        attention.nulls_last(row.change_30d),
        partner_name,
        name,
        row.pk,
    )


def my_engagements_context(*, user, params):
    today = timezone.localdate()
    # One pass over the user's engagements orders them and counts what needs attention;
    # only the rows of the requested page are then loaded in full.
    facts = attention.fact_rows(
        access.managed_engagements(user), today=today, fields=("partner__name", "name")
    )
    ordered = [row.pk for row in sorted(facts, key=worklist_order)]
    page = Paginator(ordered, PAGE_SIZE).get_page(params.get("page"))
    page.object_list = insights.load_in_order(list(page.object_list), activity=True, today=today)
    series = insights.score_series(
        engagement_ids=[e.pk for e in page.object_list],
        since=today - dt.timedelta(days=SPARKLINE_DAYS - 1),
    )
    rows = [
        {"engagement": e, "spark": charts.sparkline(series.get(e.pk, []))} for e in page.object_list
    ]
    return {
        "page": page,
        "rows": rows,
        "summary": attention.summarise(facts),
        "quick_log": quick_log_choices(),
    }
