"""The organisation level in a real Chromium: a leader reads a partner's stage and
relationship map, a client names two barriers while rating, the account manager sees them
with what helps. Saves docs/screenshots/partner-page.png for the README."""

import datetime as dt

import pytest
from django.utils import timezone

from assessments.models import AssessmentBarrier, TrustAssessment
from assessments.tests.factories import local_noon
from partners.tests.factories import ContactFactory, EngagementFactory

from .factories import RatingFactory, grow_relationship, snapshot
from .test_browser_journeys import browser, page, screenshot, sign_in  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def acme(am, other_am, leader, client_a, engagement_a, partner_a, raters):
    """Acme: the route planner has a year of history and two trusting raters; Grace has
    since rated the warehouse app coolly and named two barriers; Hal never rated."""
    grow_relationship(engagement=engagement_a, raters=raters, logged_by=am, history_days=120)
    app = EngagementFactory(partner=partner_a, name="Warehouse app", account_manager=other_am)
    for days_ago, score in ((119, 30), (60, 38), (0, 44)):
        snapshot(app, days_ago=days_ago, score=score)
    cool = RatingFactory(
        engagement=app,
        rater_contact=raters[1],
        submitted_at=local_noon(timezone.localdate() - dt.timedelta(days=5)),
        credibility=3,
        reliability=2,
        intimacy=3,
        self_orientation=3,
    )
    AssessmentBarrier.objects.bulk_create(
        AssessmentBarrier(assessment=cool, code=code)
        for code in ("past_experience", "internal_perception")
    )
    ContactFactory(partner=partner_a, name="Hal Never", title="CFO", is_product_owner=False)
    return engagement_a


def test_organisation_journey(acme, live_server, page, browser):  # noqa: F811
    engagement = acme
    sign_in(page, live_server, "leader")
    page.wait_for_url("**/dashboard/")
    page.goto(live_server.url + "/partners/")
    page.get_by_role("link", name="Acme Logistics").click()

    assert page.locator("h1").inner_text() == "Acme Logistics"
    stage = page.locator("#stage-sentence").inner_text()
    assert stage == "Trust rests with 1 person: Ada Lovelace"
    rows = page.locator("table.map-table").first.locator("tbody tr")
    assert rows.count() == 4  # Ada Lovelace, Grace Hopper, Ada Client, Hal Never
    hal = rows.filter(has_text="Hal Never")
    assert "no bond" in hal.inner_text() and "stale" in hal.inner_text()
    assert "trusting" in rows.filter(has_text="Ada Lovelace").inner_text()
    barriers = page.locator("#barriers-h + p + .barrier-list").inner_text()
    assert "Bad experiences with service providers in the past" in barriers
    screenshot(page, "partner-page.png", max_height=2000)

    narrow = browser.new_context(viewport={"width": 390, "height": 844})
    phone = narrow.new_page()
    sign_in(phone, live_server, "leader")
    phone.goto(live_server.url + engagement.partner.get_absolute_url())
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.get_by_text("Hal Never").first.is_visible()
    narrow.close()

    client_context = browser.new_context(viewport={"width": 1280, "height": 900})
    client_page = client_context.new_page()
    sign_in(client_page, live_server, "client_a")
    client_page.goto(live_server.url + f"/rate/engagements/{engagement.pk}/")
    for fieldset in client_page.locator("fieldset.likert").all()[:7]:
        fieldset.get_by_text("Agree", exact=True).click()
    client_page.get_by_label("Fear of losing control over our product").check()
    client_page.get_by_label("People on their team change too often").check()
    client_page.get_by_role("button", name="Send my rating").click()
    client_page.wait_for_url("**/rate/**")
    client_context.close()
    rating = TrustAssessment.objects.filter(rater_contact__user__username="client_a").get()
    assert rating.barrier_codes == ["losing_control", "team_continuity"]

    manager_context = browser.new_context(viewport={"width": 1280, "height": 900})
    manager = manager_context.new_page()
    sign_in(manager, live_server, "am")
    manager.goto(live_server.url + engagement.get_absolute_url())
    shown = manager.locator("#barriers-h + .barrier-list").inner_text()
    assert "Fear of losing control over our product" in shown
    assert "What helps: Shared roadmap and decision log" in shown
    assert "People on their team change too often" in shown
    assert "What helps: Keep key people" in shown
    manager_context.close()
