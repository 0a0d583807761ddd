"""The leadership dashboard: filters, insight lists, charts, the table and its CSV export.

The filters narrow every section of the page, and the export reads the very same queryset
as the table, so the CSV holds exactly the rows the table pages through.
"""

import csv
import io
from functools import partial
from itertools import islice

from django.core.paginator import Paginator
from django.db.models import F
from django.utils import timezone

from partners import access
from partners.models import Engagement, EngagementEvent, Level

from .. import selectors
from ..forms import PortfolioFilterForm
from ..models import AssessmentBarrier, LatestRating
from . import attention, charts, drilldown, insights
from .next_rung import relative_gap

PAGE_SIZE = 50


def filtered_engagements(user, filters):
    """Visible engagements narrowed by the filters, with the dashboard's annotations."""
    engagements = access.visible_engagements(user)
    if "manager" in filters:
        engagements = engagements.filter(account_manager=filters["manager"])
    if "industry" in filters:
        engagements = engagements.filter(partner__industry=filters["industry"])
    if "rung" in filters:
        engagements = engagements.filter(level=filters["rung"])
    if "status" in filters:
        engagements = engagements.filter(status=filters["status"])
    if "attention" in filters:
        engagements = drilldown.attention_filter(engagements, filters["attention"])
    return engagements


# Dashboard filter -> lookup on MonthEndRungCount, which records the same attributes.
SUMMARY_FILTERS = {
    "manager": "account_manager",
    "industry": "industry",
    "rung": "current_level",
    "status": "status",
}


def _with_columns(engagements):
    """The table's columns: the stored facts, the flags, the latest confidence, the partner and
    the account manager."""
    return (
        insights.with_confidence(attention.with_flags(engagements))
        .select_related("partner", "account_manager")
        .defer("description", "sparkline")
    )


def table_rows(engagements, filters):
    order = drilldown.order_for(filters.get("sort", "name"))
    return _with_columns(engagements).order_by(*order, "partner__name", "name", "pk")


def largest_gap(unmet):
    """The next rung's largest gap as "domain 48 / 60", or None when nothing is unmet."""
    if not unmet:
        return None
    condition = max(unmet, key=relative_gap)
    current = condition["current"]
    shown = "—" if current is None else f"{current:.0f}"
    return f"{condition['condition']} {shown} / {condition['required']:g}"


class CountedPaginator(Paginator):
    """A paginator told its count, which the page's summary has already computed."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # fills the cached_property


def table_page(engagements, filters, number, *, count):
    """A page of the table; each row with its 12-month sparkline (one snapshot a week: the
    stored sparkline covers only 90 days) and the stored next-rung gap.

    The page's ids are sorted first, then only its rows are read whole. Sorting all 10,000
    engagements with every column and annotation took 17-24 ms a page at 10,000 engagements,
    sorting their ids 6 ms."""
    ids = table_rows(engagements, filters).values_list("pk", flat=True)
    page = CountedPaginator(ids, PAGE_SIZE, count=count).get_page(number)
    ids = list(page.object_list)
    by_id = _with_columns(Engagement.objects.filter(pk__in=ids)).in_bulk()
    rows = [by_id[pk] for pk in ids if pk in by_id]
    series = insights.weekly_series(
        engagement_ids=[row.pk for row in rows], today=timezone.localdate()
    )
    for row in rows:
        row.spark = charts.sparkline(series.get(row.pk, []))
        row.next_gap = largest_gap(row.next_rung_gap)
    page.object_list = rows
    return page


def _insight_lists(engagements, limit=8):
    """Summary counts and the at-risk and stale lists, from the stored flags."""
    at_risk = engagements.filter(attention.open_flag("at_risk")).order_by(
        F("change_30d").asc(nulls_last=True), "pk"
    )
    stale = engagements.filter(attention.open_flag("stale")).order_by(
        F("last_rating_at").asc(nulls_first=True), "pk"
    )
    at_risk_ids = list(at_risk.values_list("pk", flat=True)[:limit])
    stale_ids = list(stale.values_list("pk", flat=True)[:limit])
    by_id = {e.pk: e for e in insights.load_in_order(at_risk_ids + stale_ids)}
    summary = attention.summarise(engagements)
    return {
        "summary": summary,
        "at_risk": [by_id[pk] for pk in at_risk_ids if pk in by_id],
        "at_risk_more": summary["at_risk"] - len(at_risk_ids),
        "stale": [by_id[pk] for pk in stale_ids if pk in by_id],
        "stale_more": summary["stale"] - len(stale_ids),
    }


def disputed_evidence(engagements, limit=8):
    """The latest disputes among the engagements' events, newest review first, and the total."""
    disputed = EngagementEvent.objects.filter(
        engagement__in=engagements.values("pk"),
        client_status=EngagementEvent.ClientStatus.DISPUTED,
    )
    latest = disputed.select_related("engagement__partner", "client_reviewed_by").order_by(
        "-client_reviewed_at", "-pk"
    )[:limit]
    events = list(latest)
    total = len(events) if len(events) < limit else disputed.count()
    return {"disputed": events, "disputed_total": total, "disputed_more": total - len(events)}


