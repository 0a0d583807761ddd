"""Issue 9 in a real Chromium: the ladder's memory, the trend chart, the dashboard's drill-down
and sort, the rating form, phones at 390 px and the axe run."""

import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from assessments import services
from partners.tests.factories import ContactFactory

from .factories import demo_portfolio, grow_relationship
from .test_authorization_matrix import MATRIX, PERSONAS, ROUTES, url_of
from .test_browser_journeys import screenshot, sign_in
from .test_ladder import demoted

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_demoted_engagement_shows_its_held_dates(am, engagement_a, live_server, page):
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


def test_the_trend_chart_shows_the_rung_band_and_the_gated_dimensions(
    am,
    engagement_a,
    raters,
    live_server,
    page,
):
    grow_relationship(engagement=engagement_a, raters=raters, logged_by=am, history_days=60)
    sign_in(page, live_server, "am")
    page.goto(live_server.url + engagement_a.get_absolute_url())

    trend = page.locator("svg.chart-trend")
    assert "next rung" not in trend.text_content()
    assert "Score (0–100)" in trend.text_content()
    ticks = trend.locator(".x-axis text").all_text_contents()
    assert re.fullmatch(r"[A-Z][a-z]{2} 20\d\d", ticks[0])
    band_top = float(trend.locator(".bands rect").first.get_attribute("y"))
    line_bottom = max(
        float(p.split(",")[1])
        for p in trend.locator("polyline.line").get_attribute("points").split()
    )
    assert band_top > line_bottom
    gates = page.locator(".gate-charts figure")
    assert gates.count() >= 2
    assert gates.first.locator("line.threshold").count() == 1
    assert gates.first.locator("line.hold").count() == 1
    page.locator("section[aria-labelledby=trend-h]").screenshot(path="/tmp/ux-trend.png")


def test_dashboard_tiles_drill_down_and_headers_sort(leader, am, other_am, live_server, page):
    demo_portfolio(managers={"am": am, "other_am": other_am})
    sign_in(page, live_server, "leader")
    page.wait_for_url("**/dashboard/")

    at_risk = page.locator(".kpis a", has_text="At risk")
    count = int(at_risk.locator(".kpi-value").inner_text())
    at_risk.click()
    page.wait_for_url(re.compile(r"attention=at_risk"))
    rows = page.locator("table.portfolio tbody tr")
    assert rows.count() == count
    assert all("At risk" in text for text in rows.all_inner_texts())

    page.goto(live_server.url + "/dashboard/")
    page.locator("table.portfolio thead a", has_text="Score").click()
    page.wait_for_url(re.compile(r"sort=score"))
    scores = [float(s) for s in page.locator("table.portfolio td.score").all_inner_texts()]
    assert scores == sorted(scores, reverse=True)
    page.locator("table.portfolio thead a", has_text="Score").click()
    page.wait_for_url(re.compile(r"sort=-score"))
    scores = [float(s) for s in page.locator("table.portfolio td.score").all_inner_texts()]
    assert scores == sorted(scores)
    header = page.locator("table.portfolio thead th", has_text="Score")
    assert header.get_attribute("aria-sort") == "ascending"

    page.locator("svg.chart-rungs a[aria-label^='Executor'] .bar-label").click()
    page.wait_for_url(re.compile(r"rung=1"))
    assert set(page.locator("table.portfolio .badge").all_inner_texts()) == {"Executor"}


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_the_rating_form_fits_a_phone_and_summarises_errors_at_the_top(
    settings, engagement_a, am, live_server, phone
):
    settings.TRUSTAPP_PROVIDER_NAME = "Blue Harbour Consulting"
    contact = ContactFactory(partner=engagement_a.partner, name="Ada Client")
    _, token = services.invitation_create(engagement=engagement_a, contact=contact, created_by=am)
    phone.goto(f"{live_server.url}/rate/{token}/")

    assert "Blue Harbour Consulting" in phone.locator(".subtitle").inner_text()
    assert "Anna Manager" in phone.locator(".readers").inner_text()
    for fieldset in phone.locator("fieldset.likert").all()[:7]:
        tops = {round(box["y"]) for box in _boxes(fieldset.locator("label"))}
        assert len(tops) == 1, fieldset.locator("legend").inner_text()
    recommend_rows = {round(box["y"]) for box in _boxes(phone.locator("#q-recommend label"))}
    assert len(recommend_rows) <= 2
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= 390
    screenshot(phone, "rate-form-390.png", max_height=1800)

    for fieldset in phone.locator("fieldset.likert").all()[:5]:
        fieldset.get_by_text("Agree", exact=True).click()
    phone.get_by_role("button", name="Send my rating").click()

    summary = phone.locator("#error-summary")
    assert "Please check 2 answers" in summary.inner_text()
    assert phone.evaluate("document.activeElement.id") == "error-summary"
    box = summary.bounding_box()
    assert 0 <= box["y"] < 844
    summary.get_by_role("link", name=re.compile("Statement 6")).click()
    assert phone.evaluate("location.hash") == "#q-domain"


def _boxes(locator):
    return [element.bounding_box() for element in locator.all()]


