"""The chart geometry: plain numbers in, coordinates and text alternatives out."""

import datetime as dt
import random

import pytest

from assessments.pages import charts

START = dt.date(2025, 7, 1)
END = dt.date(2026, 6, 30)


def test_scale_maps_a_domain_onto_an_extent():
    assert charts.scale(25, (0, 100), (200, 0)) == 150
    assert charts.scale(5, (5, 5), (0, 10)) == 5


def test_a_sparkline_needs_two_values():
    assert charts.sparkline([]) is None
    assert charts.sparkline([40.0]) is None


def test_a_sparkline_runs_edge_to_edge_and_names_its_direction():
    spark = charts.sparkline([40.0, 45.0, 60.0], width=100, height=20, pad=2)

    points = [tuple(map(float, p.split(","))) for p in spark["points"].split()]
    assert [x for x, _ in points] == [2.0, 50.0, 98.0]
    assert points[-1][1] < points[0][1]
    assert (spark["direction"], spark["desc"]) == ("up", "Score from 40 to 60")


def test_a_sparkline_keeps_small_wobbles_flat():
    spark = charts.sparkline([50.0, 50.2, 49.9], width=100, height=22, pad=1)

    ys = [float(p.split(",")[1]) for p in spark["points"].split()]
    assert max(ys) - min(ys) < 1
    assert spark["direction"] == "flat"


def trend(points, changes=()):
    return charts.trend_chart(points=points, changes=changes, start=START, end=END)


def test_no_trend_chart_without_points():
    assert trend([]) is None


def test_the_trend_line_spans_the_year_and_runs_from_0_at_the_bottom_to_100_at_the_top():
    chart = trend([(START, 0.0, 1), (END, 100.0, 4)])

    (x0, y0), (x1, y1) = [tuple(map(float, p.split(","))) for p in chart["line"].split()]
    plot = chart["plot"]
    assert (x0, y0) == (plot["left"], plot["bottom"])
    assert (x1, y1) == (plot["right"], plot["top"])


def test_the_score_axis_has_no_threshold_and_the_rung_is_a_band_under_the_line():
    chart = trend([(START, 40.0, 1), (END, 70.0, 2)])

    assert "threshold" not in chart
    assert {band["y"] for band in chart["bands"]} == {chart["plot"]["bottom"] + 6}
    assert [band["height"] for band in chart["bands"]] == [14, 14]


def test_a_gate_chart_draws_a_dimension_against_the_rung_and_hold_lines():
    days = [START + dt.timedelta(days=n) for n in range(5)]
    chart = charts.gate_chart(
        label="Partnership",
        series=list(zip(days, [70.0, 65.0, None, 58.0, 53.0], strict=True)),
        start=START,
        end=END,
        threshold=60,
        hold=50,
        holds_rung=True,
    )

    plot = chart["plot"]
    height = plot["bottom"] - plot["top"]
    assert chart["threshold"]["y"] == pytest.approx(plot["bottom"] - 0.6 * height, abs=0.1)
    assert chart["hold"]["y"] == pytest.approx(plot["bottom"] - 0.5 * height, abs=0.1)
    assert [len(line.split()) for line in chart["lines"]] == [2, 2]
    assert (chart["latest"], chart["met"], chart["held"]) == (53.0, False, True)
    assert chart["desc"] == ("Partnership: now 53; 60 wins the rung, below 50 a held rung is lost.")


def test_consecutive_days_at_one_level_make_one_band():
    days = [START + dt.timedelta(days=n) for n in range(4)]
    chart = trend([(days[0], 10.0, 1), (days[1], 20.0, 1), (days[2], 65.0, 2), (days[3], 66.0, 2)])

    assert [(band["level"], band["label"]) for band in chart["bands"]] == [
        (1, "Executor"),
        (2, "Skilled provider"),
    ]
    first, second = chart["bands"]
    assert first["x"] + first["width"] == pytest.approx(second["x"], abs=0.2)


def test_level_changes_are_marked_and_described():
    day = dt.date(2026, 3, 2)
    chart = trend([(START, 40.0, 1), (day, 62.0, 2), (END, 55.0, 1)], [(day, 1, 2), (END, 2, 1)])

    assert [(m["up"], m["label"]) for m in chart["markers"]] == [
        (True, "Moved up to Skilled provider on 2 Mar 2026"),
        (False, "Moved down to Executor on 30 Jun 2026"),
    ]
    assert chart["desc"] == (
        "Score 40 on 1 Jul 2025, 55 on 30 Jun 2026; highest 62, lowest 40. 2 level changes."
    )


def test_the_trend_has_a_month_by_month_table_and_month_ticks():
    days = [START + dt.timedelta(days=n) for n in range(0, 365, 7)]
    chart = trend([(day, 50.0, 1) for day in days])

    assert len(chart["table"]) == 12
    labels = [t["label"] for t in chart["x_ticks"]]
    assert (labels[0], labels[-1]) == ("Jul 2025", "Jun")
    assert labels.count("Jan 2026") == 1


def test_dimension_bars_split_the_score_into_its_two_parts():
    chart = charts.dimension_bars(
        [
            {
                "label": "Domain knowledge",
                "rating_part": 30.0,
                "event_part": 18.2,
                "score": 48.2,
                "threshold": 60,
            },
        ],
        width=144,
    )

    [bar] = chart["bars"]
    assert bar["track_width"] == 96
    assert (bar["rating_width"], bar["event_width"]) == (28.8, pytest.approx(17.5, abs=0.1))
    assert bar["event_x"] == bar["rating_x"] + bar["rating_width"]
    assert (bar["threshold_x"], bar["met"]) == (pytest.approx(61.6), False)
    assert bar["hold_x"] is None


