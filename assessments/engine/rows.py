"""Writing many engagement rows in one statement, for the recompute and its facts."""

import io

from django.db import connection, transaction

# From this many rows on, PostgreSQL gets them through COPY rather than as one statement with
# a VALUES list: the engagement UPDATE here and the recompute's snapshot INSERT alike.
COPY_FROM_ROWS = 100


def update_from_values(table, columns, rows, *, assignments=None):
    """UPDATE ``table`` from a list of rows: one cheap statement for thousands of rows
    (PostgreSQL and SQLite 3.33+), where ``bulk_update`` would compile a CASE per row and
    column.

    ``columns`` are (name, PostgreSQL type) after the leading id; each row is (id, *values),
    already adapted for the database. Each column is assigned as is, unless ``assignments``
    ({column: SQL expression over ``v``}) says otherwise.
    """
    if not rows:
        return
    names = [name for name, _ in columns]
    assignments = {name: f"v.{name}" for name in names} | (assignments or {})
    settings = ", ".join(f"{name} = {value}" for name, value in assignments.items())
    update = f"UPDATE {table} SET {settings} FROM {{source}} WHERE {table}.id = v.id"
    if through_copy(len(rows)):
        _update_from_copy(update, columns, rows)
        return
    postgres = connection.vendor == "postgresql"
    # PostgreSQL types a VALUES column from its rows; a column of NULLs would be text.
    casts = [f"::{kind}" if postgres else "" for _, kind in columns]
    placeholder = "(%s, " + ", ".join(f"%s{cast}" for cast in casts) + ")"
    values = ", ".join([placeholder] * len(rows))
    sql = f"WITH v(id, {', '.join(names)}) AS (VALUES {values}) " + update.format(source="v")
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])


def through_copy(count):
    """Whether ``count`` rows go to the database through COPY (`COPY_FROM_ROWS`)."""
    return connection.vendor == "postgresql" and count >= COPY_FROM_ROWS


def _update_from_copy(update, columns, rows):
    """The UPDATE on PostgreSQL for many rows: COPY them into a temporary table first.

    A VALUES list of 1,000 rows by 15 columns had the driver quote 15,000 parameters while
    holding the GIL, and PostgreSQL parse as many literals; the recompute's writer spent a
    tenth of its time on that.
    """
    definition = ", ".join(f"{name} {kind}" for name, kind in [("id", "bigint"), *columns])
    text = "".join("\t".join(map(copy_text, row)) + "\n" for row in rows)
    with transaction.atomic(), connection.cursor() as cursor:
        # ON COMMIT DROP: never left behind, even when the update fails.
        cursor.execute(f"CREATE TEMP TABLE row_upload ({definition}) ON COMMIT DROP")
        cursor.cursor.copy_expert("COPY row_upload FROM STDIN", io.StringIO(text))
        cursor.execute(update.format(source="row_upload v"))
        # Inside a caller's larger transaction the next call creates the table again.
        cursor.execute("DROP TABLE row_upload")


def copy_text(value):
    """A value, already adapted for the database, in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        return (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return str(value)
