"""The portfolio facts, stored after every recompute so that the portfolio pages read columns.

My engagements and the dashboard show, per engagement, the 30-day change, the last client
rating, a lost level, the stale, at-risk, falling and trust-on-one-person flags, a 90-day
sparkline and what the next rung takes. Computing them on every request meant correlated
lookups into a year of snapshots for the whole portfolio, so the pages slowed down as it
grew. Here they are computed once per recompute, set-based (four queries per batch however
large), by the very rules the pages used (``pages/attention.py``, ``pages/insights.py``,
``scoring.trust_rests_on_one_person``), and written onto the engagement rows by the same
UPDATE that stores the new level and score (``recompute._update_engagements``).

The dashboard's 12-month rung chart reads ``MonthEndRungCount``, rebuilt by
``rung_history_refresh`` after the nightly recompute.
"""

import datetime as dt

import orjson
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef

from core.lookups import AnyOf
from partners.models import Engagement

from ..models import MaturitySnapshot, MonthEndRungCount
from ..pages import attention, insights
from .rows import update_from_values

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

    Reads only committed snapshots and writes with one UPDATE per batch: two refreshes that
    race both compute from the latest rows, and the last write holds the latest facts. The
    recompute itself stores the facts with its own writes (`recomputed_facts`); this serves
    snapshots drawn by other means (the demo's history, the benchmarks).
    """
    params = policy.params()
    ids = sorted(set(engagement_ids))
    for start in range(0, len(ids), BATCH_SIZE):
        later = MaturitySnapshot.objects.filter(engagement=OuterRef("pk"), as_of__gt=as_of)
        engagements = Engagement.objects.filter(pk__in=ids[start : start + BATCH_SIZE])
        rows = fact_rows(engagements.exclude(Exists(later)), as_of=as_of, params=params)
        update_from_values(Engagement._meta.db_table, COLUMNS, rows)


def recomputed_facts(*, outcomes, as_of, params):
    """The facts of engagements being recomputed, as rows for `update_from_values`.

    Runs inside the recompute's transaction after its snapshots and level changes are
    written, so the reads see them; the new scores, levels and unmet conditions, not yet on
    the engagement rows, come from the outcomes.
    """
    return fact_rows(
        Engagement.objects.filter(AnyOf(F("pk"), [o.engagement_id for o in outcomes])),
        as_of=as_of,
        params=params,
        scores={o.engagement_id: o.score for o in outcomes},
        gaps={o.engagement_id: o.explanation["unmet"] for o in outcomes},
        one_person={o.engagement_id for o in outcomes if o.trust_on_one_person},
    )


def fact_rows(engagements, *, as_of, params, scores=None, gaps=None, one_person=None):
    """[(id, *COLUMNS values)] of ``engagements``, adapted for the database; four queries,
    three with ``one_person``.

    ``scores`` and ``gaps`` ({id: value}) stand in for the stored score and for the day's
    snapshot's unmet conditions, ``one_person`` (ids) for the trust-on-one-person rule: the
    recompute has them from the evidence it scored (`vector.trust_on_one_person`).
    """
    facts = attention.live_facts(engagements, today=as_of, scores=scores)
    if not facts:
        return []
    current = [row[0] for row in facts]
    if one_person is None:
        one_person = insights.one_person_ids(
            Engagement.objects.filter(AnyOf(F("pk"), current)), as_of=as_of, policy=params
        )
    series = insights.score_series(
        engagement_ids=current, since=as_of - dt.timedelta(days=SPARKLINE_DAYS - 1)
    )
    if gaps is None:
        gaps = dict(
            MaturitySnapshot.objects.filter(engagement_id__in=current, as_of=as_of).values_list(
                "engagement_id", "explanation__unmet"
            )
        )
    since = attention.stale_since(as_of)
    ops = connection.ops
    rows = []
    for pk, change, last_rating_at, level_lost in facts:
        flags = attention.raw_flags(
            change_30d=change, last_rating_at=last_rating_at, level_lost=level_lost, since=since
        )
        rows.append(
            (
                pk,
                ops.adapt_datefield_value(as_of),
                change,
                ops.adapt_datetimefield_value(last_rating_at),
                bool(level_lost),
                *flags,
                pk in one_person,
                orjson.dumps([round(score, 2) for score in series.get(pk, ())]).decode(),
                orjson.dumps(gaps.get(pk) or []).decode(),
            )
        )
    return rows


@transaction.atomic
def rung_history_refresh(*, today):
    """Rebuild ``MonthEndRungCount`` for the 12 month ends before ``today``."""
    MonthEndRungCount.objects.all().delete()
    MonthEndRungCount.objects.bulk_create(insights.month_end_rung_counts(today), batch_size=5000)
