"""Issue 9 in a real Chromium: the ladder's memory, the trend chart, the dashboard's drill-down
and sort, the rating form, phones at 390 px and the axe run."""

import datetime as dt

import pytest

from .test_browser_journeys import browser, page, sign_in  # noqa: F401 (fixtures)
from .test_ladder import demoted

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_demoted_engagement_shows_its_held_dates(am, engagement_a, live_server, page):  # noqa: F811
    demoted(engagement_a)
    sign_in(page, live_server, "am")
    page.goto(live_server.url + engagement_a.get_absolute_url())

    advisor = page.locator(".ladder .rung").first
    assert "Trusted advisor" in advisor.inner_text()
    assert "held 3 Feb – 24 Sep 2026, lost when partnership fell to 47 (< 50)" in (
        advisor.inner_text()
    )
    demotion = page.locator(".timeline .entry-level.down").first
    assert "lost when partnership fell to 47 (< 50)" in demotion.inner_text()
    assert dt.date(2026, 9, 24).strftime("%-d %b %Y") in demotion.inner_text()
