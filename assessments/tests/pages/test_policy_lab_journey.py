"""A leader drafts a policy, back-tests it, activates it, and sees it score an engagement.

Real Chromium through Playwright, against the live server; the browser fixtures are those
of the other journeys.
"""

import re

import pytest

from . import test_browser_journeys as journeys

browser, page = journeys.browser, journeys.page  # the fixtures of the other journeys

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_leader_drafts_backtests_and_activates_a_policy(scored, leader, live_server, page):
    journeys.sign_in(page, live_server, "leader")
    page.wait_for_url("**/dashboard/")
    page.get_by_role("link", name="Policies").click()
    assert page.locator("h1").inner_text() == "Scoring policies"
    page.get_by_role("link", name="Draft a policy").click()
    threshold = page.locator("#id_threshold")
    assert threshold.input_value() == "60.0"
    threshold.fill("40")
    page.get_by_role("button", name="Save draft").click()

    page.wait_for_url("**/policies/2/")
    differs = page.locator("#diff-h + .table-wrap tbody tr")
    assert differs.count() == 1
    assert re.sub(r"\s+", " ", differs.inner_text()).startswith("Threshold")
    page.get_by_role("button", name="Run back-test").click()

    page.wait_for_url(re.compile(r"/backtests/\d+/$"))
    assert page.locator("h1").inner_text() == "Back-test of version 2"
    page.get_by_text("Engagements whose rung differs (1)").wait_for()
    row = page.locator("#diff-h ~ .table-wrap tbody tr")
    assert row.count() == 1
    cells = row.locator("td").all_inner_texts()
    assert cells[:3] == ["Acme Logistics: Route planner", "Executor", "Skilled provider"]
    assert cells[3].startswith("delivery ") and cells[3].endswith("/ 60 (active)")

    page.get_by_role("link", name="Activate version 2…").click()
    page.get_by_role("button", name="Yes, activate version 2").click()
    page.wait_for_url("**/policies/")
    assert "Version 2 is now the active policy" in page.locator(".messages").inner_text()

    page.goto(live_server.url + scored.get_absolute_url())
    facts = page.locator("dl.facts").inner_text()
    assert "version 2" in facts
    assert page.locator(".ladder .current .rung-name").inner_text().startswith("Skilled provider")
