"""SVG geometry for the pages' charts: plain numbers in, coordinates out.

Nothing here knows about models, requests or templates. Each function returns a dict that a
partial in ``templates/partials/chart_*.html`` draws; the text alternative (a sentence for
``<desc>`` and rows for a visually hidden table) is computed alongside the geometry so that a
chart and its description can never disagree.
"""

import datetime as dt
import math

from partners.choices import Level

LEVEL_LABELS = {level.value: level.label for level in Level}
SPARK_MIN_SPAN = 20


def scale(value, domain, extent):
    """Map ``value`` linearly from ``domain`` (lo, hi) onto ``extent`` (a, b)."""
    (lo, hi), (a, b) = domain, extent
    if hi == lo:
        return (a + b) / 2
    return a + (value - lo) * (b - a) / (hi - lo)


def _r(value):
    return round(value, 1)


def human_date(day):
    return f"{day.day} {day:%b %Y}"


def sparkline(values, *, width=120, height=28, pad=2):
    """A polyline through ``values`` (oldest first); None with fewer than two values."""
    if len(values) < 2:
        return None
    # The range shown is the data's, widened to at least SPARK_MIN_SPAN points, so that a
    # real move is visible and a wobble of a tenth of a point stays flat.
    middle = (max(values) + min(values)) / 2
    half = max(max(values) - min(values), SPARK_MIN_SPAN) / 2
    # `scale` written out (the dashboard draws 50 sparklines of 53 points per page): x from
    # (0, last) onto (pad, width - pad), y from (low, high) onto (height - pad, pad).
    last, low, high = len(values) - 1, middle - half, middle + half
    xs = [pad + n * ((width - pad) - pad) / last for n in range(len(values))]
    ys = [(height - pad) + (v - low) * (pad - (height - pad)) / (high - low) for v in values]
    change = values[-1] - values[0]
    return {
        "width": width,
        "height": height,
        # Each to one decimal, as `_r` rounds.
        "points": " ".join([f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True)]),
        "last_x": _r(xs[-1]),
        "last_y": _r(ys[-1]),
        "direction": "up" if change > 0.5 else "down" if change < -0.5 else "flat",
        "desc": f"Score from {values[0]:.0f} to {values[-1]:.0f}",
    }


def _month_starts(start, end):
    day = dt.date(start.year, start.month, 1)
    if day < start:
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    while day <= end:
        yield day
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _level_bands(points, x_of, top, bottom):
    """Consecutive days at one level as one rectangle, split halfway between two days."""
    bands = []
    for n, (day, _, level) in enumerate(points):
        left = x_of(day) if n == 0 else (x_of(points[n - 1][0]) + x_of(day)) / 2
        right = x_of(day) if n == len(points) - 1 else (x_of(day) + x_of(points[n + 1][0])) / 2
        if bands and bands[-1]["level"] == level:
            bands[-1]["right"] = right
        else:
            bands.append({"level": level, "left": left, "right": right})
    return [
        {
            "level": band["level"],
            "label": LEVEL_LABELS[band["level"]],
            "x": _r(band["left"]),
            "y": top,
            "width": _r(max(band["right"] - band["left"], 1)),
            "height": bottom - top,
        }
        for band in bands
    ]


def _markers(changes, scores_by_day, x_of, y_of):
    markers = []
    for day, from_level, to_level in changes:
        up = to_level > from_level
        x, y = x_of(day), y_of(scores_by_day.get(day, 50))
        tip = y - 9 if up else y + 9
        base = y - 1 if up else y + 1
        markers.append(
            {
                "x": _r(x),
                "y": _r(y),
                "up": up,
                "path": f"M{_r(x)},{_r(tip)} L{_r(x - 6)},{_r(base)} L{_r(x + 6)},{_r(base)} Z",
                "label": (
                    f"{'Moved up' if up else 'Moved down'} to {LEVEL_LABELS[to_level]} "
                    f"on {human_date(day)}"
                ),
            }
        )
    return markers


def month_ticks(start, end, x_of):
    """A tick at each month start; the first one and each January carry the year."""
    days = list(_month_starts(start, end))
    return [
        {"x": _r(x_of(day)), "label": f"{day:%b %Y}" if n == 0 or day.month == 1 else f"{day:%b}"}
        for n, day in enumerate(days)
    ]


def _time_axes(start, end, left, right, top, bottom):
    """(x_of, y_of): a day in [start, end] to x in [left, right], a value 0–100 to y in
    [bottom, top]."""
    span = max((end - start).days, 1)

    def x_of(day):
        return scale((day - start).days, (0, span), (left, right))

    def y_of(value):
        return scale(value, (0, 100), (bottom, top))

    return x_of, y_of


def _points(pairs, start, end, left, right, top, bottom):
    """ "x,y" of each (day, value) of ``pairs``, as ``_time_axes`` places them and ``_r``
    rounds them: the same arithmetic written out, since a year of daily points per chart made
    those calls a seventh of the progress page's Python calls."""
    span = max((end - start).days, 1)
    width, height = right - left, top - bottom
    return [
        f"{left + (day - start).days * width / span:.1f},{bottom + value * height / 100:.1f}"
        for day, value in pairs
    ]


