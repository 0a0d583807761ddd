"""Turning evidence into snapshots: the single-engagement and the set-based recompute.

Both paths load evidence through the same selectors, score a whole batch at once with the
numpy rule of the back-test (`vector`, proven equal to `scoring.py`) and write through
`_write_results`, so that their results are equal by construction. The set-based path
handles a batch of engagements with a fixed number of queries.
"""

import datetime as dt
import io
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass

import numpy as np
import orjson
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from core.lookups import AnyOf, int_array
from partners.models import Engagement, Level

from .. import selectors
from ..models import LevelChange, MaturitySnapshot
from . import explanations, facts, vector
from .rows import copy_text, through_copy, update_from_values

BATCH_SIZE = 1000
SNAPSHOT_FIELDS = (
    "score",
    "level",
    "delivery",
    "technical",
    "domain",
    "partnership",
    "trust",
    "trust_quotient",
    "rater_count",
    "event_count",
    "assessment_count",
    "confidence",
    "explanation",
    "computed_at",
)


@dataclass
class Outcome:
    """One engagement's recomputed snapshot values."""

    engagement_id: int
    evidence_version: int
    previous_level: int
    has_later_snapshot: bool
    has_snapshot: bool  # of the day recomputed, before this recompute
    level: int
    score: float
    dimensions: list  # D_d in scoring.DIMENSIONS order; trust may be None
    trust_quotient: float | None
    rater_count: int
    event_count: int
    assessment_count: int
    confidence: str
    explanation: dict
    trust_on_one_person: bool  # the portfolio flag (`facts`), at this level


@dataclass
class Timings:
    """Seconds spent per phase of a recompute, summed over its batches.

    With the pipelined loader, ``load`` runs in a second thread alongside ``score`` and
    ``write``; ``waiting`` is what the main thread spent waiting for it.
    """

    load: float = 0.0
    score: float = 0.0
    write: float = 0.0  # facts included
    facts: float = 0.0
    partners: float = 0.0  # the partners' stored maturity, after the batches
    waiting: float = 0.0

    @contextmanager
    def phase(self, name):
        started = time.perf_counter()
        try:
            yield
        finally:
            setattr(self, name, getattr(self, name) + time.perf_counter() - started)


@dataclass
class Evidence:
    """What a batch's recompute reads, loaded before any scoring."""

    states: dict
    events: vector.EventArrays  # engagement column: position in sorted(states)
    assessments: vector.AssessmentArrays  # likewise
    top_events: list  # per position in sorted(states): {dimension: [event dicts]}


def _load_evidence(*, engagement_ids, as_of, params, lock):
    # evidence_version is read before the evidence: a change that lands in between leaves the
    # engagement dirty (scored_version < evidence_version) instead of being lost.
    states = selectors.engagement_states(engagement_ids=engagement_ids, as_of=as_of, lock=lock)
    ids = np.array(sorted(states), dtype=np.int64)
    first, last = selectors.window_bounds(as_of, params.window_days)
    events = selectors.events_between(ids=ids, first=first, last=last)
    assessments = selectors.assessments_between(ids=ids, first=first, last=last)
    # Ranked here, so that the pipelined loader thread does it alongside the scoring.
    top_events = explanations.top_events(
        events, len(ids), as_of.toordinal(), params, titles=selectors.event_titles
    )
    return Evidence(states, events, assessments, top_events)


def _evaluate_batch(evidence, *, as_of, params):
    """Score the whole batch at once with the numpy rule (`vector`), as the back-test does."""
    ids = sorted(evidence.states)
    if not ids:
        return []
    day = as_of.toordinal()
    points, event_count = vector.event_evidence(evidence.events, len(ids), day, params)
    scores = vector.score_evidence(points, event_count, evidence.assessments, len(ids), day, params)
    previous = [evidence.states[pk][1] or Level.EXECUTOR for pk in ids]
    levels = scores.levels(np.array(previous))
    rows = explanations.Rows(scores, levels)
    one_person = vector.trust_on_one_person(evidence.assessments, levels, len(ids), day, params)
    one_person = one_person.tolist()
    outcomes = []
    for row, pk in enumerate(ids):
        version, _, has_later, has_snapshot = evidence.states[pk]
        quotient = rows.quotient[row]
        outcomes.append(
            Outcome(
                engagement_id=pk,
                evidence_version=version,
                previous_level=int(previous[row]),
                has_later_snapshot=has_later,
                has_snapshot=has_snapshot,
                level=rows.levels[row],
                score=rows.score[row],
                dimensions=[explanations.present(d) for d in rows.dimensions[row]],
                trust_quotient=explanations.present(quotient),
                rater_count=rows.rater_count[row],
                event_count=rows.event_count[row],
                assessment_count=rows.assessment_count[row],
                confidence=rows.confidence[row],
                explanation=explanations.explanation(
                    rows, row, evidence.top_events[row], as_of, params
                ),
                trust_on_one_person=one_person[row],
            )
        )
    return outcomes


