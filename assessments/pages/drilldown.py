"""The dashboard's drill-down: the attention filters behind its tiles and lists, and the
table's sortable columns. Both live in the query string, so any view is a shareable link."""

import datetime as dt

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from partners.models import Engagement

from ..models import LevelChange
from . import attention, insights

ATTENTION = {
    "at_risk": "At risk",
    "stale": "Stale",
    "one_person": "Trust on one person",
    "moved_up": "Moved up in 90 days",
    "moved_down": "Moved down in 90 days",
}


def _moved(engagements, up, today):
    since = today - dt.timedelta(days=insights.MOVERS_DAYS - 1)
    direction = Q(to_level__gt=F("from_level")) if up else Q(to_level__lt=F("from_level"))
    changes = LevelChange.objects.filter(direction, engagement=OuterRef("pk"), as_of__gte=since)
    return engagements.filter(Exists(changes))


def _flagged(engagements, condition, today):
    open_ = attention.with_facts(Engagement.objects.all(), today=today).exclude(
        status=Engagement.Status.CLOSED
    )
    return engagements.filter(pk__in=open_.filter(condition).values("pk"))


def attention_filter(engagements, key, *, policy, today=None):
    """Narrow ``engagements`` to those an insight list holds: the same rules as its list."""
    today = today or timezone.localdate()
    if key == "at_risk":
        return _flagged(
            engagements,
            Q(change_30d__lte=-attention.RISK_DROP) | Q(level_lost=True),
            today,
        )
    if key == "stale":
        since = attention.stale_since(today)
        stale = Q(last_rating_at__isnull=True) | Q(last_rating_at__lt=since)
        return _flagged(engagements, stale, today)
    if key == "one_person":
        ids = insights.one_person_ids(engagements, policy=policy, today=today)
        return engagements.filter(pk__in=ids)
    return _moved(engagements, key == "moved_up", today)


# The table's sortable columns: key → (header, default order, whether it starts descending).
# "Needs attention first" is left to the lists above the table: it is a rule evaluated in
# Python (see attention.py), which SQL could only sort by repeating it.
COLUMNS = {
    "name": ("Engagement", ("partner__name", "name"), False),
    "rung": ("Rung", (F("level").desc(),), True),
    "score": ("Score", (F("score").desc(nulls_last=True),), True),
    "change": ("30 days", (F("change_30d").asc(nulls_last=True),), False),
    "manager": (
        "Account manager",
        ("account_manager__first_name", "account_manager__last_name", "account_manager__username"),
        False,
    ),
    "industry": ("Industry", ("partner__industry",), False),
    "rating": ("Last client rating", (F("last_rating_at").asc(nulls_first=True),), False),
}


def _reversed(term):
    if isinstance(term, str):
        return term[1:] if term.startswith("-") else "-" + term
    return term.copy().reverse_ordering()


def order_for(sort):
    """The ORDER BY terms of a sort key; "-key" reverses the column's default order."""
    key = sort.lstrip("-")
    order = COLUMNS[key][1]
    return tuple(_reversed(term) for term in order) if sort.startswith("-") else order


def sort_choices():
    return [
        choice
        for key, (header, _, _) in COLUMNS.items()
        for choice in ((key, header), (f"-{key}", f"{header}, reversed"))
    ]


def headers(sort):
    """The table's header cells: label, the sort a click asks for, and aria-sort."""
    cells = []
    for key, (header, _, descending) in COLUMNS.items():
        active = sort.lstrip("-") == key
        reverse = sort.startswith("-")
        direction = None
        if active:
            direction = "descending" if descending != reverse else "ascending"
        cells.append(
            {
                "key": key,
                "label": header,
                "next": f"-{key}" if active and not reverse else key,
                "aria_sort": direction,
                "numeric": key in ("score", "change"),
            }
        )
    return cells