def trend_chart(*, points, changes=(), start, end, width=720, height=268):
    """Score line over [start, end] with the rung as a band under it and level-change markers.

    The rung is decided by per-dimension gates, not by the overall score, so the score axis
    carries no threshold: ``gate_chart`` draws the gated dimensions against theirs.
    ``points`` are (date, score, level) oldest first; ``changes`` are (date, from, to).
    Returns None without points.
    """
    if not points:
        return None
    left, right, top, bottom = box = 46, width - 10, 10, height - 66
    x_of, y_of = _time_axes(start, end, *box)
    scores = [score for _, score, _ in points]
    by_day = {day: score for day, score, _ in points}
    shown_changes = [c for c in changes if start <= c[0] <= end]
    strip_top = bottom + 6
    return {
        "width": width,
        "height": height,
        "plot": {"left": left, "right": right, "top": top, "bottom": bottom},
        "line": " ".join(_points(((day, score) for day, score, _ in points), start, end, *box)),
        "bands": _level_bands(points, x_of, strip_top, strip_top + 14),
        "strip": {"y": strip_top, "label_y": strip_top + 11},
        "markers": _markers(shown_changes, by_day, x_of, y_of),
        "y_ticks": [{"y": _r(y_of(v)), "label": v} for v in (0, 20, 40, 60, 80, 100)],
        "y_title": {"x": 14, "y": _r((top + bottom) / 2)},
        "x_ticks": month_ticks(start, end, x_of),
        "tick_y": strip_top + 32,
        "x_title": {"x": _r((left + right) / 2), "y": height - 4},
        "desc": _trend_desc(points, scores, shown_changes),
        "table": _monthly_rows(points),
    }


def gate_chart(
    *, label, series, start, end, threshold, hold, holds_rung=False, width=240, height=150
):
    """One gated dimension over [start, end] against the line that wins the rung
    (``threshold``) and the one below which a held rung is lost (``hold``).

    ``series`` are (date, value or None) oldest first; a missing value breaks the line.
    ``holds_rung`` says the dimension also gates the rung the engagement holds now, so a
    value inside the band keeps that rung.
    """
    left, right, top, bottom = box = 28, width - 6, 8, height - 20
    y_of = _time_axes(start, end, *box)[1]
    segments, current = [], []
    for day, value in series:
        if value is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append((day, value))
    if current:
        segments.append(current)
    segments = [_points(pairs, start, end, *box) for pairs in segments]
    known = [value for _, value in series if value is not None]
    latest = known[-1] if known else None
    return {
        "label": label,
        "width": width,
        "height": height,
        "plot": {"left": left, "right": right, "top": top, "bottom": bottom},
        "lines": [" ".join(points) for points in segments if len(points) > 1],
        "threshold": {"y": _r(y_of(threshold)), "value": threshold},
        "hold": {"y": _r(y_of(hold)), "value": hold},
        "latest": latest,
        "met": latest is not None and latest >= threshold,
        "held": holds_rung and latest is not None and hold <= latest < threshold,
        "first_label": f"{start:%b %Y}",
        "last_label": f"{end:%b %Y}",
        "label_y": height - 5,
        "desc": (
            f"{label}: {'no score' if latest is None else f'now {latest:.0f}'}; "
            f"{threshold:g} wins the rung, below {hold:g} a held rung is lost."
        ),
    }


def _trend_desc(points, scores, changes):
    first, last = points[0], points[-1]
    text = (
        f"Score {first[1]:.0f} on {human_date(first[0])}, {last[1]:.0f} on "
        f"{human_date(last[0])}; highest {max(scores):.0f}, lowest {min(scores):.0f}. "
    )
    if changes:
        text += f"{len(changes)} level change{'s' if len(changes) != 1 else ''}."
    else:
        text += f"The level stayed {LEVEL_LABELS[last[2]]}."
    return text


def _monthly_rows(points):
    """The last point of each month, for the chart's text alternative."""
    months = {}
    for day, score, level in points:
        months[(day.year, day.month)] = (day, score, level)
    return [
        {"date": day, "score": _r(score), "level": LEVEL_LABELS[level]}
        for day, score, level in months.values()
    ]


def _at(value, left, right):
    return None if value is None else _r(scale(value, (0, 100), (left, right)))


