"""Personas shared by every app's tests.

The two partners (A and B) each have a client product owner with a login; `am` manages the
engagement with A, `other_am` manages the one with B.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import Group

from partners.access import ACCOUNT_MANAGERS, CLIENT_PRODUCT_OWNERS, LEADERSHIP
from partners.tests.factories import (
    ContactFactory,
    EngagementFactory,
    PartnerFactory,
    UserFactory,
)


def make_user(username, group=None, **kwargs):
    user = UserFactory(username=username, **kwargs)
    if group:
        user.groups.add(Group.objects.get(name=group))
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
    user = make_user("client_a", CLIENT_PRODUCT_OWNERS)
    ContactFactory(partner=partner_a, user=user, name="Ada Client", is_product_owner=True)
    return user


@pytest.fixture
def client_b(partner_b):
    user = make_user("client_b", CLIENT_PRODUCT_OWNERS)
    ContactFactory(partner=partner_b, user=user, name="Bo Client", is_product_owner=True)
    return user