def _explanation_json(outcome, policy_version):
    """The snapshot's explanation as stored: the outcome's, with the policy version."""
    return orjson.dumps({**outcome.explanation, "policy_version": policy_version}).decode()


def _snapshot_row(outcome, as_of, policy, now):
    """The values of `SNAPSHOT_COLUMNS`; `_copy_line` writes the same row as COPY text."""
    return (
        outcome.engagement_id,
        as_of,
        policy.pk,
        outcome.score,
        outcome.level,
        *outcome.dimensions,
        outcome.trust_quotient,
        outcome.rater_count,
        outcome.event_count,
        outcome.assessment_count,
        outcome.confidence,
        _explanation_json(outcome, policy.version),
        now,
    )


SNAPSHOT_COLUMNS = ("engagement_id", "as_of", "policy_id", *SNAPSHOT_FIELDS)
UPSERT_SQL = (
    "INSERT INTO {table} ({columns}) {rows} ON CONFLICT (engagement_id, as_of) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in SNAPSHOT_COLUMNS[2:])
    + " RETURNING engagement_id, id"
)


def _upsert_snapshots(outcomes, as_of, policy, prepared):
    """Insert or overwrite the day's snapshots in one statement; returns {engagement_id:
    snapshot id}, for at least the engagements whose level changed.

    Written as SQL because the ORM's bulk_create spends more time preparing 10,000 rows than
    the database spends storing them. PostgreSQL and SQLite 3.35+ both accept it; PostgreSQL
    takes large batches through COPY instead (`_copy_upsert_snapshots`).
    """
    now, lines = prepared
    if lines is not None:
        return _copy_upsert_snapshots(outcomes, as_of, lines)
    placeholders = ", ".join(["%s"] * len(SNAPSHOT_COLUMNS))
    sql = UPSERT_SQL.format(
        table=MaturitySnapshot._meta.db_table,
        columns=", ".join(SNAPSHOT_COLUMNS),
        rows="VALUES " + ", ".join([f"({placeholders})"] * len(outcomes)),
    )
    params = [value for o in outcomes for value in _snapshot_row(o, as_of, policy, now)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def _copy_line(outcome, fixed, policy_version):
    """One snapshot row in COPY's text format; ``fixed`` holds the columns every row shares.

    JSON from orjson holds no raw tab or newline (it escapes them), so doubling the
    backslashes is all the escaping it needs.
    """
    o = outcome
    explanation = _explanation_json(o, policy_version).replace("\\", "\\\\")
    dimensions = "\t".join(map(copy_text, o.dimensions))
    return (
        f"{o.engagement_id}\t{fixed[0]}\t{fixed[1]}\t{o.score!r}\t{o.level}\t{dimensions}\t"
        f"{copy_text(o.trust_quotient)}\t{o.rater_count}\t{o.event_count}\t"
        f"{o.assessment_count}\t{o.confidence}\t{explanation}\t"
        f"{fixed[2]}\n"
    )


def prepare_write(outcomes, as_of, policy):
    """(computed_at, the snapshots in COPY's text format or None): the part of a batch's write
    that is Python work, done by the scoring thread of the pipelined recompute so that the
    writer thread only waits on the database. None where a single INSERT serves better."""
    now = timezone.now()
    if not through_copy(len(outcomes)):
        return now, None
    fixed = (as_of.isoformat(), policy.pk, now.isoformat())
    return now, "".join(_copy_line(o, fixed, policy.version) for o in outcomes)


def _copy_upsert_snapshots(outcomes, as_of, lines):
    """The upsert on PostgreSQL: COPY the rows into a temporary table, then one
    INSERT ... SELECT ... ON CONFLICT. Parsing a 17,000-parameter INSERT costs more than
    streaming the same rows. A batch with none of the day's snapshots on file yet is copied
    straight into the table (`_copy_new_snapshots`)."""
    table = MaturitySnapshot._meta.db_table
    columns = ", ".join(SNAPSHOT_COLUMNS)
    if not any(o.has_snapshot for o in outcomes):
        ids = _copy_new_snapshots(lines, outcomes, as_of)
        if ids is not None:
            return ids
    with connection.cursor() as cursor:
        # ON COMMIT DROP: never left behind, even when the write fails.
        cursor.execute(
            f"CREATE TEMP TABLE snapshot_upload ON COMMIT DROP AS "
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
        cursor.cursor.copy_expert(
            f"COPY snapshot_upload ({columns}) FROM STDIN", io.StringIO(lines)
        )
        cursor.execute(
            UPSERT_SQL.format(
                table=table, columns=columns, rows=f"SELECT {columns} FROM snapshot_upload"
            )
        )
        ids = dict(cursor.fetchall())
        # Inside a caller's larger transaction the next batch creates the table again.
        cursor.execute("DROP TABLE snapshot_upload")
    return ids


UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE


def _copy_new_snapshots(lines, outcomes, as_of):
    """The first snapshots of the day, as the nightly recompute writes them: COPY straight
    into the table, without the temporary table and the upsert. Returns the snapshot ids of
    the engagements whose level changed (the level changes point at them), or None when
    another recompute wrote one of these snapshots meanwhile: then nothing is written and the
    caller upserts."""
    table = MaturitySnapshot._meta.db_table
    try:
        # The raw cursor's errors are psycopg's own; wrap_database_errors makes them Django's.
        with transaction.atomic(), connection.cursor() as cursor, connection.wrap_database_errors:
            cursor.cursor.copy_expert(
                f"COPY {table} ({', '.join(SNAPSHOT_COLUMNS)}) FROM STDIN", io.StringIO(lines)
            )
    except IntegrityError as error:
        if getattr(error.__cause__, "pgcode", None) != UNIQUE_VIOLATION:
            raise
        return None
    changed = [o.engagement_id for o in outcomes if o.level != o.previous_level]
    if not changed:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT engagement_id, id FROM {table} "
            f"WHERE as_of = %s AND engagement_id = ANY(%s::bigint[])",
            [as_of, int_array(changed)],
        )
        return dict(cursor.fetchall())


def _write_results(
    *, outcomes, as_of, policy, locked, store_facts=True, timings=None, prepared=None
):
    """Upsert the day's snapshots, replace the day's level changes, update engagements and
    (unless ``store_facts`` is False) their portfolio facts (`facts.recomputed_facts`).

    Returns the level changes created. Engagement rows are only moved forward: a recompute of
    a past day (with later snapshots on file) leaves the engagement's current level and facts
    alone and scored_version never goes backwards. Unless the engagement rows were ``locked``
    when the evidence was read, an outcome that a newer recompute has overtaken since then is
    not written at all (`_still_current`).
    """
    if not locked:
        current = _still_current(outcomes)
        if len(current) < len(outcomes):
            outcomes, prepared = current, None
        if not outcomes:
            return []
    prepared = prepared or prepare_write(outcomes, as_of, policy)
    now = prepared[0]
    snapshot_ids = _upsert_snapshots(outcomes, as_of, policy, prepared)
    ids = [o.engagement_id for o in outcomes]
    LevelChange.objects.filter(AnyOf(F("engagement_id"), ids), as_of=as_of).delete()
    changes = LevelChange.objects.bulk_create(
        LevelChange(
            engagement_id=o.engagement_id,
            from_level=o.previous_level,
            to_level=o.level,
            as_of=as_of,
            snapshot_id=snapshot_ids[o.engagement_id],
        )
        for o in outcomes
        if o.level != o.previous_level
    )
    current = [o for o in outcomes if not o.has_later_snapshot]
    fact_rows = []
    if store_facts and current:
        with (timings or Timings()).phase("facts"):
            fact_rows = facts.recomputed_facts(
                outcomes=current, as_of=as_of, params=policy.params()
            )
    _update_engagements(current, scored_at=now, fact_rows=fact_rows)
    return changes


def _still_current(outcomes):
    """Lock the outcomes' engagement rows, in id order as the single recompute does, and keep
    the outcomes still worth writing: the engagement exists and no recompute has stored a
    later evidence version than the one these outcomes were computed from.

    The pipelined recompute reads evidence unlocked and writes it a batch later; meanwhile
    a single recompute after new evidence may have written the day's snapshot. Locking first
    also gives both paths one lock order, engagement row before snapshot, so they cannot
    deadlock.
    """
    rows = (
        Engagement.objects.filter(AnyOf(F("pk"), [o.engagement_id for o in outcomes]))
        .order_by("pk")
        .select_for_update(of=("self",))
        .values_list("pk", "scored_version")
    )
    scored = dict(rows)
    return [
        o
        for o in outcomes
        if o.engagement_id in scored and scored[o.engagement_id] <= o.evidence_version
    ]


SCORED_COLUMNS = (
    ("level", "integer"),
    ("score", "double precision"),
    ("scored_at", "timestamptz"),
    ("scored_version", "integer"),
)


def _update_engagements(outcomes, *, scored_at, fact_rows=()):
    """Write level, score, scored_version and, where given, the facts' columns
    ([(id, *facts.COLUMNS values)]) of many engagements in one statement. scored_version only
    moves forward."""
    table = Engagement._meta.db_table
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    at = connection.ops.adapt_datetimefield_value(scored_at)
    scored = {o.engagement_id: (o.level, o.score, at, o.evidence_version) for o in outcomes}
    columns = SCORED_COLUMNS
    rows = [(pk, *values) for pk, values in scored.items()]
    if fact_rows:
        stored = {pk: values for pk, *values in fact_rows}
        if stored.keys() != scored.keys():
            raise ValueError("The facts must cover exactly the engagements updated.")
        columns += facts.COLUMNS
        rows = [(*row, *stored[row[0]]) for row in rows]
    update_from_values(
        table,
        columns,
        rows,
        assignments={"scored_version": f"{greatest}({table}.scored_version, v.scored_version)"},
    )


def recompute_batch(*, engagement_ids, as_of, policy, timings=None, store_facts=True):
    """Recompute a batch in one transaction, the engagement rows locked (in id order)."""
    params = policy.params()
    timings = timings or Timings()
    with transaction.atomic():
        with timings.phase("load"):
            evidence = _load_evidence(
                engagement_ids=engagement_ids, as_of=as_of, params=params, lock=True
            )
        with timings.phase("score"):
            outcomes = _evaluate_batch(evidence, as_of=as_of, params=params)
        if not outcomes:
            return [], []
        with timings.phase("write"):
            changes = _write_results(
                outcomes=outcomes,
                as_of=as_of,
                policy=policy,
                locked=True,
                store_facts=store_facts,
                timings=timings,
            )
    return outcomes, changes


def can_pipeline():
    """Loading in a second thread needs PostgreSQL (SQLite would lock) and no open transaction
    (the loader's own connection could not see its uncommitted rows)."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def recompute_pipelined(*, batches, as_of, policy, timings=None, store_facts=True):
    """Recompute batches in three overlapping stages; yields each batch's level changes.

    A loader thread reads the next batch's evidence while the calling thread scores this one
    and a writer thread writes the one before, each thread on its own database connection:
    PostgreSQL's work for one stage runs on one core while Python scores on the other. Writes
    stay in batch order, one at a time, each batch in its own transaction.

    Rows are not locked here; see `_load_evidence` for why no change is lost. Writes are
    upserts, so a concurrent recompute of the same day leaves one snapshot per engagement.
    """
    params = policy.params()
    timings = timings or Timings()

    def load(batch):
        with timings.phase("load"):
            return _load_evidence(engagement_ids=batch, as_of=as_of, params=params, lock=False)

    def write(outcomes, prepared):
        if not outcomes:  # every engagement of the batch was deleted meanwhile
            return []
        with timings.phase("write"), transaction.atomic():
            return _write_results(
                outcomes=outcomes,
                as_of=as_of,
                policy=policy,
                locked=False,
                store_facts=store_facts,
                timings=timings,
                prepared=prepared,
            )

    with ThreadPoolExecutor(max_workers=1) as loader, ThreadPoolExecutor(max_workers=1) as writer:
        try:
            upcoming = loader.submit(load, batches[0])
            written = None
            for n in range(len(batches)):
                try:
                    with timings.phase("waiting"):
                        evidence = upcoming.result()
                    if n + 1 < len(batches):
                        upcoming = loader.submit(load, batches[n + 1])
                    with timings.phase("score"):
                        outcomes = _evaluate_batch(evidence, as_of=as_of, params=params)
                        prepared = prepare_write(outcomes, as_of, policy)
                except Exception:
                    # The batch before is written or failing in the writer: its level changes
                    # still reach the caller before this error does.
                    if written is not None:
                        yield written.result()
                    raise
                if written is not None:
                    yield written.result()
                written = writer.submit(write, outcomes, prepared)
            yield written.result()
        finally:
            # Each thread's own connection (Django's connections are per thread).
            for stage in (loader, writer):
                # A broken connection fails to close: the error that ended the run matters.
                with suppress(DatabaseError):
                    stage.submit(lambda: connection.close()).result()


def days_back(*, days, until=None):
    until = until or timezone.localdate()
    return [until - dt.timedelta(days=n) for n in range(days - 1, -1, -1)]
