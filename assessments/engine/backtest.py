"""The back-test of the policy lab: every engagement simulated under a draft and the active
policy from `start` to `end`, step by step, through the same numpy rule (`vector`).

Evidence is loaded once for the whole period; each step scores every engagement at once.
The previous level is executor at `start` and hysteresis applies between steps, as in
DESIGN.md ("Policy lab"). Nothing here writes snapshots or level changes.
"""

import datetime as dt
import time
from collections import Counter
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils import timezone

from partners.choices import Level

from .. import selectors
from ..models import Backtest, BacktestResult
from . import scoring, vector

RESULT_BATCH = 2000


def step_dates(start, end, step_days):
    """start, start + step, ... up to end; end itself is always the last step."""
    days = []
    day = start
    while day < end:
        days.append(day)
        day += dt.timedelta(days=step_days)
    return [*days, end]


@dataclass
class PolicyRun:
    """One policy's simulation: levels and scores at the last step, changes over the period."""

    params: scoring.PolicyParams
    levels: np.ndarray
    scores: vector.Scores
    changes: np.ndarray
    promotions: int
    demotions: int


def simulate(*, events, assessments, n, days, params, on_step=None):
    """Score ``n`` engagements on each of ``days`` under ``params``; returns a `PolicyRun`.

    The rung at the first day is the starting point; changes count moves between steps.
    """
    levels = np.full(n, int(Level.EXECUTOR))
    changes = np.zeros(n, dtype=np.int64)
    promotions = demotions = 0
    for k, day in enumerate(days):
        scores = vector.score_day(events, assessments, n, day.toordinal(), params)
        new = scores.levels(levels)
        if k:
            changes += new != levels
            promotions += int((new > levels).sum())
            demotions += int((new < levels).sum())
        levels = new
        if on_step:
            on_step()
    return PolicyRun(params, levels, scores, changes, promotions, demotions)


def deciding_gate(run, row, label):
    """The first unmet condition of the next rung for ``row`` under ``run``'s policy."""
    params = run.params
    scores = {
        name: None if np.isnan(value) else float(value)
        for name, value in zip(scoring.DIMENSIONS, run.scores.dimensions[row], strict=True)
    }
    unmet = scoring.next_rung_conditions(
        int(run.levels[row]),
        scores,
        int(run.scores.rater_count[row]),
        params.threshold,
        params.trust_threshold,
        params.min_raters_advisor,
    )
    if not unmet:
        return ""
    condition = unmet[0]
    current = condition["current"]
    shown = "–" if current is None else f"{current:.1f}".removesuffix(".0")
    return f"{condition['condition']} {shown} / {condition['required']:g} ({label})"


def _summary(active, draft, n, steps, seconds):
    def churn(run):
        return {
            "changes": int(run.changes.sum()),
            "engagements": int((run.changes > 0).sum()),
            "promotions": run.promotions,
            "demotions": run.demotions,
        }

    def distribution(levels):
        counts = Counter(levels.tolist())
        return {str(int(level)): counts.get(int(level), 0) for level in Level}

    return {
        "engagements": n,
        "steps": steps,
        "seconds": round(seconds, 2),
        "distribution": {
            "active": distribution(active.levels),
            "draft": distribution(draft.levels),
        },
        "churn": {"active": churn(active), "draft": churn(draft)},
        "higher_under_draft": int((draft.levels > active.levels).sum()),
        "lower_under_draft": int((draft.levels < active.levels).sum()),
    }


def _results(backtest, ids, active, draft):
    for row, pk in enumerate(ids.tolist()):
        level_active, level_draft = int(active.levels[row]), int(draft.levels[row])
        gate = ""
        if level_draft > level_active:
            gate = deciding_gate(active, row, "active")
        elif level_draft < level_active:
            gate = deciding_gate(draft, row, "draft")
        yield BacktestResult(
            backtest=backtest,
            engagement_id=pk,
            level_active=level_active,
            level_draft=level_draft,
            score_active=float(active.scores.score[row]),
            score_draft=float(draft.scores.score[row]),
            changes_active=int(active.changes[row]),
            changes_draft=int(draft.changes[row]),
            deciding_gate=gate,
        )


def run(*, backtest, engagement_ids, progress=None):
    """Simulate, then store one `BacktestResult` per engagement and the summary.

    ``progress(done, total)`` is called after every step of either policy.
    """
    started = time.perf_counter()
    draft = backtest.policy.params()
    active = backtest.active_policy.params()
    days = step_dates(backtest.start, backtest.end, backtest.step_days)
    first = backtest.start - dt.timedelta(days=max(draft.window_days, active.window_days) - 1)
    ids, events, assessments = selectors.evidence_arrays(
        engagement_ids=engagement_ids, first=first, last=backtest.end
    )
    total, done = 2 * len(days), 0

    def on_step():
        nonlocal done
        done += 1
        if progress:
            progress(done, total)

    common = {"events": events, "assessments": assessments, "n": len(ids), "days": days}
    active_run = simulate(params=active, on_step=on_step, **common)
    draft_run = simulate(params=draft, on_step=on_step, **common)
    summary = _summary(active_run, draft_run, len(ids), len(days), time.perf_counter() - started)
    with transaction.atomic():
        BacktestResult.objects.filter(backtest=backtest).delete()
        BacktestResult.objects.bulk_create(
            _results(backtest, ids, active_run, draft_run), batch_size=RESULT_BATCH
        )
        backtest.summary = summary
        backtest.status = Backtest.Status.DONE
        backtest.progress = 100
        backtest.finished_at = timezone.now()
        backtest.save(update_fields=["summary", "status", "progress", "finished_at"])
    return backtest
