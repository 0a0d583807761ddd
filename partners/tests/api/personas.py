"""Fixtures for the API tests of both apps: token clients and a small two-partner world.

Imported by each API test package's conftest.py (pytest finds fixtures there).
"""

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.api_tokens import api_token_create
from assessments import services as assessment_services
from assessments.models import LevelChange
from assessments.tests.factories import AssessmentFactory, local_noon
from partners.tests.factories import ContactFactory, EventFactory

TODAY = dt.date(2026, 6, 30)
PERSONAS = ("anonymous", "am", "other_am", "leader", "staff", "client_a", "client_b")
LIKERT_ANSWERS = {
    "credibility": 4,
    "reliability": 4,
    "intimacy": 3,
    "self_orientation": 2,
    "technical": 4,
    "domain": 3,
    "advice": 3,
}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Each persona's factory password would otherwise cost a full PBKDF2 run (~1 s)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 6, 30, 12, 0), tick=True):
        yield


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    """Throttles count requests in the cache; each test starts with none counted."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    """api(user) -> an APIClient that sends the user's token (anonymous for None)."""

    def client_for(user):
        client = APIClient()
        if user is not None:
            _, key = api_token_create(user=user, name="tests")
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return client_for


@pytest.fixture
def as_persona(request, api):
    """as_persona("client_a") -> (user or None, client with that user's token)."""

    def client_for(name):
        user = None if name == "anonymous" else request.getfixturevalue(name)
        return user, api(user)

    return client_for


@pytest.fixture
def world(am, other_am, leader, staff, client_a, client_b, engagement_a, engagement_b):
    """Partner A (managed by `am`) and B (by `other_am`), each with an event, a client
    rating, a score, an open invitation and a level change."""
    contact_a, contact_b = client_a.contact, client_b.contact
    objects = SimpleNamespace(
        engagement_a=engagement_a,
        engagement_b=engagement_b,
        partner_a=engagement_a.partner,
        partner_b=engagement_b.partner,
        contact_a=contact_a,
        contact_b=contact_b,
        other_contact_a=ContactFactory(partner=engagement_a.partner, name="Ann Other"),
    )
    for side, engagement, contact, user in (
        ("a", engagement_a, contact_a, client_a),
        ("b", engagement_b, contact_b, client_b),
    ):
        event = EventFactory(
            engagement=engagement, occurred_on=TODAY, logged_by=engagement.account_manager
        )
        setattr(objects, f"event_{side}", event)
        setattr(
            objects,
            f"assessment_{side}",
            AssessmentFactory(
                engagement=engagement,
                rater_contact=contact,
                rater_user=user,
                submitted_at=local_noon(TODAY - dt.timedelta(days=3)),
            ),
        )
        snapshot = assessment_services.engagement_recompute(engagement=engagement, notify=False)
        setattr(objects, f"snapshot_{side}", snapshot)
        invitation, _ = assessment_services.invitation_create(
            engagement=engagement, contact=contact, created_by=engagement.account_manager
        )
        setattr(objects, f"invitation_{side}", invitation)
        change = LevelChange.objects.create(
            engagement=engagement, from_level=1, to_level=2, as_of=TODAY, snapshot=snapshot
        )
        setattr(objects, f"level_change_{side}", change)
    return objects
