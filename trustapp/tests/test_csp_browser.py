"""A real Chromium sees no Content-Security-Policy violation: on the API documentation
(Swagger UI, Redoc), the admin site, the account pages and the error pages.

Chromium reports each violation as a console error and as a `securitypolicyviolation`
event; both are collected. The main journeys of each role run under the same listener in
assessments/tests/pages/test_browser_journeys.py.
"""

import pytest

from trustapp.tests import browser as chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI));
"""


def watch_csp(page):
    """Collects the page's CSP violations in page.csp_violations."""
    page.csp_violations = []
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda message: (
            page.csp_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return page


def violations(page):
    return page.csp_violations + page.evaluate("window.__cspViolations || []")


browser = chromium.browser_fixture(pytest.fail)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    yield watch_csp(context.new_page())
    context.close()


def sign_in(page, live_server, username):
    chromium.sign_in(page, live_server, username)
    page.wait_for_load_state("networkidle")


def test_api_documentation_runs_under_the_strict_policy(am, live_server, page):
    sign_in(page, live_server, "am")

    page.goto(live_server.url + "/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    swagger = violations(page)
    page.goto(live_server.url + "/api/redoc/")
    page.wait_for_selector(".api-content", timeout=20_000)
    # Redoc's sidebar credits Redocly with a logo from Redocly's CDN. The policy blocks it on
    # purpose (these pages load nothing from other sites), and Redoc then drops the image.
    redoc = [text for text in violations(page) if "cdn.redoc.ly/redoc/logo-mini.svg" not in text]

    assert (swagger, redoc) == ([], [])
    assert page.locator(".api-content h1").first.inner_text().startswith("Trustapp API")


def test_admin_account_and_error_pages_run_under_the_strict_policy(staff, am, live_server, page):
    staff.is_superuser = True
    staff.save()
    sign_in(page, live_server, "staff")
    page.wait_for_url("**/accounts/two-factor/**")
    assert page.locator("img.qr-code").is_visible()
    seen = list(violations(page))

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.tests.test_two_factor import code_for

    page.get_by_label("Code from your authenticator app").fill(
        code_for(TOTPDevice.objects.get(user=staff))
    )
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    for path in (
        "/admin/",
        "/admin/auth/user/",
        f"/admin/auth/user/{am.pk}/change/",
        "/admin/partners/engagement/add/",
        "/accounts/api-token/",
        "/no-such-page/",
    ):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        seen += violations(page)

    assert seen == []
