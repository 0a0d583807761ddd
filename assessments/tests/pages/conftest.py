"""Fixtures of the page tests; the personas come from the root conftest.py."""

import pytest

from partners.tests.factories import ContactFactory

from .factories import grow_relationship

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
