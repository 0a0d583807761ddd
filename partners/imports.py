"""Bulk import of engagement events: CSV files from the browser and the API, JSON rows from
the API's bulk endpoint. All or nothing.

1. `csv_read(file)` reads a CSV upload into `CsvRow`s, or refuses the file as a whole (not a
   CSV, wrong header, too large).
2. `csv_check(...)` resolves every row's engagement (two queries for the whole file) and
   checks every row against the rules of `services.event_log`, without saving.
3. `csv_import(...)` does the same checks again (things may have changed since the preview)
   and saves all rows through `services.events_bulk_log`, or none.

Rows are numbered as in a spreadsheet: the header is row 1, so the first event is row 2.
"""

import csv
import datetime as dt
import io
from collections import Counter, namedtuple
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q
from django.utils import timezone

from core.errors import RowErrors

from . import access, services
from .choices import EVENT_CATALOGUE, EventKind, Impact

COLUMNS = ("engagement", "kind", "occurred_on", "title", "impact", "notes")
REQUIRED_COLUMNS = ("kind", "occurred_on", "title")
FIRST_ROW = 2
# `overflow`: the row has more (non-empty) values than the header has columns.
CsvRow = namedtuple("CsvRow", ("number", *COLUMNS, "overflow"))
# Sets, not the enums' .values: those build a new list on every access, once per row.
KINDS = frozenset(EventKind.values)
IMPACTS = frozenset(Impact.values)


class CsvRefused(Exception):
    """The file as a whole cannot be imported; the message says why, for a person."""


@dataclass
class ImportOutcome:
    row_count: int
    rows: list = field(default_factory=list)
    errors: dict = field(default_factory=dict)
    created: int = 0

    @property
    def ok(self):
        return not self.errors

    @property
    def per_engagement(self):
        counts = Counter(row["engagement"] for row in self.rows)
        ordered = sorted(counts.items(), key=lambda pair: str(pair[0]))
        return [{"engagement": engagement, "events": n} for engagement, n in ordered]

    def error_lines(self, limit):
        """[(row number, ["column: message", …])] for the first `limit` refused rows."""
        refused = list(self.errors.items())[:limit]
        return [(number, error_messages(error)) for number, error in refused]


def error_messages(error):
    if not hasattr(error, "error_dict"):
        return error.messages
    return [
        message if column == NON_FIELD_ERRORS else f"{column}: {message}"
        for column, messages in error.message_dict.items()
        for message in messages
    ]


def engagement_reference(engagement):
    """How a CSV names an engagement without its id: partner slug, slash, engagement name."""
    return "/".join(engagement_key(engagement))


def engagement_key(engagement):
    return (engagement.partner.slug, engagement.name)


# --- Reading the file ---------------------------------------------------------------------


