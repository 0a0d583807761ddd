"""`rows.update_from_values`: the VALUES list and, on PostgreSQL, COPY write the same rows."""

import datetime as dt
import json

import pytest
from django.db import connection

from assessments.engine import rows
from partners.models import Engagement
from partners.tests.factories import EngagementFactory

COLUMNS = (
    ("name", "varchar"),
    ("change_30d", "double precision"),
    ("last_rating_at", "timestamptz"),
    ("stale", "boolean"),
    ("facts_on", "date"),
    ("sparkline", "jsonb"),
)
# Text that COPY's text format must escape, and JSON holding escaped quotes and backslashes.
AWKWARD = (
    (
        "Tab\there, newline\nthere, CR\r, back\\slash \\N and 'quotes'",
        -12.345678901234567,
        dt.datetime(2026, 3, 29, 1, 30, 0, 123456, tzinfo=dt.UTC),
        True,
        dt.date(2026, 3, 29),
        '[1.5, "a \\"quoted\\" \\\\ value", null]',
    ),
    ("Empty facts", None, None, False, None, "[]"),
    ("Ünïcødé ✓ 信頼", 0.1, dt.datetime(2026, 10, 25, 2, 0, tzinfo=dt.UTC), False, None, "{}"),
)


def written(ids):
    names = [name for name, _ in COLUMNS]
    return list(Engagement.objects.filter(pk__in=ids).order_by("pk").values_list(*names))


@pytest.mark.parametrize("copy_from_rows", [1, 10**6], ids=["copy", "values"])
def test_both_ways_store_every_value_as_given(engagement_a, monkeypatch, copy_from_rows):
    monkeypatch.setattr(rows, "COPY_FROM_ROWS", copy_from_rows)
    engagements = [engagement_a, *(EngagementFactory(partner=engagement_a.partner) for _ in "ab")]
    ids = [e.pk for e in engagements]
    ops = connection.ops
    values = [
        (
            pk,
            name,
            change,
            ops.adapt_datetimefield_value(rated_at),
            stale,
            ops.adapt_datefield_value(day),
            sparkline,
        )
        for pk, (name, change, rated_at, stale, day, sparkline) in zip(ids, AWKWARD, strict=True)
    ]

    rows.update_from_values(Engagement._meta.db_table, COLUMNS, values)

    expected = [
        (name, change, rated_at, stale, day, json.loads(sparkline))
        for name, change, rated_at, stale, day, sparkline in AWKWARD
    ]
    assert written(ids) == expected


def test_assignments_override_a_column(engagement_a, monkeypatch):
    monkeypatch.setattr(rows, "COPY_FROM_ROWS", 1)
    Engagement.objects.filter(pk=engagement_a.pk).update(scored_version=5)
    table = Engagement._meta.db_table
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"

    rows.update_from_values(
        table,
        (("scored_version", "integer"),),
        [(engagement_a.pk, 3)],
        assignments={"scored_version": f"{greatest}({table}.scored_version, v.scored_version)"},
    )

    assert Engagement.objects.get(pk=engagement_a.pk).scored_version == 5


def test_copy_leaves_no_temporary_table_behind(engagement_a, monkeypatch):
    monkeypatch.setattr(rows, "COPY_FROM_ROWS", 1)
    for score in (1.0, 2.0):  # twice in one transaction: the table is made afresh each time
        rows.update_from_values(
            Engagement._meta.db_table, (("score", "double precision"),), [(engagement_a.pk, score)]
        )

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('pg_temp.row_upload')")
        assert cursor.fetchone() == (None,)
    assert Engagement.objects.get(pk=engagement_a.pk).score == 2.0
