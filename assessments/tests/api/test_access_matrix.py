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

EVERYONE_SIGNED_IN = {
    "am": 200,
    "other_am": 200,
    "leader": 200,
    "staff": 200,
    "client_a": 200,
    "client_b": 200,
}
ENGAGEMENT_A_READERS = {**EVERYONE_SIGNED_IN, "client_b": 404}
PROVIDERS_ONLY = {**EVERYONE_SIGNED_IN, "client_a": 403, "client_b": 403}
MANAGERS_OF_A = {"am": 201, "other_am": 403, "leader": 201, "staff": 201}
LEADERSHIP_ONLY = {**dict.fromkeys(EVERYONE_SIGNED_IN, 403), "leader": 200}

CASES = {
    "engagements list": ("get", "/api/v1/engagements/", None, EVERYONE_SIGNED_IN),
    "engagement detail": (
        "get",
        "/api/v1/engagements/{w.engagement_a.pk}/",
        None,
        ENGAGEMENT_A_READERS,
    ),
    "engagement create": (
        "post",
        "/api/v1/engagements/",
        lambda w: {"partner": w.partner_a.pk, "name": "Warehouse app", "started_on": "2026-01-05"},
        {**MANAGERS_OF_A, "other_am": 201, "client_a": 403, "client_b": 403},
    ),
    "engagement update": (
        "patch",
        "/api/v1/engagements/{w.engagement_a.pk}/",
        lambda w: {"description": "Now with a mobile app"},
        {"am": 200, "other_am": 403, "leader": 200, "staff": 200, "client_a": 403, "client_b": 403},
    ),
    "snapshots": (
        "get",
        "/api/v1/engagements/{w.engagement_a.pk}/snapshots/",
        None,
        ENGAGEMENT_A_READERS,
    ),
    "explanation": (
        "get",
        "/api/v1/engagements/{w.engagement_a.pk}/explanation/",
        None,
        ENGAGEMENT_A_READERS,
    ),
    "assessments list": ("get", "/api/v1/assessments/", None, EVERYONE_SIGNED_IN),
    "assessment detail": (
        "get",
        "/api/v1/assessments/{w.assessment_a.pk}/",
        None,
        ENGAGEMENT_A_READERS,
    ),
    "assessment create": (
        "post",
        "/api/v1/assessments/",
        lambda w: {"engagement": w.engagement_a.pk, **LIKERT_ANSWERS},
        # client_b cannot name engagement A at all: it does not exist for them. client_a rated
        # A today in this world: a second rating within 30 days is refused.
        {**MANAGERS_OF_A, "client_a": 400, "client_b": 400},
    ),
    "invitations list": ("get", "/api/v1/invitations/", None, PROVIDERS_ONLY),
    "invitation detail": (
        "get",
        "/api/v1/invitations/{w.invitation_b.pk}/",
        None,
        PROVIDERS_ONLY,
    ),
    "invitation create": (
        "post",
        "/api/v1/invitations/",
        lambda w: {"engagement": w.engagement_a.pk, "contact": w.other_contact_a.pk},
        {**MANAGERS_OF_A, "client_a": 403, "client_b": 403},
    ),
    "plan items list": ("get", "/api/v1/plan-items/", None, EVERYONE_SIGNED_IN),
    "plan item detail": (
        "get",
        "/api/v1/plan-items/{w.plan_item_a.pk}/",
        None,
        ENGAGEMENT_A_READERS,
    ),
    "plan item create": (
        "post",
        "/api/v1/plan-items/",
        lambda w: {"engagement": w.engagement_a.pk, "title": "Domain workshop"},
        {**MANAGERS_OF_A, "client_a": 403, "client_b": 403},
    ),
    "plan item update": (
        "patch",
        "/api/v1/plan-items/{w.plan_item_a.pk}/",
        lambda w: {"status": "done"},
        {"am": 200, "other_am": 403, "leader": 200, "staff": 200, "client_a": 403, "client_b": 403},
    ),
    "level changes list": ("get", "/api/v1/level-changes/", None, LEADERSHIP_ONLY),
    "level change detail": (
        "get",
        "/api/v1/level-changes/{w.level_change_a.pk}/",
        None,
        LEADERSHIP_ONLY,
    ),
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
    method, url, body, expected = CASES[case]
    check_case((method, url, body, {"anonymous": 401, **expected}), persona, engine_state)
