"""The row pieces of the tables, as tags: the same markup the partials had."""

from types import SimpleNamespace

import pytest

from partners.templatetags.badges import attention_flags, change_badge, level_badge, sparkline_svg


@pytest.mark.parametrize(
    ("level", "html"),
    [
        (1, '<span class="badge level-1">Executor</span>'),
        (4, '<span class="badge level-4">Trusted advisor</span>'),
        (None, '<span class="badge level-None"></span>'),
    ],
)
def test_level_badge(level, html):
    assert level_badge(level) == html


@pytest.mark.parametrize(
    ("change", "html"),
    [
        (None, '<span class="muted" title="Not enough history">—</span>'),
        (3.25, '<span class="delta-up"><span aria-hidden="true">▲</span> +3.3</span>'),
        (0.05, '<span class="delta-up"><span aria-hidden="true">▲</span> +0.1</span>'),
        (0.049, '<span class="muted">±0</span>'),
        (-0.049, '<span class="muted">±0</span>'),
        (-12.0, '<span class="delta-down"><span aria-hidden="true">▼</span> -12.0</span>'),
    ],
)
def test_change_badge_says_the_direction_in_arrows_and_words(change, html):
    assert change_badge(change) == html


def test_attention_flags_show_only_the_raised_ones():
    engagement = SimpleNamespace(is_at_risk=True, is_stale=False, is_overdue=True)

    assert attention_flags(engagement) == (
        '<span class="flag flag-risk">At risk</span> '
        '<span class="flag flag-stale">Plan overdue</span>'
    )
    assert attention_flags(SimpleNamespace()) == ""


def test_sparkline_escapes_its_text_and_says_when_there_is_no_trend():
    spark = {
        "width": 120,
        "height": 28,
        "points": "2,26 118,2",
        "last_x": 118,
        "last_y": 2.5,
        "direction": "up",
        "desc": 'Score from 1 to 9 <"x">',
    }

    svg = sparkline_svg(spark, "12 months")

    assert svg.startswith('<svg class="sparkline spark-up" viewBox="0 0 120 28" width="120"')
    assert 'aria-label="Score from 1 to 9 &lt;&quot;x&quot;&gt; over 12 months"' in svg
    assert '<polyline points="2,26 118,2"/><circle cx="118" cy="2.5" r="2.5"/></svg>' in svg
    assert sparkline_svg(None) == '<span class="muted small">No trend yet</span>'
