"""Read models of the policy lab: the versions, one version against the active one, and a
back-test's outcome (rungs at the end, engagements whose rung differs, churn, CSV)."""

import csv
import io

from django.db.models import Count, F

from partners.choices import Level

from ..forms import POLICY_PARAMETERS, policy_parameter_names
from ..models import Backtest, BacktestResult, MaturitySnapshot, ScoringPolicy
from .portfolio import _safe_cell

DIFFERING_SHOWN = 100
CSV_COLUMNS = (
    "engagement_id",
    "partner",
    "engagement",
    "level_active",
    "level_draft",
    "score_active",
    "score_draft",
    "changes_active",
    "changes_draft",
    "deciding_gate",
)


def policy_list_context():
    """Every version, newest first, with the snapshots it scored and its back-tests."""
    counts = dict(
        MaturitySnapshot.objects.values("policy_id")
        .annotate(n=Count("id"))
        .values_list("policy_id", "n")
    )
    policies = list(
        ScoringPolicy.objects.select_related("created_by", "activated_by")
        .annotate(backtest_count=Count("backtests"))
        .order_by("-version")
    )
    rows = [{"policy": p, "snapshots": counts.get(p.pk, 0)} for p in policies]
    return {"rows": rows}


def parameter_rows(policy, active):
    """(label, meaning, active value, this value, differs) for every parameter."""
    rows = []
    for name in policy_parameter_names():
        label, meaning = POLICY_PARAMETERS.get(name, (name.replace("_", " ").capitalize(), ""))
        mine, theirs = getattr(policy, name), getattr(active, name) if active else None
        rows.append(
            {
                "name": name,
                "label": label,
                "meaning": meaning,
                "active": theirs,
                "value": mine,
                "differs": active is not None and mine != theirs,
            }
        )
    return rows


def policy_detail_context(policy, active):
    rows = parameter_rows(policy, active)
    return {
        "policy": policy,
        "active": active,
        "differing": [row for row in rows if row["differs"]],
        "parameters": rows,
        "backtests": policy.backtests.select_related("active_policy", "created_by"),
    }


def _distribution_rows(summary):
    distribution = summary.get("distribution", {})
    active, draft = distribution.get("active", {}), distribution.get("draft", {})
    rows = []
    for level in reversed(Level):
        before, after = active.get(str(level.value), 0), draft.get(str(level.value), 0)
        rows.append(
            {"label": level.label, "active": before, "draft": after, "delta": after - before}
        )
    return rows


def backtest_context(backtest):
    summary = backtest.summary or {}
    done = backtest.status == Backtest.Status.DONE
    differing = (
        BacktestResult.objects.filter(backtest=backtest)
        .exclude(level_active=F("level_draft"))
        .select_related("engagement__partner")
        .order_by("engagement__partner__name", "engagement__name")
    )
    differing_count = summary.get("higher_under_draft", 0) + summary.get("lower_under_draft", 0)
    return {
        "backtest": backtest,
        "summary": summary,
        "distribution": _distribution_rows(summary) if done else [],
        "churn": summary.get("churn", {}),
        "differing": list(differing[:DIFFERING_SHOWN]) if done else [],
        "differing_count": differing_count,
        "differing_more": max(0, differing_count - DIFFERING_SHOWN),
    }


def csv_lines(backtest):
    """The CSV of every engagement's result, a line at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush():
        line = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return line

    writer.writerow(CSV_COLUMNS)
    yield flush()
    results = (
        BacktestResult.objects.filter(backtest=backtest)
        .select_related("engagement__partner")
        .order_by("engagement_id")
    )
    for r in results.iterator(chunk_size=2000):
        writer.writerow(
            (
                r.engagement_id,
                _safe_cell(r.engagement.partner.name),
                _safe_cell(r.engagement.name),
                Level(r.level_active).label,
                Level(r.level_draft).label,
                f"{r.score_active:.2f}",
                f"{r.score_draft:.2f}",
                r.changes_active,
                r.changes_draft,
                r.deciding_gate,
            )
        )
        yield flush()
