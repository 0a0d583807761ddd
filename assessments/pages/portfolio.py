"""The leadership dashboard: filters, insight lists, charts, the table and its CSV export.

The filters narrow every section of the page, and the export reads the very same queryset
as the table, so the CSV holds exactly the rows the table pages through.
"""

import csv

from django import forms
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import F
from django.utils import timezone

from partners import access
from partners.models import Engagement, Level, Partner

from . import attention, charts, insights

PAGE_SIZE = 50
# The table's orders, on the facts each recompute stores (see engine/facts.py).
SORTS = {
    "name": ("Partner and engagement", ("partner__name", "name")),
    "score": ("Score, highest first", (F("score").desc(nulls_last=True),)),
    "change": ("30-day change, biggest fall first", (F("change_30d").asc(nulls_last=True),)),
    "rating": ("Last client rating, oldest first", (F("last_rating_at").asc(nulls_first=True),)),
}


class ManagerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class PortfolioFilterForm(forms.Form):
    """Dashboard filters; every field is optional and they combine (AND)."""

    manager = ManagerChoiceField(
        label="Account manager",
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="All account managers",
    )
    industry = forms.ChoiceField(label="Industry", required=False)
    rung = forms.TypedChoiceField(
        label="Rung",
        choices=[("", "All rungs"), *Level.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    status = forms.ChoiceField(
        label="Status",
        choices=[("", "All statuses"), *Engagement.Status.choices],
        required=False,
    )
    sort = forms.ChoiceField(
        label="Sort by",
        choices=[(key, label) for key, (label, _) in SORTS.items()],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = (
            get_user_model()
            .objects.filter(pk__in=Engagement.objects.values("account_manager"))
            .order_by("first_name", "last_name", "username")
        )
        self.fields["industry"].choices = [("", "All industries")] + [
            (name, name) for name in industries()
        ]

    def filters(self):
        """The valid filters as a dict; an invalid value is dropped (its error is shown)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {key: value for key, value in data.items() if value not in (None, "")}


def industries():
    return list(
        Partner.objects.exclude(industry="")
        .order_by("industry")
        .values_list("industry", flat=True)
        .distinct()
    )


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
    return engagements


# Dashboard filter -> lookup on MonthEndRungCount, which records the same attributes.
SUMMARY_FILTERS = {
    "manager": "account_manager",
    "industry": "industry",
    "rung": "current_level",
    "status": "status",
}


def table_rows(engagements, filters):
    order = SORTS[filters.get("sort", "name")][1]
    return (
        insights.with_confidence(attention.with_flags(engagements))
        .select_related("partner", "account_manager")
        .defer("description", "sparkline", "next_rung_gap")
        .order_by(*order, "partner__name", "name", "pk")
    )


class CountedPaginator(Paginator):
    """A paginator told its count, which the page's summary has already computed."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # fills the cached_property


def table_page(engagements, filters, number, *, count):
    rows = table_rows(engagements, filters)
    return CountedPaginator(rows, PAGE_SIZE, count=count).get_page(number)


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
    movers, mover_totals = insights.movers(engagements if summary_filters else None)
    rungs = lists["summary"]["rungs"]
    return {
        "form": form,
        "filtered": bool(summary_filters),
        **lists,
        "rung_chart": charts.rung_bars(rungs),
        "history_chart": charts.rung_history(insights.rung_history(summary_filters, current=rungs)),
        "movers": movers,
        "mover_totals": mover_totals,
        "one_person": one_person,
        "one_person_total": one_person_total,
        "one_person_more": one_person_total - len(one_person),
        "page": table_page(
            engagements, filters, params.get("page"), count=lists["summary"]["total"]
        ),
    }


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


def _csv_row(e):
    # Plain values rather than model instances: 10,000 rows of three models each would cost
    # seconds of Python.
    last = timezone.localtime(e["last_rating_at"]).date().isoformat() if e["last_rating_at"] else ""
    manager = f"{e['account_manager__first_name']} {e['account_manager__last_name']}".strip()
    return (
        e["pk"],
        _safe_cell(e["name"]),
        _safe_cell(e["partner__name"]),
        _safe_cell(e["partner__industry"]),
        _safe_cell(manager or e["account_manager__username"]),
        e["status"],
        Level(e["level"]).label,
        "" if e["score"] is None else f"{e['score']:.1f}",
        "" if e["change_30d"] is None else f"{e['change_30d']:.1f}",
        e["confidence"] or "",
        last,
        "yes" if e["is_stale"] else "no",
        "yes" if e["is_at_risk"] else "no",
    )


class _Echo:
    def write(self, value):
        return value


def csv_lines(*, user, params):
    """The filtered table as CSV lines, streamed in chunks from the database."""
    filters = PortfolioFilterForm(params).filters()
    rows = table_rows(filtered_engagements(user, filters), filters).values(*CSV_COLUMNS)
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    for engagement in rows.iterator(chunk_size=2000):
        yield writer.writerow(_csv_row(engagement))
