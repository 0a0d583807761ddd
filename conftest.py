"""The personas and the API client of every app's tests, in one place.

Two partners (A and B) each have a client product owner with a login; `am` manages the
engagement with A, `other_am` the one with B; `leader` is leadership and `staff` Django staff.
`world` gives both engagements an event, a client rating, a score, an open invitation and a
level change; test modules that need less define their own `world`.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.api_tokens import api_token_create
from assessments import services as assessment_services
from assessments.models import LevelChange, PlanItem
from assessments.tests.factories import AssessmentFactory, local_noon
from partners.access import ACCOUNT_MANAGERS, CLIENT_PRODUCT_OWNERS, LEADERSHIP
from partners.tests.factories import (
    TODAY,
    ContactFactory,
    EngagementFactory,
    EventFactory,
    PartnerFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Personas are created in almost every test; real password hashing costs ~1 s each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def force_login_gives_the_second_factor(monkeypatch):
    """Django's force_login signs a user in without their password; here it also skips
    their second factor (accounts.two_factor), as if they had given both. Tests of two-factor
    sign-in itself go through the forms."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.middleware import TWO_FACTOR_PENDING

    force_login = Client.force_login

    def force_login_verified(self, user, backend=None):
        force_login(self, user, backend)
        session = self.session
        if session.get(TWO_FACTOR_PENDING) or user.is_staff:
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            device = device or TOTPDevice.objects.create(user=user, name="tests")
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session[TWO_FACTOR_PENDING] = False
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login_verified)


def make_user(username, group=None, **kwargs):
    user = UserFactory(username=username, **kwargs)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def make_client(username, partner, name):
    user = make_user(username, CLIENT_PRODUCT_OWNERS)
    ContactFactory(partner=partner, user=user, name=name, is_product_owner=True)
    return user


@pytest.fixture
def am(db):
    return make_user("am", ACCOUNT_MANAGERS, first_name="Anna", last_name="Manager")


@pytest.fixture
def other_am(db):
    return make_user("other_am", ACCOUNT_MANAGERS, first_name="Otto", last_name="Other")


@pytest.fixture
def leader(db):
    return make_user("leader", LEADERSHIP, first_name="Lea", last_name="Leader")


@pytest.fixture
def staff(db):
    return make_user("staff", is_staff=True)


@pytest.fixture
def teammate(engagement_a):
    """An account manager on engagement A's team who is not its account manager."""
    user = make_user("teammate", ACCOUNT_MANAGERS, first_name="Tim", last_name="Mate")
    engagement_a.team.add(user)
    return user


@pytest.fixture
def partner_a(db):
    return PartnerFactory(name="Acme Logistics", industry="Logistics")


@pytest.fixture
def partner_b(db):
    return PartnerFactory(name="Borealis Bank", industry="Banking")


@pytest.fixture
def engagement_a(partner_a, am):
    return EngagementFactory(
        partner=partner_a, name="Route planner", account_manager=am, started_on=dt.date(2025, 1, 1)
    )


@pytest.fixture
def engagement_b(partner_b, other_am):
    return EngagementFactory(
        partner=partner_b,
        name="Mobile banking",
        account_manager=other_am,
        started_on=dt.date(2025, 1, 1),
    )


@pytest.fixture
def client_a(partner_a):
    return make_client("client_a", partner_a, "Ada Client")


@pytest.fixture
def client_b(partner_b):
    return make_client("client_b", partner_b, "Bo Client")


@pytest.fixture
def frozen_today():
    """Noon on TODAY, the day the `world` fixture's evidence is dated from."""
    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(12)), tick=True):
        yield


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    """Throttles, lockouts and rating-link counters count in the cache; each test starts
    with none counted."""
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
    """as_persona("client_a") -> (user or None, API client with that user's token)."""

    def client_for(name):
        user = None if name == "anonymous" else request.getfixturevalue(name)
        return user, api(user)

    return client_for


@pytest.fixture
def check_case(world, as_persona):
    """check_case(request, body, expected, persona, state): send one row of an API access
    matrix, the request "method path" below /api/v1/ with body(world), a body or None, as
    `persona`; its status must be expected[persona], and a refused request must leave what
    `state()` reads as it was."""

    def check(request, body, expected, persona, state):
        method, path = request.split(" ")
        _, client = as_persona(persona)
        before = state()
        response = getattr(client, method)(
            "/api/v1/" + path.format(w=world),
            body(world) if callable(body) else body,
            format="json",
        )
        assert response.status_code == expected[persona], response.content
        if expected[persona] >= 400:
            assert state() == before

    return check


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
        plan_item = PlanItem.objects.create(
            engagement=engagement, title=f"Roadmap day {side}", owner_side="client"
        )
        setattr(objects, f"plan_item_{side}", plan_item)
    return objects
