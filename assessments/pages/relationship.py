"""Person-to-person trust and the perception gap, from loaded ratings (DESIGN "Relationship
insights beyond the score").

The numbers come from ``scoring``'s own functions (answer means, v(x), the trust equation),
so the progress page can never disagree with the score it explains.
"""

from django.utils import timezone

from partners.choices import Dimension, Level

from ..engine import scoring
from ..models import TrustAssessment

GAP_DIMENSIONS = (*scoring.EVIDENCE_DIMENSIONS, scoring.TRUST)


def as_input(assessment):
    """A TrustAssessment as the scoring engine's AssessmentInput (rater = the contact)."""
    return scoring.AssessmentInput(
        assessment.rater_contact_id,
        timezone.localtime(assessment.submitted_at).date(),
        *(getattr(assessment, item) for item in scoring.ANSWER_ITEMS),
        id=assessment.pk,
    )


def _in_window(assessments, side, policy, as_of):
    return [
        as_input(a)
        for a in assessments
        if a.side == side
        and scoring.in_window(timezone.localtime(a.submitted_at).date(), as_of, policy.window_days)
    ]


def rater_trust(*, assessments, policy, as_of):
    """Trust per client rater from each rater's latest assessment in the window, highest first."""
    latest = {}
    for assessment in assessments:
        if assessment.rater is None:
            continue
        if not scoring.in_window(assessment.submitted_on, as_of, policy.window_days):
            continue
        current = latest.get(assessment.rater)
        if current is None or _submission_order(assessment) > _submission_order(current):
            latest[assessment.rater] = assessment
    rows = [_rater_row(assessment) for assessment in latest.values()]
    return sorted(rows, key=lambda row: (-row["trust"], row["rater"]))


def _submission_order(assessment):
    # Two ratings on the same day: the one saved later (higher id) is the latest.
    return (assessment.submitted_on, assessment.id if assessment.id is not None else -1)


def _rater_row(assessment):
    quotient = scoring.trust_quotient(assessment._asdict())
    return {
        "rater": assessment.rater,
        "submitted_on": assessment.submitted_on,
        "trust_quotient": quotient,
        "trust": scoring.trust_score(quotient),
        "answers": {item: getattr(assessment, item) for item in scoring.ANSWER_ITEMS},
    }


def trust_rests_on_one_person(*, per_rater, level, policy):
    """Flag of DESIGN "Person-to-person trust" from the rows of ``rater_trust``.

    True with a single rater, or at domain expert and above when at most one rater's trust
    reaches the trust threshold; False when nobody has rated.
    """
    if not per_rater:
        return False
    if len(per_rater) == 1:
        return True
    trusting = [row for row in per_rater if row["trust"] >= policy.trust_threshold]
    return level >= Level.DOMAIN_EXPERT and len(trusting) <= 1


def people_trust(*, assessments, level, policy, as_of):
    """Trust per client rater (their latest rating in the window) and the one-person flag."""
    client = _in_window(assessments, TrustAssessment.Side.CLIENT, policy, as_of)
    per_rater = rater_trust(assessments=client, policy=policy, as_of=as_of)
    names = {a.rater_contact_id: a.rater_contact for a in assessments if a.rater_contact_id}
    rows = [
        {
            **row,
            "contact": names.get(row["rater"]),
            "trusting": row["trust"] >= policy.trust_threshold,
        }
        for row in per_rater
    ]
    return {
        "rows": rows,
        "trusting": sum(row["trusting"] for row in rows),
        "rests_on_one_person": trust_rests_on_one_person(
            per_rater=per_rater, level=level, policy=policy
        ),
    }


def _view(means):
    """Each dimension on 0-100 as one side's answers put it, and that side's TQ."""
    if means is None:
        return None, None
    quotient = scoring.trust_quotient(means)
    return {**scoring.client_ratings(means), scoring.TRUST: scoring.trust_score(quotient)}, quotient


def perception_gap(*, assessments, policy, as_of):
    """Provider self-assessment against the client's view, per dimension and for TQ.

    Both sides are weighted like the score (decay over the same window). The gap is
    provider − client: positive where the provider thinks better of itself.
    """
    sides = {}
    for side in TrustAssessment.Side:
        inputs = _in_window(assessments, side, policy, as_of)
        sides[side] = (_view(scoring.answer_means(inputs, as_of, policy)), len(inputs))
    ((provider, provider_tq), provider_count) = sides[TrustAssessment.Side.PROVIDER]
    ((client, client_tq), client_count) = sides[TrustAssessment.Side.CLIENT]
    rows = [
        {
            "dimension": name,
            "label": Dimension(name).label,
            "provider": provider[name] if provider else None,
            "client": client[name] if client else None,
        }
        for name in GAP_DIMENSIONS
    ]
    for row in rows:
        both = row["provider"] is not None and row["client"] is not None
        row["gap"] = row["provider"] - row["client"] if both else None
        row["size"] = abs(row["gap"]) if both else None
    compared = [row for row in rows if row["gap"] is not None]
    return {
        "rows": rows,
        "provider_count": provider_count,
        "client_count": client_count,
        "largest": max(compared, key=lambda row: row["size"]) if compared else None,
        "provider_tq": provider_tq,
        "client_tq": client_tq,
        "tq_gap": provider_tq - client_tq if provider_tq and client_tq else None,
    }
