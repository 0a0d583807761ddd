"""Fixtures of the page tests; the personas come from the root conftest.py."""

import datetime as dt

import pytest
from django.utils import timezone

from assessments import services
from partners.tests.factories import ContactFactory, EngagementFactory, EventFactory

from .factories import LevelChangeFactory, RatingFactory, grow_relationship, snapshot

# Fixtures of the browser tests, shared with test_browser_ux.py.
from .test_authorization_matrix import personas, world  # noqa: F401, I001
from .test_browser_journeys import browser, page  # noqa: F401


@pytest.fixture
def raters(partner_a):
    return [
        ContactFactory(partner=partner_a, name="Ada Lovelace", title="Head of product"),
        ContactFactory(partner=partner_a, name="Grace Hopper", title="Product owner"),
    ]


@pytest.fixture
def grown_a(engagement_a, raters, am):
    """engagement_a with a year of events and ratings and 40 days of snapshots."""
    return grow_relationship(engagement=engagement_a, raters=raters, logged_by=am, history_days=40)


@pytest.fixture
def portfolio(partner_a, partner_b, am, other_am):
    """Six engagements across both managers, two industries, all four rungs."""
    made = {}
    specs = [
        ("Route planner", partner_a, am, 1, 30.0, "active"),
        ("Depot app", partner_a, am, 2, 62.0, "active"),
        ("Fleet data", partner_a, other_am, 3, 70.0, "paused"),
        ("Mobile banking", partner_b, other_am, 4, 88.0, "active"),
        ("Card rewrite", partner_b, am, 2, 61.0, "active"),
        ("Old portal", partner_b, other_am, 1, 12.0, "closed"),
    ]
    for name, partner, manager, level, score, status in specs:
        engagement = EngagementFactory(
            partner=partner, name=name, account_manager=manager, status=status
        )
        snapshot(engagement, days_ago=0, score=score, level=level)
        made[name] = engagement
    return made


@pytest.fixture
def story(portfolio):
    """The at-risk, stale and mover story of the dashboard's insight lists."""
    today = timezone.localdate()
    snapshot(portfolio["Depot app"], days_ago=30, score=80.0, level=2)
    LevelChangeFactory(
        engagement=portfolio["Mobile banking"],
        from_level=3,
        to_level=4,
        as_of=today - dt.timedelta(days=5),
    )
    LevelChangeFactory(
        engagement=portfolio["Card rewrite"],
        from_level=3,
        to_level=2,
        as_of=today - dt.timedelta(days=20),
    )
    for engagement in portfolio.values():
        if engagement.name != "Route planner":
            RatingFactory(engagement=engagement)
    return portfolio


@pytest.fixture
def scored(engagement_a, engagement_b):
    """Two engagements with a snapshot each under version 1. A (Route planner) has solid
    evidence: delivery 43 and technical 52 today, executor under version 1."""
    today = timezone.localdate()
    for kind in ("milestone_delivered", "technical_praise", "technical_praise"):
        EventFactory(engagement=engagement_a, kind=kind, occurred_on=today, impact="high")
    RatingFactory(engagement=engagement_a, reliability=3, technical=3, credibility=3)
    services.engagements_recompute_all(notify=False)
    return engagement_a
