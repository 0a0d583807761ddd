"""Partners at the organisation level: the partner list and the dashboard's partners view.

Both read every partner's maturity as stored by the last recompute (``PartnerFacts``,
``engine/partner_facts.py``), so sorting by rung or stage covers all partners in SQL and a
page loads only its own rows, in the same few queries for ten partners as for a thousand.
A partner no recompute has seen yet shows as not scored, without a trusted person.
"""

from collections import Counter

from django.core.paginator import Paginator
from django.db.models import Count, F, Value
from django.db.models.functions import Coalesce, Lower

from partners import selectors as register
from partners.choices import Level

from ..engine.organisation import PartnerMaturity, Stage
from . import charts
from .portfolio import _safe_cell, csv_chunks

PAGE_SIZE = 25
SORTS = {
    "name": "Name",
    "rung": "Organisation rung, highest first",
    "stage": "Stage, organisation first",
    "score": "Organisation score, highest first",
}
_NAME = (Lower("name"), "name")
_RUNG = Coalesce("stored_maturity__level", Value(0)).desc()
ORDERINGS = {
    "name": _NAME,
    "rung": (_RUNG, *_NAME),
    "stage": (Coalesce("stored_maturity__stage_rank", Value(0)).desc(), _RUNG, *_NAME),
    "score": (F("stored_maturity__score").desc(nulls_last=True), *_NAME),
}
STAGE_LABELS = {stage.value: stage.label for stage in Stage}
NOT_SCORED = PartnerMaturity(
    level=None,
    score=None,
    stage=Stage.NONE.value,
    trusted_people=0,
    product_owners=0,
    engagements=0,
)


def sorted_partners(*, user, query="", sort="name"):
    """Visible partners with their stored maturity, sorted in SQL (a queryset)."""
    partners = register.partner_list(user=user, query=query).select_related("stored_maturity")
    return partners.order_by(*ORDERINGS[sort if sort in SORTS else "name"])


def with_maturity(partners, counts):
    """Give each partner ``.maturity``, ``.stage_label`` and its engagement counts
    (``counts`` from ``register.engagement_counts``)."""
    for partner in partners:
        stored = getattr(partner, "stored_maturity", None)
        partner.maturity = stored.maturity if stored else NOT_SCORED
        partner.stage_label = STAGE_LABELS[partner.maturity.stage]
        partner.engagement_count, partner.active_count = counts.get(partner.pk, (0, 0))
    return partners


def _page(partners, per_page, number):
    page = Paginator(partners, per_page).get_page(number)
    rows = list(page.object_list)
    page.object_list = with_maturity(rows, register.engagement_counts([p.pk for p in rows]))
    return page


def _sort(params, default):
    sort = params.get("sort", default)
    return sort if sort in SORTS else default


def partner_list_context(*, user, params):
    query = params.get("q", "").strip()
    sort = _sort(params, "name")
    partners = sorted_partners(user=user, query=query, sort=sort)
    page = _page(partners, PAGE_SIZE, params.get("page"))
    return {"page": page, "query": query, "sort": sort, "sorts": SORTS}


def distribution(partners):
    """Partners per organisation rung (with those without one) and per stage, in one query."""
    rows = (
        partners.order_by()
        .values_list("stored_maturity__level", "stored_maturity__stage")
        .annotate(n=Count("pk"))
    )
    rungs, stages = Counter(), Counter()
    for level, stage, n in rows:
        rungs[level] += n
        stages[stage or Stage.NONE.value] += n
    return {
        "rung_chart": charts.rung_bars([(level.value, rungs[level.value]) for level in Level]),
        "unrated": rungs[None],
        "stages": [
            {"value": stage.value, "label": stage.label, "count": stages[stage.value]}
            for stage in Stage
        ],
    }


def dashboard_partners_context(*, user, params):
    sort = _sort(params, "rung")
    partners = sorted_partners(user=user, sort=sort)
    page = _page(partners, 50, params.get("page"))
    return {"page": page, "sort": sort, "sorts": SORTS, **distribution(partners)}


CSV_HEADER = (
    "partner",
    "industry",
    "organisation_rung",
    "organisation_score",
    "stage",
    "trusted_people",
    "product_owners",
    "active_scored_engagements",
    "active_engagements",
)


def _csv_row(partner):
    maturity = partner.maturity
    return (
        _safe_cell(partner.name),
        _safe_cell(partner.industry),
        Level(maturity.level).label if maturity.level else "",
        "" if maturity.score is None else f"{maturity.score:.1f}",
        maturity.stage,
        maturity.trusted_people,
        maturity.product_owners,
        maturity.engagements,
        partner.active_count,
    )


def csv_lines(*, user, params):
    """The dashboard's partners table, every row, in its sort order, as CSV."""
    partners = sorted_partners(user=user, sort=_sort(params, "rung"))
    counts = register.engagement_counts(partners.values("pk"))
    rows = (
        _csv_row(with_maturity([partner], counts)[0])
        for partner in partners.iterator(chunk_size=2000)
    )
    return csv_chunks(CSV_HEADER, rows)