def csv_read(file):
    """The rows of an uploaded CSV as `CsvRow`s (missing optional columns are empty)."""
    max_bytes = settings.EVENT_IMPORT_MAX_BYTES
    data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise CsvRefused(f"The file is larger than {max_bytes // 2**20} MB; split it into parts.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    if text is None or "\x00" in text:
        raise CsvRefused("This is not a CSV file. Save the sheet as CSV (UTF-8) and upload that.")
    first_line = text.partition("\n")[0]
    # Spreadsheets in many European locales save CSV with semicolons.
    delimiter = max(",;\t", key=first_line.count)
    try:
        records = list(csv.reader(io.StringIO(text), delimiter=delimiter, strict=True))
    except csv.Error as error:
        raise CsvRefused(f"This file cannot be read as CSV ({error}).") from None
    if not records:
        raise CsvRefused("The file is empty. Start from the template.")
    rows = _rows(_check_header(records[0]), records[1:])
    if not rows:
        raise CsvRefused("The file has a header but no events under it.")
    return rows


def _check_header(cells):
    header = [cell.strip().lower() for cell in cells]
    unknown = [name for name in header if name not in COLUMNS]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if unknown or missing or len(set(header)) != len(header):
        found = ", ".join(cells) or "nothing"
        raise CsvRefused(
            f"The first row must name the columns {', '.join(COLUMNS)} "
            f"(engagement, impact and notes may be left out); it has {found}."
        )
    return header


def _rows(header, records):
    max_rows = settings.EVENT_IMPORT_MAX_ROWS
    rows = []
    for number, values in enumerate(records, start=FIRST_ROW):
        if not any(value.strip() for value in values):
            continue
        if len(rows) == max_rows:
            raise CsvRefused(f"The file has more than {max_rows:,} rows; split it into parts.")
        cells = dict(zip(header, values, strict=False))
        overflow = any(value.strip() for value in values[len(header) :])
        rows.append(CsvRow(number, *(cells.get(name, "") for name in COLUMNS), overflow))
    return rows


# --- Finding engagements ------------------------------------------------------------------


class EngagementLookup:
    """The engagements that rows name, loaded in two queries, checked against `access`."""

    def __init__(self, *, user, ids=(), names=()):
        found = []
        if ids or names:
            wanted = Q(pk__in=set(ids)) | Q(partner__slug__in={slug for slug, _ in names})
            found = list(access.visible_engagements(user).filter(wanted).select_related("partner"))
        self.by_id = {engagement.pk: engagement for engagement in found}
        self.by_name = {engagement_key(e): e for e in found}
        self.changeable = set(
            access.changeable_engagements(user)
            .filter(pk__in=list(self.by_id))
            .values_list("pk", flat=True)
        )

    def resolve(self, reference):
        """The engagement an id or (partner slug, name) names; ValidationError otherwise."""
        if isinstance(reference, tuple):
            engagement = self.by_name.get(reference)
            unknown = f"There is no engagement “{reference[1]}” of partner “{reference[0]}”."
        else:
            engagement = self.by_id.get(reference)
            unknown = f"There is no engagement with id {reference}."
        if engagement is None:
            raise ValidationError({"engagement": unknown})
        if engagement.pk not in self.changeable:
            raise ValidationError({"engagement": f"You may not log events for {engagement}."})
        return engagement


def _save_or_check(*, numbered, errors, user, save):
    """Log `numbered` [(number, row)] all or nothing, or only check them; adds to `errors`.

    Returns the saved events ([] when anything was refused or `save` is False).
    """
    numbers = [number for number, _ in numbered]
    rows = [row for _, row in numbered]
    if save and not errors:
        try:
            return services.events_bulk_log(rows=rows, logged_by=user)
        except RowErrors as refused:
            errors.update((numbers[position], e) for position, e in refused.rows.items())
            return []
    refused = services.events_bulk_check(rows=rows)
    errors.update((numbers[position], e) for position, e in refused.items())
    return []


# --- JSON rows (the API's bulk endpoint) --------------------------------------------------


def bulk_log(*, user, rows):
    """Log validated API rows (engagement ids) all or nothing.

    Raises RowErrors keyed by the row's position (from 0) when any row is refused.
    """
    lookup = EngagementLookup(user=user, ids={row["engagement"] for row in rows})
    numbered, errors = [], {}
    for position, row in enumerate(rows):
        try:
            numbered.append((position, {**row, "engagement": lookup.resolve(row["engagement"])}))
        except ValidationError as error:
            errors[position] = error
    events = _save_or_check(numbered=numbered, errors=errors, user=user, save=True)
    if errors:
        raise RowErrors(dict(sorted(errors.items())))
    return events


# --- CSV rows -----------------------------------------------------------------------------


def _reference(cell):
    cell = cell.strip()
    if cell.isdigit():
        return int(cell)
    slug, slash, name = cell.partition("/")
    return (slug.strip().lower(), name.strip()) if slash and name.strip() else None


def _target(row, lookup, scope):
    reference = _reference(row.engagement)
    if scope is not None:
        if not row.engagement.strip() or reference in (scope.pk, engagement_key(scope)):
            return scope
        raise ValidationError({"engagement": f"This import is for {scope} only."})
    if reference is None:
        raise ValidationError(
            {"engagement": "Give the engagement's id or partner-slug/engagement name."}
        )
    return lookup.resolve(reference)


def _parse(row, lookup, scope):
    """A CSV row as a dict for services.events_bulk_log; ValidationError with every problem."""
    errors = {}
    parsed = {"title": row.title.strip(), "notes": row.notes.strip()}
    try:
        parsed["engagement"] = _target(row, lookup, scope)
    except ValidationError as error:
        errors.update(error.message_dict)
    kind = row.kind.strip().lower()
    if kind in KINDS:
        parsed["kind"] = kind
    else:
        errors["kind"] = [f"“{row.kind}” is not a kind of event; use a code from the list."]
    try:
        parsed["occurred_on"] = dt.date.fromisoformat(row.occurred_on.strip())
    except ValueError:
        errors["occurred_on"] = ["Enter the date as YYYY-MM-DD, for example 2026-06-30."]
    impact = row.impact.strip().lower() or Impact.NORMAL
    if impact in IMPACTS:
        parsed["impact"] = impact
    else:
        errors["impact"] = ["Use low, normal or high (empty means normal)."]
    if row.overflow:
        errors[NON_FIELD_ERRORS] = ["This row has more values than the header has columns."]
    if errors:
        raise ValidationError(errors)
    return parsed


def _csv_rows(*, user, rows, scope):
    # A scoped import names its engagement (already access-checked); nothing to look up.
    references = [] if scope else {_reference(row.engagement) for row in rows}
    lookup = EngagementLookup(
        user=user,
        ids=[r for r in references if isinstance(r, int)],
        names=[r for r in references if isinstance(r, tuple)],
    )
    numbered, errors = [], {}
    for row in rows:
        try:
            numbered.append((row.number, _parse(row, lookup, scope)))
        except ValidationError as error:
            errors[row.number] = error
    return numbered, errors


def csv_check(*, user, rows, engagement=None):
    """Check `rows` as `csv_import` would, saving nothing. `engagement` scopes the import."""
    return _csv_outcome(user=user, rows=rows, scope=engagement, save=False)


def csv_import(*, user, rows, engagement=None):
    """Save all `rows` as events, or none when any row is refused (see `outcome.errors`)."""
    return _csv_outcome(user=user, rows=rows, scope=engagement, save=True)


def _csv_outcome(*, user, rows, scope, save):
    numbered, errors = _csv_rows(user=user, rows=rows, scope=scope)
    events = _save_or_check(numbered=numbered, errors=errors, user=user, save=save)
    return ImportOutcome(
        row_count=len(rows),
        rows=[row for _, row in numbered],
        errors=dict(sorted(errors.items())),
        created=len(events),
    )


def template_csv(*, example_engagement=None):
    """A CSV to start from: the header and one example row."""
    reference = (
        engagement_reference(example_engagement) if example_engagement else "partner-slug/Name"
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    today = timezone.localdate().isoformat()
    writer.writerow(
        [reference, EventKind.MILESTONE_DELIVERED.value, today, "Release 2.4 shipped", "normal", ""]
    )
    return out.getvalue()


def kind_catalogue():
    """(code, label, dimension label, points) for the import page's list of kinds."""
    return [
        (kind.value, kind.label, dimension.label, points)
        for kind, (dimension, points) in EVENT_CATALOGUE.items()
    ]
