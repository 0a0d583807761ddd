"""The client's side in a real Chromium: the manager logs an event, the client disputes it,
the manager sees the dispute and the score without it, the client confirms another event and
sees the plan item the manager adopted."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from assessments import services
from partners.models import Engagement, EngagementEvent
from partners.tests.factories import EventFactory

from . import test_browser_journeys as journeys

# The Chromium fixtures of the other journeys.
browser, page, sign_in = journeys.browser, journeys.page, journeys.sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def score_of(engagement):
    return Engagement.objects.get(pk=engagement.pk).score


def test_the_client_reviews_the_evidence_and_sees_the_plan(
    am,
    client_a,
    engagement_a,
    live_server,
    page,
    browser,
):
    demo = EventFactory(
        engagement=engagement_a,
        kind="technical_praise",
        title="Sprint demo praised",
        occurred_on=timezone.localdate() - dt.timedelta(days=10),
        notes="Internal: two bugs hidden from the demo",
        logged_by=am,
    )
    services.engagement_recompute(engagement=engagement_a)
    score_before = score_of(engagement_a)

    # The manager logs an event; the score takes it in.
    sign_in(page, live_server, "am")
    page.goto(live_server.url + engagement_a.get_absolute_url())
    journeys.log_event(
        page, engagement_a, kind="strategy_invitation", title="Invited to the 2027 roadmap day"
    )
    score_with_event = score_of(engagement_a)
    assert score_with_event > score_before

    # ... and adopts a suggested plan item, due in three weeks.
    page.get_by_role("link", name=re.compile("^Adopt")).first.click()
    title = page.get_by_label("Title").input_value()
    page.get_by_label("Due on").fill(f"{timezone.localdate() + dt.timedelta(days=21):%Y-%m-%d}")
    page.get_by_role("button", name="Add to the plan").click()
    page.wait_for_url(f"**/engagements/{engagement_a.pk}/#plan-h")
    assert title in page.locator("#plan").inner_text()

    # The client, on a 390 px phone, disputes the new event with a comment.
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    client_page = phone.new_page()
    sign_in(client_page, live_server, "client_a")
    client_page.wait_for_url("**/rate/")
    assert client_page.locator("h1").inner_text() == "Our collaboration"
    assert client_page.evaluate("document.scrollingElement.scrollWidth") <= 390
    assert "two bugs hidden" not in client_page.content()
    assert title in client_page.locator(".plan-list").inner_text()

    invitation = EngagementEvent.objects.get(title="Invited to the 2027 roadmap day")
    item = client_page.locator(f"#event-{invitation.pk}")
    item.get_by_text("Dispute", exact=True).click()
    item.get_by_label("Comment (optional)").fill("We were never invited.")
    item.get_by_role("button", name=re.compile("Save review")).click()
    client_page.wait_for_url(f"**/rate/#engagement-{engagement_a.pk}")
    assert (
        "You disputed “Invited to the 2027 roadmap day”."
        in client_page.locator(".messages").inner_text()
    )

    # The manager is told, sees the dispute on the timeline and the score without the event.
    assert [m.to for m in mail.outbox if "disputes" in m.subject] == [[am.email]]
    page.goto(live_server.url + engagement_a.get_absolute_url())
    entry = page.locator(".timeline .entry", has_text="Invited to the 2027 roadmap day")
    assert "Disputed by the client" in entry.inner_text()
    assert "We were never invited." in entry.inner_text()
    assert score_of(engagement_a) == pytest.approx(score_before)
    assert f"{score_before:.1f}" in page.locator(".big-number").inner_text()

    # The client confirms the other event.
    other = client_page.locator(f"#event-{demo.pk}")
    other.get_by_text("Confirm", exact=True).click()
    other.get_by_role("button", name=re.compile("Save review")).click()
    client_page.wait_for_url(f"**/rate/#engagement-{engagement_a.pk}")
    assert "You confirmed this" in client_page.locator(f"#event-{demo.pk}").inner_text()
    demo.refresh_from_db()
    assert demo.client_status == "confirmed"
    assert score_of(engagement_a) == pytest.approx(score_before)
    assert client_page.evaluate("document.scrollingElement.scrollWidth") <= 390
    phone.close()
