"""The dashboard's drill-down: the attention filters behind its tiles and lists, and the
table's sortable columns. Both live in the query string, so any view is a shareable link."""

import datetime as dt

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

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


def attention_filter(engagements, key, *, today=None):
    """Narrow ``engagements`` to those an insight list holds: the same stored flags as its
    list (``attention.open_flag``); the movers read the level changes."""
    today = today or timezone.localdate()
    if key in ("at_risk", "stale"):
        return engagements.filter(attention.open_flag(key))
    if key == "one_person":
        return engagements.filter(attention.open_flag("trust_on_one_person"))
    return _moved(engagements, key == "moved_up", today)


# The table's sortable columns: key → (header, default order, whether it starts descending).
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
