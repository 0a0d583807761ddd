"""Personas shared by every app's tests, loaded as a pytest plugin (see pytest.ini).

The two partners (A and B) each have a client product owner with a login; `am` manages the
engagement with A, `other_am` manages the one with B. Imports of models happen inside the
fixtures because plugins load before pytest-django sets Django up.
"""

import datetime as dt

import pytest

ACCOUNT_MANAGERS = "Account managers"
LEADERSHIP = "Leadership"
CLIENT_PRODUCT_OWNERS = "Client product owners"


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
    from django.contrib.auth.models import Group

    from partners.tests.factories import UserFactory

    user = UserFactory(username=username, **kwargs)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def make_client(username, partner, name):
    from partners.tests.factories import ContactFactory

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
def partner_a(db):
    from partners.tests.factories import PartnerFactory

    return PartnerFactory(name="Acme Logistics", industry="Logistics")


@pytest.fixture
def partner_b(db):
    from partners.tests.factories import PartnerFactory

    return PartnerFactory(name="Borealis Bank", industry="Banking")


@pytest.fixture
def engagement_a(partner_a, am):
    from partners.tests.factories import EngagementFactory

    return EngagementFactory(
        partner=partner_a, name="Route planner", account_manager=am, started_on=dt.date(2025, 1, 1)
    )


@pytest.fixture
def engagement_b(partner_b, other_am):
    from partners.tests.factories import EngagementFactory

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