# Pages that answer with something other than HTML (JSON, Prometheus text; every .csv route
# is a download too).
NOT_HTML = {
    "healthz",
    "metrics",
    "dashboard/export.csv",
    "dashboard/partners/export.csv",
    "engagements/<int:pk>/events/import/template.csv",
    "events/import/template.csv",
}
# Chart text must stay legible on a phone: no smaller than this after the SVG is scaled.
MIN_CHART_TEXT_PX = 11
CHART_TEXT_SIZES = """() => [...document.querySelectorAll('svg text')]
  .filter(t => t.getClientRects().length && getComputedStyle(t).display !== 'none')
  .map(t => [t.textContent.trim(),
              parseFloat(getComputedStyle(t).fontSize) * Math.hypot(t.getScreenCTM().a,
                                                                    t.getScreenCTM().b)])"""


def allowed_visits(world):
    """(persona, route, url) of each HTML page of the authorization matrix, opened as the
    first persona the matrix lets read it."""
    visits = []
    for name, row in MATRIX.items():
        route = ROUTES[name]
        allowed = [persona for persona in PERSONAS if row.get[persona] == 200]
        if route in NOT_HTML or route.endswith(".csv") or not allowed:
            continue
        visits.append((allowed[0], route, url_of(name, world)))
    return visits


def serious_violations(page):
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_every_page_of_the_matrix_fits_390_px_and_passes_axe(
    world,
    personas,
    am,
    other_am,
    engagement_a,
    raters,
    live_server,
    browser,
):
    grow_relationship(engagement=engagement_a, raters=raters, logged_by=am, history_days=30)
    demo_portfolio(managers={"am": am, "other_am": other_am})
    visits = allowed_visits(world)
    overflow, violations, small_text = {}, {}, {}
    for persona in dict.fromkeys(persona for persona, _, _ in visits):
        context = browser.new_context(viewport={"width": 390, "height": 844})
        context.set_default_timeout(10_000)
        tab = context.new_page()
        if personas[persona] is not None:
            sign_in(tab, live_server, personas[persona].username)
        for _, route, url in (visit for visit in visits if visit[0] == persona):
            tab.goto(live_server.url + url)
            width = tab.evaluate("document.scrollingElement.scrollWidth")
            if width > 390:
                overflow[route] = width
            if found := serious_violations(tab):
                violations[route] = found
            if tiny := [t for t in tab.evaluate(CHART_TEXT_SIZES) if t[1] < MIN_CHART_TEXT_PX]:
                small_text[route] = tiny[:3]
        context.close()

    assert overflow == {}
    assert violations == {}
    assert small_text == {}
    key_pages = {"dashboard/", "engagements/<int:pk>/", "partners/<slug:slug>/", "rate/"}
    # The emailed link redirects to its session's form; the same form is rate/engagements/.
    rating_form = "rate/engagements/<int:pk>/"
    assert key_pages | {"accounts/api-token/", rating_form} <= {r for _, r, _ in visits}


def test_on_a_phone_the_dashboard_puts_tiles_first_folds_filters_and_shows_cards(
    leader, am, other_am, live_server, phone
):
    demo_portfolio(managers={"am": am, "other_am": other_am})
    sign_in(phone, live_server, "leader")
    phone.wait_for_url("**/dashboard/")

    tiles = phone.locator(".kpis").bounding_box()
    filters = phone.locator("details.filters-fold").bounding_box()
    assert tiles["y"] < filters["y"]
    assert phone.get_by_label("Account manager").is_visible() is False
    row = phone.locator("table.portfolio tbody tr").first
    assert row.evaluate("e => getComputedStyle(e).display") == "block"
    assert phone.locator("table.portfolio thead").bounding_box()["height"] <= 1
    score = row.locator("td[data-label=Score]")
    label = score.evaluate("e => getComputedStyle(e, '::before').content")
    assert label == '"Score"'
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= 390
    screenshot(phone, "dashboard-390.png", max_height=2400)


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_the_api_docs_pass_axe_on_language_and_landmarks(am, live_server, page, url):
    sign_in(page, live_server, "am")
    page.goto(live_server.url + url)
    page.wait_for_selector("#swagger-ui .info, redoc .api-info", state="attached")

    rules = ["html-has-lang", "landmark-one-main", "region", "bypass"]
    results = Axe().run(page, options={"runOnly": {"type": "rule", "values": rules}})

    assert [v["id"] for v in results.response["violations"]] == []
    page.get_by_role("link", name="← Back to Trustapp").click()
    page.wait_for_url("**/engagements/mine/")


def test_the_api_links_live_in_the_user_menu(am, live_server, page):
    sign_in(page, live_server, "am")
    page.wait_for_url("**/engagements/mine/")

    assert page.locator("nav[aria-label=Main]").get_by_role("link", name="API").count() == 0
    assert page.get_by_role("link", name="API docs").is_visible() is False
    page.locator(".user-menu summary").click()
    page.get_by_role("link", name="API docs").click()
    page.wait_for_url("**/api/docs/")
    page.get_by_role("link", name="← Back to Trustapp").click()
    page.wait_for_url("**/engagements/mine/")
