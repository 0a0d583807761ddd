"""Every assessments endpoint × every persona: the status each one gets.

A client product owner reads only their own partner's engagements (404 for the other one)
and their own ratings, and may write nothing but a rating of their own partner's engagement.
"""

import pytest

from assessments.models import AssessmentInvitation, PlanItem, TrustAssessment
from assessments.tests.factories import LIKERT_ANSWERS
from partners.models import Engagement
from partners.tests.factories import PERSONAS

pytestmark = pytest.mark.django_db

EVERYONE_SIGNED_IN = dict.fromkeys(PERSONAS[1:], 200)
ENGAGEMENT_A_READERS = {**EVERYONE_SIGNED_IN, "client_b": 404}
PROVIDERS_ONLY = {**EVERYONE_SIGNED_IN, "client_a": 403, "client_b": 403}
MANAGERS_OF_A = {"am": 201, "other_am": 403, "leader": 201, "staff": 201}
MANAGERS_OF_A_ONLY = {**MANAGERS_OF_A, "client_a": 403, "client_b": 403}
UPDATERS_OF_A = {**PROVIDERS_ONLY, "other_am": 403}
LEADERSHIP_ONLY = {**dict.fromkeys(EVERYONE_SIGNED_IN, 403), "leader": 200}
# client_b cannot name engagement A at all: it does not exist for them. client_a rated A today
# in this world: a second rating within 30 days is refused.
RATERS_OF_A = {**MANAGERS_OF_A, "client_a": 400, "client_b": 400}

# case: ("method path", below /api/v1/, and the statuses of the signed-in personas)
CASES = {
    "engagements list": ("get engagements/", EVERYONE_SIGNED_IN),
    "engagement detail": ("get engagements/{w.engagement_a.pk}/", ENGAGEMENT_A_READERS),
    "engagement create": ("post engagements/", {**MANAGERS_OF_A_ONLY, "other_am": 201}),
    "engagement update": ("patch engagements/{w.engagement_a.pk}/", UPDATERS_OF_A),
    "snapshots": ("get engagements/{w.engagement_a.pk}/snapshots/", ENGAGEMENT_A_READERS),
    "explanation": ("get engagements/{w.engagement_a.pk}/explanation/", ENGAGEMENT_A_READERS),
    "assessments list": ("get assessments/", EVERYONE_SIGNED_IN),
    "assessment detail": ("get assessments/{w.assessment_a.pk}/", ENGAGEMENT_A_READERS),
    "assessment create": ("post assessments/", RATERS_OF_A),
    "invitations list": ("get invitations/", PROVIDERS_ONLY),
    "invitation detail": ("get invitations/{w.invitation_b.pk}/", PROVIDERS_ONLY),
    "invitation create": ("post invitations/", MANAGERS_OF_A_ONLY),
    "plan items list": ("get plan-items/", EVERYONE_SIGNED_IN),
    "plan item detail": ("get plan-items/{w.plan_item_a.pk}/", ENGAGEMENT_A_READERS),
    "plan item create": ("post plan-items/", MANAGERS_OF_A_ONLY),
    "plan item update": ("patch plan-items/{w.plan_item_a.pk}/", UPDATERS_OF_A),
    "level changes list": ("get level-changes/", LEADERSHIP_ONLY),
    "level change detail": ("get level-changes/{w.level_change_a.pk}/", LEADERSHIP_ONLY),
}
# What the writes send: a body, or body(world).
BODIES = {
    "engagement create": lambda w: {
        "partner": w.partner_a.pk,
        "name": "Warehouse app",
        "started_on": "2026-01-05",
    },
    "engagement update": {"description": "Now with a mobile app"},
    "assessment create": lambda w: {"engagement": w.engagement_a.pk, **LIKERT_ANSWERS},
    "invitation create": lambda w: {
        "engagement": w.engagement_a.pk,
        "contact": w.other_contact_a.pk,
    },
    "plan item create": lambda w: {"engagement": w.engagement_a.pk, "title": "Domain workshop"},
    "plan item update": {"status": "done"},
}


def engine_state():
    return (
        sorted(Engagement.objects.values_list("pk", "name", "description")),
        TrustAssessment.objects.count(),
        AssessmentInvitation.objects.count(),
        sorted(PlanItem.objects.values_list("pk", "title", "status")),
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", CASES)
def test_status(case, persona, check_case):
    request, expected = CASES[case]
    check_case(request, BODIES.get(case), {"anonymous": 401, **expected}, persona, engine_state)
