"""What the progress page shows, assembled from an engagement's latest snapshot."""

from django.core.paginator import Paginator

from partners import access
from partners import selectors as partner_selectors
from partners.choices import Dimension, Level

from .models import MaturitySnapshot

# Plain-words advice for each unmet condition of the next rung.
ADVICE = {
    "delivery": (
        "deliver milestones as committed and handle incidents well",
        "reliability",
        "does what they say, when they say",
    ),
    "technical": (
        "get technical recommendations adopted or take ownership of architecture",
        "technical",
        "has the skills to take full care of the product",
    ),
    "domain": (
        "share business insights or competitor analyses",
        "domain",
        "understands our business",
    ),
    "partnership": (
        "get invited to strategy meetings and have your proposals adopted",
        "advice",
        "asks us for advice",
    ),
}


def condition_sentence(condition, components):
    """One unmet condition as a sentence an account manager can act on."""
    name, current, required = condition["condition"], condition["current"], condition["required"]
    if name == "raters":
        return (
            f"Client raters {current} of {required}: ask more of the client's product owners "
            "for a rating."
        )
    if name == "trust":
        shown = "no rating yet" if current is None else f"{current:.0f} of {required:g}"
        return (
            f"Trust {shown}: be credible, reliable and open, and put the client's interests "
            "first; ask the client to rate the relationship."
        )
    label = Dimension(name).label
    what, item, statement = ADVICE[name]
    sentence = f"{label} {current:.0f} of {required:g}: {what}"
    mean = (components or {}).get(item)
    if mean is not None:
        sentence += f"; client rates '{statement}' {mean:.1f} of 5"
    return sentence + "."


def latest_snapshot(engagement):
    return MaturitySnapshot.objects.filter(engagement=engagement).order_by("-as_of").first()


def ladder(level, reached_on=None):
    return [
        {
            "value": rung.value,
            "label": rung.label,
            "reached": rung.value <= level,
            "current": rung.value == level,
        }
        for rung in Level
    ]


def progress_context(request, engagement):
    snapshot = latest_snapshot(engagement)
    explanation = snapshot.explanation if snapshot else {}
    events = partner_selectors.engagement_events(engagement=engagement)
    return {
        "engagement": engagement,
        "snapshot": snapshot,
        "explanation": explanation,
        "ladder": ladder(engagement.level),
        "next_steps": [
            condition_sentence(c, explanation.get("answer_means"))
            for c in explanation.get("unmet", ())
        ],
        "page": Paginator(events, 25).get_page(request.GET.get("page")),
        "can_change": access.can_change_engagement(request.user, engagement),
    }
