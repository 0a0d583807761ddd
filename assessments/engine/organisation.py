"""The organisation level of DESIGN.md ("From individuals to the organisation"), as pure Python.

Trust starts between individuals and then expands to the organisation. The selectors load
the numbers (engagement rungs, each client contact's latest rating, who rated what); the
rules that turn them into a person's trust, a stage and an organisation rung live here.
"""

from dataclasses import dataclass

from django.db import models

from .scoring import trust_quotient, trust_score


class Stage(models.TextChoices):
    NONE = "none", "No trusted person"
    INDIVIDUAL = "individual", "Individual"
    TEAM = "team", "Team"
    ORGANISATION = "organisation", "Organisation"


# The order in which stages grow, for sorting (organisation first when descending).
STAGE_ORDER = {stage.value: n for n, stage in enumerate(Stage)}


@dataclass(frozen=True)
class PartnerMaturity:
    """A partner's organisation rung and score (None without an active scored engagement),
    its stage, and the counts the stage rests on."""

    level: int | None
    score: float | None
    stage: str
    trusted_people: int
    product_owners: int
    engagements: int


def person_trust(answers):
    """A client contact's trust: step 5 of the scoring rule on one rating's raw answers."""
    return trust_score(trust_quotient(answers))


def lower_median(levels):
    """The highest rung that more than half of ``levels`` hold; None for no levels.

    (4, 1) → 1 and (4, 3, 2, 1) → 2: with an even count the lower of the two middle rungs.
    """
    ordered = sorted(levels)
    return ordered[(len(ordered) - 1) // 2] if ordered else None


def lower_median_of_counts(counts):
    """`lower_median` of levels given as {level: how many hold it}: ``{4: 1, 1: 1}`` → 1."""
    position = (sum(counts.values()) - 1) // 2
    for level in sorted(counts):
        position -= counts[level]
        if position < 0:
            return level
    return None


def stage_of(*, trusted, product_owners, active_raters):
    """The stage from the trusted contacts (a set of ids), the number of product owners and
    {active engagement: set of contacts who rated it in the window}."""
    if not trusted:
        return Stage.NONE.value
    if len(trusted) == 1:
        return Stage.INDIVIDUAL.value
    broad = len(trusted) >= product_owners / 2
    every_engagement = all(raters & trusted for raters in active_raters.values())
    return Stage.ORGANISATION.value if broad and every_engagement else Stage.TEAM.value


def partner_maturity(*, scored, people, product_owners, active_raters, trust_threshold):
    """PartnerMaturity from plain facts.

    ``scored``: (level, score) of the partner's active, scored engagements; ``people``:
    {contact: person trust}; ``active_raters``: {active engagement: set of contacts who rated
    it in the window}.
    """
    trusted = {contact for contact, trust in people.items() if trust >= trust_threshold}
    return PartnerMaturity(
        level=lower_median([level for level, _ in scored]),
        score=sum(score for _, score in scored) / len(scored) if scored else None,
        stage=stage_of(trusted=trusted, product_owners=product_owners, active_raters=active_raters),
        trusted_people=len(trusted),
        product_owners=product_owners,
        engagements=len(scored),
    )
