"""The small pieces that tables repeat in every row: a rung badge, a score change, attention
flags and a sparkline. Tags, not `{% include %}`s: a dashboard page repeats them 200 times,
and an include costs more than its markup."""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from partners.choices import Level

register = template.Library()
CHANGE_SHOWN = 0.05  # smaller changes show as ±0
FLAGS = (
    ("is_at_risk", "flag-risk", "At risk"),
    ("is_stale", "flag-stale", "Stale"),
    ("is_overdue", "flag-stale", "Plan overdue"),
)


@register.simple_tag
def level_badge(level):
    """The rung's name on its colour."""
    name = Level(level).label if level in Level.values else ""
    return format_html('<span class="badge level-{}">{}</span>', localize(level), name)


@register.simple_tag
def change_badge(change):
    """A score change with its direction in words and arrows, never colour alone."""
    if change is None:
        return mark_safe('<span class="muted" title="Not enough history">—</span>')
    if change >= CHANGE_SHOWN:
        return format_html(
            '<span class="delta-up"><span aria-hidden="true">▲</span> +{}</span>',
            floatformat(change, 1),
        )
    if change <= -CHANGE_SHOWN:
        return format_html(
            '<span class="delta-down"><span aria-hidden="true">▼</span> {}</span>',
            floatformat(change, 1),
        )
    return mark_safe('<span class="muted">±0</span>')


@register.simple_tag
def attention_flags(engagement):
    """At risk, stale and plan overdue, as annotated by `pages.attention.with_flags`."""
    return format_html_join(
        " ",
        '<span class="flag {}">{}</span>',
        ((css, label) for name, css, label in FLAGS if getattr(engagement, name, False)),
    )


@register.simple_tag
def sparkline_svg(spark, period="90 days"):
    """A `pages.charts.sparkline` as an SVG, or "No trend yet"."""
    if not spark:
        return mark_safe('<span class="muted small">No trend yet</span>')
    width, height = localize(spark["width"]), localize(spark["height"])
    return format_html(
        '<svg class="sparkline spark-{}" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
        'aria-label="{} over {}" focusable="false"><polyline points="{}"/>'
        '<circle cx="{}" cy="{}" r="2.5"/></svg>',
        spark["direction"],
        width,
        height,
        width,
        height,
        spark["desc"],
        period,
        spark["points"],
        localize(spark["last_x"]),
        localize(spark["last_y"]),
    )