def test_dimension_bars_tick_only_where_a_rung_is_gated_or_held():
    rows = [
        {"label": "Delivery", "rating_part": 30.0, "event_part": 25.0, "score": 55.0,
         "threshold": None, "hold": 50},
        {"label": "Partnership", "rating_part": 30.0, "event_part": 10.0, "score": 40.0,
         "threshold": None, "hold": None},
    ]  # fmt: skip

    held, free = charts.dimension_bars(rows, width=144)["bars"]

    assert (held["threshold_x"], held["hold_x"], held["met"]) == (None, 52.0, False)
    assert (free["threshold_x"], free["hold_x"]) == (None, None)


def test_rung_bars_list_the_highest_rung_first_scaled_to_the_largest_count():
    chart = charts.rung_bars([(1, 10), (2, 5), (3, 0), (4, 1)], width=230)

    assert [(b["label"], b["count"]) for b in chart["bars"]] == [
        ("Trusted advisor", 1),
        ("Domain expert", 0),
        ("Skilled provider", 5),
        ("Executor", 10),
    ]
    assert [b["bar_width"] for b in chart["bars"]] == [3.2, 0, 16.0, 32.0]


def test_rung_history_stacks_rungs_and_sums_the_net_change():
    chart = charts.rung_history(
        [(dt.date(2025, 6, 30), {1: 3, 2: 1}), (dt.date(2026, 6, 30), {1: 1, 2: 2, 4: 1})]
    )

    first, last = chart["columns"]
    assert [s["level"] for s in last["segments"]] == [1, 2, 4]
    assert last["segments"][0]["y"] > last["segments"][1]["y"]
    assert (first["counts"], last["total"]) == ([3, 1, 0, 0], 4)
    assert [(r["label"], r["change"]) for r in chart["net"]["rungs"]] == [
        ("Trusted advisor", 1),
        ("Domain expert", 0),
        ("Skilled provider", 1),
        ("Executor", -2),
    ]


def test_the_gap_chart_leaves_out_a_side_without_answers():
    chart = charts.gap_chart(
        [
            {"label": "Trust", "provider": 100.0, "client": 0.0},
            {"label": "Domain knowledge", "provider": None, "client": 50.0},
        ],
        width=112,
    )

    trust, domain = chart["rows"]
    assert (trust["provider_x"], trust["client_x"]) == (104.0, 4.0)
    assert (domain["provider_x"], domain["client_x"]) == (None, 54.0)


@pytest.mark.parametrize(
    "peak, ticks",
    [
        (0, [0, 1]),
        (3, [0, 1, 2, 3]),
        (7, [0, 2, 4, 6, 8]),
        (23, [0, 5, 10, 15, 20, 25]),
        (137, [0, 50, 100, 150]),
        (10_000, [0, 2000, 4000, 6000, 8000, 10000]),
    ],
)
def test_nice_ticks_are_round_and_reach_the_peak(peak, ticks):
    assert charts.nice_ticks(peak) == ticks


def test_rung_history_has_round_y_ticks_and_years_on_its_month_labels():
    columns = [(dt.date(2025, 11, 30), {1: 3, 2: 4}), (dt.date(2026, 1, 31), {1: 2, 2: 5})]
    columns.append((dt.date(2026, 11, 29), {1: 1, 2: 6}))

    chart = charts.rung_history(columns)

    assert [tick["label"] for tick in chart["y_ticks"]] == [0, 2, 4, 6, 8]
    assert chart["y_ticks"][0]["y"] == chart["baseline"]
    labels = [(column["label"], column["year"]) for column in chart["columns"]]
    assert labels == [("Nov", "2025"), ("Jan", "2026"), ("Nov", "2026")]


def test_a_gate_only_of_the_next_rung_is_never_held_in_the_band():
    chart = charts.gate_chart(
        label="Partnership",
        series=[(START, 53.0), (END, 53.0)],
        start=START,
        end=END,
        threshold=60,
        hold=50,
    )

    assert (chart["met"], chart["held"]) == (False, False)


def test_points_are_placed_and_rounded_as_the_axes_place_them():
    rng = random.Random(5)
    box = (28, 234, 8, 130)
    x_of, y_of = charts._time_axes(START, END, *box)
    days = [START + dt.timedelta(days=rng.randrange((END - START).days + 1)) for _ in range(3000)]
    # Scores to two places, and values whose position lands on a half of the last digit.
    values = [round(rng.uniform(0, 100), 2) for _ in range(2900)] + [n / 8 for n in range(100)]
    pairs = list(zip(days, values, strict=True))

    assert charts._points(pairs, START, END, *box) == [
        f"{charts._r(x_of(day))},{charts._r(y_of(value))}" for day, value in pairs
    ]


@pytest.mark.parametrize("count", [2, 3, 53, 91])
def test_sparkline_points_are_placed_and_rounded_as_scale_and_r_place_them(count):
    rng = random.Random(count)
    for _ in range(200):
        base = rng.uniform(0, 100)
        values = [round(base + rng.uniform(-30, 30), 2) for _ in range(count)]
        middle = (max(values) + min(values)) / 2
        half = max(max(values) - min(values), charts.SPARK_MIN_SPAN) / 2
        expected = [
            f"{charts._r(charts.scale(n, (0, count - 1), (2, 118)))},"
            f"{charts._r(charts.scale(v, (middle - half, middle + half), (26, 2)))}"
            for n, v in enumerate(values)
        ]

        assert charts.sparkline(values)["points"] == " ".join(expected)
