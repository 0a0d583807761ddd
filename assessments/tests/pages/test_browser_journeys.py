"""One journey per role in a real Chromium; with SCREENSHOTS=1 each saves its screenshots to
docs/screenshots/ (never otherwise, so that `make test` leaves the tracked files alone).

Chromium is Debian's (/usr/bin/chromium), driven by Playwright's sync API; the Django server
is pytest-django's live_server in a thread of this process, so the locmem mail outbox is
shared with the test.
"""

import csv
import io
import os
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail

from assessments import services
from assessments.models import AssessmentInvitation, TrustAssessment
from partners.models import EngagementEvent
from partners.tests.factories import ContactFactory
from trustapp.tests.browser import browser_fixture, sign_in

from .factories import SelfAssessmentFactory, demo_portfolio, grow_relationship

pytestmark = [
    pytest.mark.browser,
    # Transactional, since the live server reads the data from another thread; the
    # serialized rollback restores the role groups and scoring policy the migrations made.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOTS = Path(django_settings.BASE_DIR) / "docs" / "screenshots"


browser = browser_fixture(pytest.skip)


REDOC_LOGO = "cdn.redoc.ly/redoc/logo-mini.svg"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    # Chromium reports every Content-Security-Policy violation in the console. Redoc's
    # sidebar credits Redocly with a logo from Redocly's CDN, which the policy blocks on
    # purpose (see trustapp/tests/test_csp_browser.py); that one block is expected.
    csp_violations = []
    page.on(
        "console",
        lambda message: (
            csp_violations.append(message.text)
            if "Content Security Policy" in message.text
            and "cdn.redoc.ly/redoc/logo-mini.svg" not in message.text
            else None
        ),
    )
    yield page
    context.close()
    # Redoc's sidebar credits Redocly with a logo from its CDN; the policy blocks it on purpose
    # (trustapp/tests/test_csp_browser.py) and Redoc then drops the image.
    assert [text for text in csp_violations if REDOC_LOGO not in text] == []


def screenshot(page, name, *, full_page=True, max_height=None):
    if os.environ.get("SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    options = {"path": str(SCREENSHOTS / name), "full_page": full_page}
    if max_height:
        width = page.viewport_size["width"]
        options["clip"] = {"x": 0, "y": 0, "width": width, "height": max_height}
    page.screenshot(**options)


def assert_one_h1_and_visible_focus(page):
    assert page.locator("h1").count() == 1
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => { const e = document.activeElement; const s = getComputedStyle(e);"
        " return [e.textContent.trim(), s.outlineStyle, s.outlineWidth]; }"
    )
    assert focused[0] == "Skip to content"
    assert focused[1] != "none" and focused[2] != "0px"


def log_event(page, engagement, *, kind, title, impact="high"):
    """Logs an event with the engagement page's "Log event" form and waits for the page."""
    page.get_by_role("link", name="Log event", exact=True).click()
    page.get_by_label("Kind").select_option(kind)
    page.get_by_label("Title").fill(title)
    page.get_by_label("Impact").select_option(impact)
    page.get_by_role("button", name="Log event").click()
    page.wait_for_url(f"**/engagements/{engagement.pk}/")


@pytest.fixture
def am_story(am, other_am, engagement_a, partner_a, raters):
    demo_portfolio(managers={"am": am, "other_am": other_am})
    SelfAssessmentFactory(engagement=engagement_a, rater_user=am)
    return grow_relationship(engagement=engagement_a, raters=raters, logged_by=am, history_days=365)


def test_account_manager_logs_an_event_and_asks_for_a_rating(am_story, live_server, page, browser):
    engagement = am_story
    sign_in(page, live_server, "am")
    page.wait_for_url("**/engagements/mine/")
    assert page.locator("h1").inner_text() == "My engagements"
    assert_one_h1_and_visible_focus(page)
    screenshot(page, "my-engagements.png", max_height=1100)

    page.get_by_role("link", name="Route planner", exact=True).click()
    log_event(page, engagement, kind="proposal_adopted", title="Client adopted our pricing pilot")
    assert_one_h1_and_visible_focus(page)
    message = page.locator(".messages").inner_text()
    assert "Event “Client adopted our pricing pilot” logged." in message
    first = page.locator(".timeline .entry").first
    assert "Client adopted our pricing pilot" in first.inner_text()
    assert EngagementEvent.objects.filter(title="Client adopted our pricing pilot").exists()
    screenshot(page, "progress-page.png", max_height=2500)

    page.get_by_role("link", name="Ask for ratings").first.click()
    page.get_by_label(re.compile("Grace Hopper")).check()
    page.get_by_role("button", name="Send rating links").click()

    page.wait_for_url(f"**/engagements/{engagement.pk}/invitations/new/")
    assert "Rating link sent to Grace Hopper." in page.locator(".messages").inner_text()
    invitations = [message for message in mail.outbox if "/rate/" in message.body]
    assert [message.to for message in invitations] == [["grace-hopper@client.example"]]

    narrow = browser.new_context(viewport={"width": 360, "height": 780})
    small = narrow.new_page()
    sign_in(small, live_server, "am")
    small.goto(live_server.url + engagement.get_absolute_url())
    assert small.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(small, "progress-page-360.png", max_height=2400)
    narrow.close()


def test_client_rates_through_the_emailed_link_once(settings, engagement_a, am, live_server, page):
    settings.SITE_URL = live_server.url
    contact = ContactFactory(
        partner=engagement_a.partner, name="Ada Client", email="ada@acme.example"
    )
    services.invitation_create(engagement=engagement_a, contact=contact, created_by=am)
    [email] = mail.outbox
    link = re.search(r"(http://\S+/rate/\S+/)", email.body).group(1)

    page.goto(link)
    assert page.locator("h1").inner_text() == "How is the collaboration going?"
    assert_one_h1_and_visible_focus(page)
    for fieldset in page.locator("fieldset.likert").all()[:7]:
        fieldset.get_by_text("Agree", exact=True).click()
    page.get_by_label("8", exact=True).check()
    page.get_by_label("Anything you would like to tell us?").fill("Great team, more ideas please.")
    screenshot(page, "rate-form.png", max_height=1700)
    page.get_by_role("button", name="Send my rating").click()

    page.wait_for_url("**/rate/thanks/")
    assert page.locator("h1").inner_text() == "Thank you for your rating"
    screenshot(page, "rate-thanks.png", full_page=False)
    rating = TrustAssessment.objects.get(engagement=engagement_a)
    assert (rating.rater_contact, rating.recommend, rating.reliability) == (contact, 8, 4)
    assert AssessmentInvitation.objects.get().used_at is not None

    page.goto(link)
    assert page.locator("h1").inner_text() == "This rating link cannot be used"
    assert "already been used" in page.locator("main").inner_text()


def test_a_duplicate_invitation_sends_nothing_new(engagement_a, am, raters, live_server, page):
    sign_in(page, live_server, "am")
    page.goto(live_server.url + f"/engagements/{engagement_a.pk}/invitations/new/")
    page.get_by_label(re.compile("Grace Hopper")).check()
    page.get_by_role("button", name="Send rating links").click()
    page.wait_for_url(f"**/engagements/{engagement_a.pk}/invitations/new/")
    status = page.locator("tr", has_text="Grace Hopper")
    assert "Invited on" in status.inner_text()
    assert "open until" in status.inner_text()

    page.get_by_label(re.compile("Grace Hopper")).check()
    page.get_by_role("button", name="Send rating links").click()
    page.wait_for_url(f"**/engagements/{engagement_a.pk}/invitations/new/")

    assert (
        "Grace Hopper already had an open invitation: we sent a reminder instead of a second "
        "invitation." in page.locator(".messages").inner_text()
    )
    assert AssessmentInvitation.objects.filter(contact__name="Grace Hopper").count() == 1
    subjects = [message.subject for message in mail.outbox]
    assert len(subjects) == 2
    assert subjects[1].startswith("Reminder: ")
    assert "Never asked" in page.locator("tr", has_text="Ada Lovelace").inner_text()

    page.get_by_role("button", name="Revoke the invitation of Grace Hopper").click()
    assert "withdrawn" in page.locator(".messages").inner_text()
    assert "Never asked" in page.locator("tr", has_text="Grace Hopper").inner_text()
    assert len(mail.outbox) == 2


@pytest.fixture
def leadership_story(leader, am, other_am):
    return demo_portfolio(managers={"am": am, "other_am": other_am})


def test_leadership_filters_the_dashboard_and_downloads_the_csv(
    leadership_story, live_server, page
):
    sign_in(page, live_server, "leader")
    page.wait_for_url("**/dashboard/")
    assert_one_h1_and_visible_focus(page)
    for rung in ("Executor", "Skilled provider", "Domain expert", "Trusted advisor"):
        assert page.locator("#rungs-desc").text_content().count(f"{rung}: ") == 1
    screenshot(page, "dashboard.png", max_height=2050)

    page.locator("summary", has_text="Filters").click()
    page.get_by_label("Account manager").select_option(label="Otto Other")
    page.get_by_label("Status").select_option("active")
    page.get_by_role("button", name="Apply filters").click()

    page.wait_for_url(re.compile(r"manager=\d+.*status=active"))
    shown = page.locator("table.portfolio tbody tr td:first-child a").all_inner_texts()
    assert sorted(shown) == [
        "Grid monitoring",
        "Lab integration",
        "Payments hub",
        "Risk engine",
        "Store analytics",
    ]
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download CSV")).click()
    text = Path(download.value.path()).read_text()
    assert sorted(row["engagement"] for row in csv.DictReader(io.StringIO(text))) == sorted(shown)
