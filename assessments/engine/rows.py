"""Writing many engagement rows in one statement, for the recompute and its facts."""

from django.db import connection


def update_from_values(table, columns, rows, *, assignments=None):
    """UPDATE ``table`` from a VALUES list: one cheap statement for thousands of rows
    (PostgreSQL and SQLite 3.33+), where ``bulk_update`` would compile a CASE per row and
    column.

    ``columns`` are (name, PostgreSQL type) after the leading id; each row is (id, *values),
    already adapted for the database. Each column is assigned as is, unless ``assignments``
    ({column: SQL expression over ``v``}) says otherwise.
    """
    if not rows:
        return
    postgres = connection.vendor == "postgresql"
    # PostgreSQL types a VALUES column from its rows; a column of NULLs would be text.
    casts = [f"::{kind}" if postgres else "" for _, kind in columns]
    placeholder = "(%s, " + ", ".join(f"%s{cast}" for cast in casts) + ")"
    names = [name for name, _ in columns]
    assignments = {name: f"v.{name}" for name in names} | (assignments or {})
    values = ", ".join([placeholder] * len(rows))
    settings = ", ".join(f"{name} = {value}" for name, value in assignments.items())
    sql = (
        f"WITH v(id, {', '.join(names)}) AS (VALUES {values}) "
        f"UPDATE {table} SET {settings} FROM v WHERE {table}.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])
