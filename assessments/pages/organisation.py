"""Partners at the organisation level: the partner list and the dashboard's partners view.

Both read every visible partner's maturity set-based (``selectors.partners_maturity``), so
sorting by rung or stage covers all partners, not one page, in the same queries for ten
partners as for a thousand.
"""

import csv
from collections import Counter

from django.core.paginator import Paginator

from partners import selectors as register
from partners.choices import Level

from .. import selectors
from ..engine.organisation import STAGE_ORDER, Stage
from . import charts
from .portfolio import _Echo, _safe_cell

PAGE_SIZE = 25
SORTS = {
    "name": "Name",
    "rung": "Organisation rung, highest first",
    "stage": "Stage, organisation first",
    "score": "Organisation score, highest first",
}
SORT_KEYS = {
    "name": lambda p: p.name.lower(),
    "rung": lambda p: (-(p.maturity.level or 0), p.name.lower()),
    "stage": lambda p: (-STAGE_ORDER[p.maturity.stage], -(p.maturity.level or 0), p.name.lower()),
    "score": lambda p: (p.maturity.score is None, -(p.maturity.score or 0), p.name.lower()),
}
STAGE_LABELS = {stage.value: stage.label for stage in Stage}


def partners_with_maturity(*, user, query="", sort="name"):
    """Visible partners (with their engagement counts), each with ``.maturity``, sorted."""
    partners = list(register.partner_list(user=user, query=query))
    maturity = selectors.partners_maturity(partner_ids=[p.pk for p in partners])
    for partner in partners:
        partner.maturity = maturity[partner.pk]
        partner.stage_label = STAGE_LABELS[partner.maturity.stage]
    return sorted(partners, key=SORT_KEYS[sort if sort in SORTS else "name"])


def _sort(params, default):
    sort = params.get("sort", default)
    return sort if sort in SORTS else default


def partner_list_context(*, user, params):
    query = params.get("q", "").strip()
    sort = _sort(params, "name")
    partners = partners_with_maturity(user=user, query=query, sort=sort)
    page = Paginator(partners, PAGE_SIZE).get_page(params.get("page"))
    return {"page": page, "query": query, "sort": sort, "sorts": SORTS}


def distribution(partners):
    """Partners per organisation rung (with those without one) and per stage."""
    rungs = Counter(p.maturity.level for p in partners)
    stages = Counter(p.maturity.stage for p in partners)
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
    partners = partners_with_maturity(user=user, sort=sort)
    page = Paginator(partners, 50).get_page(params.get("page"))
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
    """The dashboard's partners table, every row, in its sort order, as CSV lines."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    for partner in partners_with_maturity(user=user, sort=_sort(params, "rung")):
        yield writer.writerow(_csv_row(partner))
