"""What the next rung takes: every unmet condition, largest gap first, with the events and
ratings that moved it most; and, for a rung held inside the band, what keeps it."""

from django.utils import timezone

from partners.choices import Dimension

from ..engine.scoring import RATERS, TRUST, TRUST_ITEMS, decay, in_window
from ..models import TrustAssessment

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


# The answers behind each dimension's client rating (DESIGN.md, scoring rule step 4).
RATING_ITEMS = {
    "delivery": ("reliability",),
    "technical": ("technical", "credibility"),
    "domain": ("domain",),
    "partnership": ("advice",),
    TRUST: TRUST_ITEMS,
}


def relative_gap(condition):
    """How far from its requirement, as a share of it, so raters and points compare."""
    current, required = condition["current"], condition["required"]
    if not required:
        return 0.0
    return (required - (current or 0)) / required


def moving_ratings(assessments, name, policy, as_of, limit=2):
    """The client ratings in the window that moved a dimension most: decayed weight times the
    answers' distance from neutral (3), largest first."""
    items = RATING_ITEMS.get(name, ())
    ranked = []
    for rating in assessments:
        day = timezone.localtime(rating.submitted_at).date()
        if rating.side != TrustAssessment.Side.CLIENT or not in_window(
            day, as_of, policy.window_days
        ):
            continue
        weight = decay(day, as_of, policy.rating_half_life_days)
        pull = weight * sum(abs(getattr(rating, item) - 3) for item in items)
        ranked.append((pull, day, rating))
    ranked.sort(key=lambda row: (-row[0], -row[1].toordinal()))
    return [rating for pull, _, rating in ranked[:limit] if pull > 0]


def _rating_row(rating, items):
    answers = ", ".join(f"{item.replace('_', '-')} {getattr(rating, item)}" for item in items)
    rater = rating.rater_contact.name if rating.rater_contact else "A client"
    return {"rater": rater, "submitted_at": rating.submitted_at, "answers": answers}


def next_steps(*, explanation, assessments, policy, as_of):
    """The unmet conditions of the next rung, largest gap first, each with its sentence, the
    events that weighed most on it and the ratings that moved it most."""
    dimensions = explanation.get("dimensions") or {}
    steps = []
    for condition in sorted(explanation.get("unmet", ()), key=relative_gap, reverse=True):
        name = condition["condition"]
        events = (dimensions.get(name) or {}).get("top_events", []) if name != RATERS else []
        steps.append(
            {
                "condition": name,
                "sentence": condition_sentence(condition, explanation.get("answer_means")),
                "events": events,
                "ratings": [
                    _rating_row(rating, RATING_ITEMS[name])
                    for rating in moving_ratings(assessments, name, policy, as_of)
                ]
                if name != RATERS
                else [],
            }
        )
    return steps


def hold_steps(rows):
    """What keeps a rung held inside the band, one sentence per gate below its threshold:
    "Keep partnership above 50 (now 53)."."""
    return [
        f"Keep {row['label'].lower()} above {row['hold']:g} (now {row['score']:.0f})."
        for row in rows
        if row["hold"] is not None
    ]