def dashboard_context(*, user, params):
    form = PortfolioFilterForm(params)
    filters = form.filters()
    engagements = filtered_engagements(user, filters)
    lists = _insight_lists(engagements)
    one_person = insights.trust_on_one_person(engagements)
    one_person_total = lists["summary"]["one_person"]
    summary_filters = {
        SUMMARY_FILTERS[key]: value for key, value in filters.items() if key in SUMMARY_FILTERS
    }
    # The month-end summary table records every filter but the drill-down to a list.
    drilled = engagements if "attention" in filters else None
    movers, mover_totals = insights.movers(engagements if summary_filters or drilled else None)
    rungs = lists["summary"]["rungs"]
    history = insights.rung_history(summary_filters, current=rungs, engagements=drilled)
    return {
        "form": form,
        "filtered": bool(set(filters) - {"sort"}),
        **lists,
        "rung_chart": charts.rung_bars(rungs),
        "history_chart": charts.rung_history(history),
        "movers": movers,
        "mover_totals": mover_totals,
        "one_person": one_person,
        "one_person_total": one_person_total,
        "one_person_more": one_person_total - len(one_person),
        "page": table_page(
            engagements, filters, params.get("page"), count=lists["summary"]["total"]
        ),
        **disputed_evidence(engagements),
        "headers": drilldown.headers(filters.get("sort", "name")),
        "attention_label": drilldown.ATTENTION.get(filters.get("attention")),
        "barriers": portfolio_barriers(engagements),
    }


def portfolio_barriers(engagements):
    """Barriers named in each client contact's latest rating, as the last recompute stored
    it (``LatestRating``), counted when that rating is of one of ``engagements``. One query.

    Unfiltered, these are the barriers of every contact's latest rating in the portfolio;
    filtered, of those latest ratings that fall on the filtered engagements (a contact whose
    latest rating is of another engagement is not counted with an older one)."""
    latest = LatestRating.objects.all()
    if engagements.query.has_filters():  # unfiltered, the join would only read every row
        latest = latest.filter(engagement__in=engagements.order_by().values("pk"))
    barriers = AssessmentBarrier.objects.filter(assessment__in=latest.values("assessment"))
    return selectors.counted_barriers(barriers)


CSV_HEADER = (
    "engagement_id",
    "engagement",
    "partner",
    "industry",
    "account_manager",
    "status",
    "rung",
    "score",
    "change_30d",
    "confidence",
    "last_client_rating",
    "stale",
    "at_risk",
)


def _safe_cell(value):
    # A cell starting with = + - @ is a formula to spreadsheet programs (CSV injection).
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


CSV_COLUMNS = (
    "pk",
    "name",
    "partner__name",
    "partner__industry",
    "account_manager__first_name",
    "account_manager__last_name",
    "account_manager__username",
    "status",
    "level",
    "score",
    "change_30d",
    "confidence",
    "last_rating_at",
    "is_stale",
    "is_at_risk",
)


def _csv_row(e, *, tz, labels):
    # Plain values rather than model instances: 10,000 rows of three models each would cost
    # seconds of Python. The time zone and the rung labels are looked up once per export
    # (``tz``, ``labels``): per row, their lookups cost more than the rest of the row.
    rated_at = e["last_rating_at"]
    last = rated_at.astimezone(tz).date().isoformat() if rated_at else ""
    manager = f"{e['account_manager__first_name']} {e['account_manager__last_name']}".strip()
    return (
        e["pk"],
        _safe_cell(e["name"]),
        _safe_cell(e["partner__name"]),
        _safe_cell(e["partner__industry"]),
        _safe_cell(manager or e["account_manager__username"]),
        e["status"],
        labels[e["level"]],
        "" if e["score"] is None else f"{e['score']:.1f}",
        "" if e["change_30d"] is None else f"{e['change_30d']:.1f}",
        e["confidence"] or "",
        last,
        "yes" if e["is_stale"] else "no",
        "yes" if e["is_at_risk"] else "no",
    )


CSV_CHUNK = 1000


def csv_chunks(header, rows, chunk=CSV_CHUNK):
    """The header line, then the CSV lines of ``rows`` (an iterable of tuples) joined into one
    string per ``chunk`` rows: a streamed response then passes a few chunks through the
    middleware rather than one per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield buffer.getvalue()
    rows = iter(rows)
    while batch := list(islice(rows, chunk)):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(batch)
        yield buffer.getvalue()


def csv_lines(*, user, params):
    """The filtered table as CSV, streamed in chunks from the database."""
    filters = PortfolioFilterForm(params).filters()
    rows = table_rows(filtered_engagements(user, filters), filters).values(*CSV_COLUMNS)
    to_row = partial(
        _csv_row,
        tz=timezone.get_current_timezone(),
        labels={level.value: str(level.label) for level in Level},
    )
    return csv_chunks(CSV_HEADER, map(to_row, rows.iterator(chunk_size=CSV_CHUNK * 2)))
