"""`AnyOf`: ``column IN (ids)`` for thousands of ids without the ORM's per-value work;
`AnyOfSubquery`: ``column IN (subquery)`` that an index can serve inside an OR."""

from django.db.models import Lookup


class AnyOf(Lookup):
    """``filter(AnyOf(F("pk"), ids))``: the rows whose integer column is one of ``ids``.

    ``pk__in=ids`` prepares and binds every id as a parameter of its own, which costs the
    recompute more Python time per batch of a thousand than the query takes. On PostgreSQL the
    ids travel as one array literal (``= ANY(%s::bigint[])``); elsewhere as a plain IN list.
    """

    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        return [int(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", [*params, int_array(self.rhs)]
        if not self.rhs:
            return "1 = 0", params
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", [*params, *self.rhs]


def int_array(values):
    """Integers as PostgreSQL's array literal, to be cast (``%s::bigint[]``): parsed in a
    fraction of the time of the ``ARRAY[...]`` of thousands of constants that a list
    becomes."""
    return "{" + ",".join(map(str, values)) + "}"


class AnyOfSubquery(Lookup):
    """``filter(AnyOfSubquery(F("pk"), queryset))``: the rows whose column is among the
    subquery's values.

    On PostgreSQL this is ``column = ANY(ARRAY(subquery))``: the array is computed once before
    the scan, so the condition can use the column's index even OR-ed with another indexed
    condition (a BitmapOr of both). ``IN (subquery)`` cannot, and an OR with it reads the whole
    table. Elsewhere it is a plain ``IN (subquery)``.
    """

    lookup_name = "any_of_subquery"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        template = "{} = ANY(ARRAY{})" if connection.vendor == "postgresql" else "{} IN {}"
        return template.format(lhs, rhs), [*lhs_params, *rhs_params]
