"""The portfolio facts, stored after every recompute so that the portfolio pages read columns.

My engagements and the dashboard show, per engagement, the 30-day change, the last client
rating, a lost level, the stale, at-risk, falling and trust-on-one-person flags, a 90-day
sparkline and what the next rung takes. Computing them on every request meant correlated
lookups into a year of snapshots for the whole portfolio, so the pages slowed down as it
grew. Here they are computed once per recompute, set-based (five queries per batch however
large), by the very rules the pages used (``pages/attention.py``, ``pages/insights.py``,
``scoring.trust_rests_on_one_person``), and written onto the engagement rows.

The dashboard's 12-month rung chart reads ``MonthEndRungCount``, rebuilt by
``rung_history_refresh`` after the nightly recompute.
"""

import datetime as dt
import json

from django.db import connection, transaction
from django.db.models import Exists, OuterRef

from partners.models import Engagement

from ..models import MaturitySnapshot, MonthEndRungCount
from ..pages import attention, insights

BATCH_SIZE = 1000
SPARKLINE_DAYS = 90
COLUMNS = (
    ("facts_on", "date"),
    ("change_30d", "double precision"),
    ("last_rating_at", "timestamptz"),
    ("level_lost", "boolean"),
    ("stale", "boolean"),
    ("at_risk", "boolean"),
    ("falling", "boolean"),
    ("trust_on_one_person", "boolean"),
    ("sparkline", "jsonb"),
    ("next_rung_gap", "jsonb"),
)


def facts_refresh(*, engagement_ids, as_of, policy):
    """Store the facts of ``as_of`` on those engagements whose latest snapshot is of that day
    (a recompute of a past day leaves the current facts alone, as it leaves the level).

    Reads only committed snapshots and writes with one UPDATE per batch: two recomputes that
    race both compute from the latest rows, and the last write holds the latest facts.
    """
    params = policy.params()
    ids = sorted(set(engagement_ids))
    for start in range(0, len(ids), BATCH_SIZE):
        _refresh_batch(ids[start : start + BATCH_SIZE], as_of, params)


def _refresh_batch(ids, as_of, params):
    later = MaturitySnapshot.objects.filter(engagement=OuterRef("pk"), as_of__gt=as_of)
    engagements = Engagement.objects.filter(pk__in=ids).exclude(Exists(later))
    facts = attention.live_facts(engagements, today=as_of)
    if not facts:
        return
    current = [row[0] for row in facts]
    one_person = insights.one_person_ids(
        Engagement.objects.filter(pk__in=current), as_of=as_of, policy=params
    )
    series = insights.score_series(
        engagement_ids=current, since=as_of - dt.timedelta(days=SPARKLINE_DAYS - 1)
    )
    gaps = dict(
        MaturitySnapshot.objects.filter(engagement_id__in=current, as_of=as_of).values_list(
            "engagement_id", "explanation__unmet"
        )
    )
    since = attention.stale_since(as_of)
    rows = []
    for pk, change, last_rating_at, level_lost in facts:
        flags = attention.raw_flags(
            change_30d=change, last_rating_at=last_rating_at, level_lost=level_lost, since=since
        )
        rows.append(
            (
                pk,
                as_of,
                change,
                last_rating_at,
                bool(level_lost),
                *flags,
                pk in one_person,
                [round(score, 2) for score in series.get(pk, ())],
                gaps.get(pk) or [],
            )
        )
    _write(rows)


def _write(rows):
    """UPDATE ... FROM a VALUES list: one cheap statement for a batch (PostgreSQL and SQLite
    3.33+), where ``bulk_update`` would compile a CASE per row and column."""
    ops, postgres = connection.ops, connection.vendor == "postgresql"
    # PostgreSQL types a VALUES column from its rows; a column of NULLs would be text.
    casts = [f"::{kind}" if postgres else "" for _, kind in COLUMNS]
    placeholder = "(%s, " + ", ".join(f"%s{cast}" for cast in casts) + ")"
    params = []
    for pk, day, change, rated_at, *flags, sparkline, gap in rows:
        params += [
            pk,
            ops.adapt_datefield_value(day),
            change,
            ops.adapt_datetimefield_value(rated_at),
            *flags,
            json.dumps(sparkline),
            json.dumps(gap),
        ]
    table = Engagement._meta.db_table
    names = [name for name, _ in COLUMNS]
    sql = (
        f"WITH v(id, {', '.join(names)}) AS (VALUES {', '.join([placeholder] * len(rows))}) "
        f"UPDATE {table} SET {', '.join(f'{name} = v.{name}' for name in names)} "
        f"FROM v WHERE {table}.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@transaction.atomic
def rung_history_refresh(*, today):
    """Rebuild ``MonthEndRungCount`` for the 12 month ends before ``today``."""
    MonthEndRungCount.objects.all().delete()
    MonthEndRungCount.objects.bulk_create(insights.month_end_rung_counts(today), batch_size=5000)
