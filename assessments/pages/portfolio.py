"""The leadership dashboard: filters, insight lists, charts, the table and its CSV export.

The filters narrow every section of the page, and the export reads the very same queryset
as the table, so the CSV holds exactly the rows the table pages through.
"""

import csv

from django import forms
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.utils import timezone

from partners import access
from partners.forms import UserChoiceField
from partners.models import Engagement, EngagementEvent, Level, Partner, display_name

from .. import selectors
from ..models import TrustAssessment
from . import attention, charts, drilldown, insights
from .next_rung import relative_gap

PAGE_SIZE = 50


class PortfolioFilterForm(forms.Form):
    """Dashboard filters; every field is optional and they combine (AND)."""

    manager = UserChoiceField(
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
    attention = forms.ChoiceField(
        label="Needs attention",
        choices=[("", "Everything"), *drilldown.ATTENTION.items()],
        required=False,
    )
    sort = forms.ChoiceField(label="Sort by", choices=drilldown.sort_choices(), required=False)

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
    if "attention" in filters:
        engagements = drilldown.attention_filter(
            engagements, filters["attention"], policy=selectors.active_policy().params()
        )
    return engagements


def table_rows(engagements, filters):
    order = drilldown.order_for(filters.get("sort", "name"))
    return (
        attention.with_facts(engagements)
        .select_related("partner", "account_manager")
        .order_by(*order, "partner__name", "name", "pk")
    )


def largest_gap(unmet):
    """The next rung's largest gap as "domain 48 / 60", or None when nothing is unmet."""
    if not unmet:
        return None
    condition = max(unmet, key=relative_gap)
    current = condition["current"]
    shown = "—" if current is None else f"{current:.0f}"
    return f"{condition['condition']} {shown} / {condition['required']:g}"


def table_page(engagements, filters, number):
    """A page of the table; each row with its 12-month sparkline and next-rung gap."""
    page = Paginator(table_rows(engagements, filters), PAGE_SIZE).get_page(number)
    rows = attention.flagged(list(page.object_list))
    ids = [row.pk for row in rows]
    series = insights.weekly_series(engagement_ids=ids, today=timezone.localdate())
    unmet = insights.next_rung_unmet(ids)
    for row in rows:
        row.spark = charts.sparkline(series.get(row.pk, []))
        row.next_gap = largest_gap(unmet.get(row.pk))
    page.object_list = rows
    return page


def _insight_lists(engagements, limit=8):
    """Summary counts and the at-risk and stale lists, from one pass over the attention."""
    rows = attention.fact_rows(engagements)
    at_risk = sorted(
        (row for row in rows if row.is_at_risk),
        key=lambda row: (attention.nulls_last(row.change_30d), row.pk),
    )[:limit]
    stale = sorted(
        (row for row in rows if row.is_stale),
        key=lambda row: (attention.nulls_first(row.last_rating_at), row.pk),
    )[:limit]
    shown = insights.load_in_order([row.pk for row in at_risk + stale])
    by_id = {engagement.pk: engagement for engagement in shown}
    summary = attention.summarise(rows)
    return {
        "summary": summary,
        "at_risk": [by_id[row.pk] for row in at_risk],
        "at_risk_more": summary["at_risk"] - len(at_risk),
        "stale": [by_id[row.pk] for row in stale],
        "stale_more": summary["stale"] - len(stale),
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
    policy = selectors.active_policy().params()
    one_person, one_person_total = insights.trust_on_one_person(engagements, policy=policy)
    movers, mover_totals = insights.movers(engagements)
    filtered = bool(set(filters) - {"sort"})
    return {
        "form": form,
        "filtered": filtered,
        **_insight_lists(engagements),
        "rung_chart": charts.rung_bars(insights.rung_counts(engagements)),
        "history_chart": charts.rung_history(insights.rung_history(engagements, filtered=filtered)),
        "movers": movers,
        "mover_totals": mover_totals,
        "one_person": one_person,
        "one_person_total": one_person_total,
        "one_person_more": one_person_total - len(one_person),
        "page": table_page(engagements, filters, params.get("page")),
        **disputed_evidence(engagements),
        "headers": drilldown.headers(filters.get("sort", "name")),
        "attention_label": drilldown.ATTENTION.get(filters.get("attention")),
        "barriers": portfolio_barriers(engagements, policy=policy),
    }


def portfolio_barriers(engagements, *, policy, today=None):
    """Barriers named in each client contact's latest rating of the engagements. One query."""
    ratings = selectors.latest_client_ratings(
        TrustAssessment.objects.filter(engagement__in=engagements.order_by().values("pk")),
        as_of=today or timezone.localdate(),
        window_days=policy.window_days,
    )
    return selectors.barrier_counts(ratings)


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


def _csv_row(e):
    last = timezone.localtime(e.last_rating_at).date().isoformat() if e.last_rating_at else ""
    return (
        e.pk,
        _safe_cell(e.name),
        _safe_cell(e.partner.name),
        _safe_cell(e.partner.industry),
        _safe_cell(display_name(e.account_manager)),
        e.status,
        Level(e.level).label,
        "" if e.score is None else f"{e.score:.1f}",
        "" if e.change_30d is None else f"{e.change_30d:.1f}",
        e.confidence or "",
        last,
        "yes" if e.is_stale else "no",
        "yes" if e.is_at_risk else "no",
    )


class _Echo:
    def write(self, value):
        return value


def csv_lines(*, user, params):
    """The filtered table as CSV lines, streamed in chunks from the database."""
    filters = PortfolioFilterForm(params).filters()
    rows = table_rows(filtered_engagements(user, filters), filters)
    since = attention.stale_since(timezone.localdate())
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    for engagement in rows.iterator(chunk_size=2000):
        yield writer.writerow(_csv_row(attention.flag(engagement, since=since)))