def dimension_bars(rows, *, width=440, row_height=44):
    """Stacked horizontal bars on 0-100: client-rating part, event part, and ticks at the
    next rung's threshold and the current rung's hold line where they apply.

    ``rows`` are dicts with label, rating_part, event_part, score (None = missing),
    threshold and hold (None where the dimension gates no rung that way). The label sits
    above its bar so that the chart stays legible at 360 px.
    """
    left, right = 4, width - 44
    bars = []
    for n, row in enumerate(rows):
        y = n * row_height + 18
        rating_w = scale(row["rating_part"], (0, 100), (0, right - left))
        event_w = scale(row["event_part"], (0, 100), (0, right - left))
        bars.append(
            {
                **row,
                "label_y": y - 5,
                "y": y,
                "bar_height": 16,
                "track_width": right - left,
                "rating_x": left,
                "rating_width": _r(rating_w),
                "event_x": _r(left + rating_w),
                "event_width": _r(event_w),
                "threshold_x": _at(row["threshold"], left, right),
                "hold_x": _at(row.get("hold"), left, right),
                "value_x": right + 6,
                "met": (
                    row["threshold"] is not None
                    and row["score"] is not None
                    and row["score"] >= row["threshold"]
                ),
            }
        )
    return {
        "width": width,
        "height": len(rows) * row_height + 6,
        "left": left,
        "bars": bars,
    }


def rung_bars(counts, *, width=440, row_height=34):
    """Horizontal bars of engagements per rung; ``counts`` are (level, count), lowest first."""
    label_width, right = 150, width - 48
    peak = max([count for _, count in counts] + [1])
    return {
        "width": width,
        "height": len(counts) * row_height + 4,
        "bars": [
            {
                "level": level,
                "label": LEVEL_LABELS[level],
                "count": count,
                "y": n * row_height + 4,
                "text_y": n * row_height + 22,
                "x": label_width,
                "bar_width": _r(scale(count, (0, peak), (0, right - label_width))),
                "value_x": _r(label_width + scale(count, (0, peak), (0, right - label_width)) + 6),
            }
            for n, (level, count) in enumerate(reversed(counts))
        ],
    }


def nice_ticks(peak, most=5):
    """Round tick values from 0 to at least ``peak``: steps of 1, 2 or 5 times a power of
    ten, at most ``most`` steps."""
    peak = max(peak, 1)
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if math.ceil(peak / step) <= most:
                top = math.ceil(peak / step) * step
                return list(range(0, top + 1, step))
        magnitude *= 10


def rung_history(columns, *, width=460, height=214):
    """Stacked columns of engagements per rung at each date; ``columns`` are
    (date, {level: count}) oldest first. Returns None without columns."""
    if not columns:
        return None
    left, right, top, bottom = 34, width - 8, 8, height - 36
    ticks = nice_ticks(max(sum(counts.values()) for _, counts in columns))
    peak = ticks[-1]
    slot = (right - left) / len(columns)
    drawn = []
    for n, (day, counts) in enumerate(columns):
        x = left + n * slot + slot * 0.15
        base = bottom
        segments = []
        for level in Level:
            count = counts.get(level.value, 0)
            h = scale(count, (0, peak), (0, bottom - top))
            if count:
                segments.append({"level": level.value, "y": _r(base - h), "height": _r(h)})
            base -= h
        drawn.append(
            {
                "x": _r(x),
                "width": _r(slot * 0.7),
                "segments": segments,
                "label": f"{day:%b}",
                # Thirteen month ends: both ends are the same month, a year apart.
                "year": str(day.year) if n in (0, len(columns) - 1) or day.month == 1 else "",
                "label_x": _r(x + slot * 0.35),
                "date": day,
                "counts": [counts.get(level.value, 0) for level in Level],
                "total": sum(counts.values()),
            }
        )
    return {
        "width": width,
        "height": height,
        "baseline": bottom,
        "left": left,
        "right": right,
        "label_y": height - 22,
        "peak": peak,
        "y_ticks": [
            {"y": _r(scale(value, (0, peak), (bottom, top))), "label": value} for value in ticks
        ],
        "columns": drawn,
        "levels": [level.label for level in Level],
        "net": _net_changes(columns),
    }


def _net_changes(columns):
    """Per rung, the count at the last column minus the count at the first."""
    (first_day, first), (_, last) = columns[0], columns[-1]
    return {
        "since": first_day,
        "rungs": [
            {
                "level": level.value,
                "label": level.label,
                "change": last.get(level.value, 0) - first.get(level.value, 0),
            }
            for level in reversed(Level)
        ],
    }


def gap_chart(rows, *, width=440, row_height=36):
    """Dumbbells on 0-100: the provider's and the client's view of each dimension.

    ``rows`` are dicts with label, provider, client (None when one side has no answers).
    """
    left, right = 4, width - 8
    drawn = []
    for n, row in enumerate(rows):
        y = n * row_height + 26
        provider = row["provider"]
        client = row["client"]
        px = None if provider is None else _r(scale(provider, (0, 100), (left, right)))
        cx = None if client is None else _r(scale(client, (0, 100), (left, right)))
        drawn.append({**row, "y": y, "label_y": y - 9, "provider_x": px, "client_x": cx})
    return {
        "width": width,
        "height": len(rows) * row_height + 8,
        "left": left,
        "right": right,
        "rows": drawn,
    }
