"""The progress page's ladder: when each rung was won, held and lost, and which gate fell.

A rung is lost when a gate of it drops below the hold line (threshold − demotion band) on
the day of the demotion; that day's snapshot holds the dimension scores that show which one.
"""

from partners.choices import Dimension, Level

from ..engine.scoring import DIMENSIONS, RATERS, TRUST, rung_conditions
from ..models import MaturitySnapshot

# What each rung means, from DESIGN.md "Why it exists".
RUNG_MEANING = {
    Level.EXECUTOR: "Executes the tasks it is given.",
    Level.SKILLED_PROVIDER: "Has shown the technical skills to take care of the product.",
    Level.DOMAIN_EXPERT: "Knows the client's business and keeps up with its competitors.",
    Level.TRUSTED_ADVISOR: "Asked for advice on business and technology, not only for hands.",
}


def gate_name(condition):
    if condition == RATERS:
        return "client raters"
    return Dimension(condition).label.lower()


def hold_lines(policy):
    """(threshold, trust threshold) below which a held rung is lost."""
    return policy.threshold - policy.demotion_band, policy.trust_threshold - policy.demotion_band


def _gap(condition):
    """How far a condition is from its requirement; missing trust is as far as it gets."""
    if condition["current"] is None:
        return -condition["required"]
    return condition["current"] - condition["required"]


def fallen_gates(snapshot, rung):
    """The conditions of ``rung`` below the hold line in ``snapshot``, largest gap first."""
    policy = snapshot.policy.params()
    scores = {name: getattr(snapshot, name) for name in DIMENSIONS}
    threshold, trust_threshold = hold_lines(policy)
    conditions = rung_conditions(
        rung,
        scores,
        snapshot.rater_count,
        threshold,
        trust_threshold,
        policy.min_raters_advisor,
    )
    fallen = [c for c in conditions if c["current"] is None or c["current"] < c["required"]]
    return sorted(fallen, key=_gap)


def fallen_sentence(conditions):
    """The fallen gates in words: "partnership fell to 47 (< 50)", joined with "and"."""
    parts = []
    for c in conditions:
        if c["condition"] == TRUST and c["current"] is None:
            parts.append("trust had no client rating")
        else:
            parts.append(
                f"{gate_name(c['condition'])} fell to {c['current']:.0f} (< {c['required']:g})"
            )
    return " and ".join(parts)


def demotion_snapshots(engagement, changes):
    """{day: snapshot} for the days of the engagement's demotions, in one query."""
    days = [c.as_of for c in changes if c.to_level < c.from_level]
    if not days:
        return {}
    snapshots = MaturitySnapshot.objects.filter(engagement=engagement, as_of__in=days)
    return {s.as_of: s for s in snapshots.select_related("policy")}


def explain_demotions(engagement, changes):
    """Set ``cause`` on each demotion in ``changes``: the gates of the first rung it lost."""
    snapshots = demotion_snapshots(engagement, changes)
    for change in changes:
        snapshot = snapshots.get(change.as_of)
        change.cause = None
        if change.to_level < change.from_level and snapshot is not None:
            change.cause = fallen_sentence(fallen_gates(snapshot, change.to_level + 1)) or None
    return snapshots


def held_periods(changes, rung):
    """[[start, end]] when the engagement stood on ``rung`` or above; ``changes`` oldest
    first; ``end`` is the day of the demotion that lost it, None while it is held."""
    periods = []
    for change in changes:
        if change.from_level < rung <= change.to_level:
            periods.append([change.as_of, None])
        elif change.to_level < rung <= change.from_level and periods and periods[-1][1] is None:
            periods[-1][1] = change.as_of
    return periods


def date_range(start, end):
    if start.year == end.year:
        return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
    return f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"


def _lost_note(rung, period, snapshots):
    start, end = period
    note = f"held {date_range(start, end)}"
    snapshot = snapshots.get(end)
    if snapshot is not None:
        cause = fallen_sentence(fallen_gates(snapshot, rung))
        if cause:
            note += f", lost when {cause}"
    return note


def _reached_on(rung, current, changes, periods, engagement):
    """The latest move onto the current rung, the latest climb onto a lower one; the start
    of the engagement for executor."""
    if rung == current:
        moves = [c.as_of for c in changes if c.to_level == rung]
    else:
        moves = [start for start, _ in reversed(periods)]
    if moves:
        return moves[0]
    return engagement.started_on if rung == Level.EXECUTOR else None


def ladder(engagement, changes):
    """The four rungs, highest first: the current one, the date each held rung was reached,
    and for a rung held earlier and since lost, when it was held and why it was lost.

    ``changes`` are the engagement's level changes, newest first.
    """
    current = engagement.level
    oldest_first = list(reversed(changes))
    snapshots = explain_demotions(engagement, changes)
    rungs = []
    for rung in reversed(Level):
        periods = held_periods(oldest_first, rung)
        row = {
            "value": rung.value,
            "label": rung.label,
            "meaning": RUNG_MEANING[rung],
            "reached": rung.value <= current,
            "current": rung.value == current,
            "reached_on": None,
            "lost": None,
        }
        if rung <= current:
            row["reached_on"] = _reached_on(rung, current, changes, periods, engagement)
        elif periods and periods[-1][1] is not None:
            row["lost"] = _lost_note(rung, periods[-1], snapshots)
        rungs.append(row)
    return rungs
