"""Every URL of the site × every persona × GET and POST → the expected status.

The URLs come from the resolver, so a new page without a row here fails
`test_every_url_has_a_row`. A client product owner must never see another partner's data.
"""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from assessments import selectors, services
from assessments.models import PlanItem
from partners.tests.factories import ContactFactory, EventFactory
from trustapp.tests.test_security_headers import STRICT_POLICY, directives

PERSONAS = ("anonymous", "am", "other_am", "leader", "client_a", "client_b", "staff")
# Django admin has its own permission system, and the REST API under /api/ has its own
# matrix (issue 5); both are outside this one on purpose.
EXCLUDED_PREFIXES = ("admin/", "api/")


def _expect(*statuses):
    """Statuses in PERSONAS order: anonymous, am, other_am, leader, client_a, client_b, staff."""
    assert len(statuses) == len(PERSONAS)
    return dict(zip(PERSONAS, statuses, strict=True))


ALL_200 = _expect(200, 200, 200, 200, 200, 200, 200)
ALL_302 = _expect(302, 302, 302, 302, 302, 302, 302)
ALL_404 = _expect(404, 404, 404, 404, 404, 404, 404)
ALL_405 = _expect(405, 405, 405, 405, 405, 405, 405)
SIGNED_IN = _expect(302, 200, 200, 200, 200, 200, 200)
# Only who has a second factor (staff, here) is asked for its code; the others are sent on.
SECOND_FACTOR = _expect(302, 302, 302, 302, 302, 302, 200)
# Provider staff read the whole portfolio; client product owners never see provider pages.
PROVIDERS = _expect(302, 200, 200, 200, 403, 403, 200)
PROVIDERS_REDIRECT = _expect(302, 302, 302, 302, 403, 403, 302)
# Changing engagement A: its manager, leadership and staff; client A sees it exists (403),
# client B does not (404).
CHANGERS = _expect(302, 200, 403, 200, 403, 404, 200)
CHANGERS_REDIRECT = _expect(302, 302, 403, 302, 403, 404, 302)
# An event older than 30 days: its account manager and leadership only.
MANAGER_AND_LEADERS = _expect(302, 200, 403, 200, 403, 404, 403)
ACCOUNT_MANAGERS = _expect(302, 200, 200, 403, 403, 403, 403)
LEADERSHIP = _expect(302, 403, 403, 200, 403, 403, 403)
CLIENTS = _expect(302, 403, 403, 403, 200, 200, 403)
CLIENT_A = _expect(302, 403, 403, 403, 200, 404, 403)
# A client's write on /rate/ (POST only): client A is redirected back to their page, client B
# cannot see partner A's event or plan item at all.
CLIENT_A_POSTS = _expect(302, 403, 403, 403, 302, 404, 403)
# Provider pages scoped to engagement A: a client is refused before the engagement is read.
PROVIDER_CHANGERS = _expect(302, 200, 403, 200, 403, 403, 200)
PROVIDER_CHANGERS_REDIRECT = _expect(302, 302, 403, 302, 403, 403, 302)
# The policy lab: leadership and staff.
POLICY_LAB = _expect(302, 403, 403, 200, 403, 403, 200)
POLICY_LAB_REDIRECT = _expect(302, 403, 403, 302, 403, 403, 302)


@dataclass(frozen=True)
class Row:
    args: str  # the URL's arguments: keys of the world below, or literal values
    get: dict
    post: dict


# URL name → its arguments and the expected statuses of GET and POST, one row per URL.
MATRIX = {
    "login": Row("", ALL_200, ALL_200),
    "logout": Row("", ALL_405, ALL_302),
    "password_reset": Row("", ALL_200, ALL_200),
    "password_reset_done": Row("", ALL_200, ALL_405),
    "password_reset_confirm": Row("bad-uid bad-token", ALL_200, ALL_200),
    "password_reset_complete": Row("", ALL_200, ALL_405),
    "api_token": Row("", SIGNED_IN, SIGNED_IN),
    # Anyone signed in may add an authenticator app; only who has one is asked for a code.
    "two_factor_setup": Row("", SIGNED_IN, SIGNED_IN),
    "two_factor_verify": Row("", SECOND_FACTOR, SECOND_FACTOR),
    "healthz": Row("", ALL_200, ALL_405),
    # The test client calls from 127.0.0.1, which METRICS_ALLOWED_IPS allows by default.
    "metrics": Row("", ALL_200, ALL_405),
    "assessments:partner_list": Row("", PROVIDERS, ALL_405),
    "partners:create": Row("", PROVIDERS, PROVIDERS),
    "assessments:partner_detail": Row("partner", PROVIDERS, ALL_405),
    "partners:edit": Row("partner", PROVIDERS, PROVIDERS),
    "partners:contact_create": Row("partner", PROVIDERS, PROVIDERS),
    # Only people working for the partner (and leadership, staff) edit its contacts.
    "partners:contact_edit": Row("partner contact", PROVIDER_CHANGERS, PROVIDER_CHANGERS),
    "partners:engagement_create": Row("partner", PROVIDERS, PROVIDERS),
    "partners:engagement_edit": Row("engagement", CHANGERS, CHANGERS),
    "partners:event_create": Row("engagement", CHANGERS, CHANGERS),
    "partners:event_edit": Row("engagement event", CHANGERS, CHANGERS),
    # The event is older than 30 days; the form asks for a reason, so a POST without one
    # shows the form again.
    "partners:event_delete": Row("engagement event", MANAGER_AND_LEADERS, MANAGER_AND_LEADERS),
    "partners:event_import": Row("engagement", PROVIDER_CHANGERS, PROVIDER_CHANGERS),
    "partners:event_import_confirm": Row("engagement", ALL_405, PROVIDER_CHANGERS_REDIRECT),
    "partners:event_import_template": Row("engagement", PROVIDER_CHANGERS, PROVIDER_CHANGERS),
    "partners:events_import": Row("", PROVIDERS, PROVIDERS),
    "partners:events_import_confirm": Row("", ALL_405, PROVIDERS_REDIRECT),
    "partners:events_import_template": Row("", PROVIDERS, PROVIDERS),
    "assessments:home": Row("", ALL_302, ALL_302),
    "assessments:my_engagements": Row("", ACCOUNT_MANAGERS, ALL_405),
    "assessments:dashboard": Row("", LEADERSHIP, ALL_405),
    "assessments:dashboard_export": Row("", LEADERSHIP, ALL_405),
    "assessments:dashboard_partners": Row("", LEADERSHIP, ALL_405),
    "assessments:dashboard_partners_export": Row("", LEADERSHIP, ALL_405),
    "assessments:engagement_detail": Row("engagement", PROVIDERS, ALL_405),
    "assessments:engagement_changes": Row("engagement", PROVIDERS, ALL_405),
    "assessments:invitation_create": Row("engagement", CHANGERS, CHANGERS),
    "assessments:invitation_remind": Row("engagement invitation", ALL_405, CHANGERS_REDIRECT),
    "assessments:invitation_revoke": Row("engagement invitation", ALL_405, CHANGERS_REDIRECT),
    "assessments:self_assessment": Row("engagement", CHANGERS, CHANGERS),
    "assessments:policy_list": Row("", POLICY_LAB, ALL_405),
    "assessments:policy_create": Row("", POLICY_LAB, POLICY_LAB),
    "assessments:policy_detail": Row("version", POLICY_LAB, ALL_405),
    "assessments:policy_activate": Row("version", POLICY_LAB, POLICY_LAB_REDIRECT),
    "assessments:backtest_create": Row("version", ALL_405, POLICY_LAB),
    "assessments:backtest_detail": Row("backtest", POLICY_LAB, ALL_405),
    "assessments:backtest_export": Row("backtest", POLICY_LAB, ALL_405),
    "assessments:rate_list": Row("", CLIENTS, ALL_405),
    "assessments:rate_thanks": Row("", ALL_200, ALL_405),
    "assessments:rate_engagement": Row("engagement", CLIENT_A, CLIENT_A),
    # Anyone holding a valid link may rate; the link is the credential. Its first visit
    # trades it for the session and redirects to rate/link/, which without one is 404.
    "assessments:rate": Row("token", ALL_302, ALL_405),
    "assessments:rate_session": Row("", ALL_404, ALL_404),
    "assessments:event_review": Row("recent_event", ALL_405, CLIENT_A_POSTS),
    "assessments:plan_item_client_update": Row("plan_item", ALL_405, CLIENT_A_POSTS),
    "assessments:plan_item_create": Row("engagement", CHANGERS, CHANGERS),
    "assessments:plan_item_edit": Row("engagement plan_item", CHANGERS, CHANGERS),
}


def site_routes(resolver=None, prefix="", namespace=""):
    """(route, URL name) of every URL of the configuration, nested includes flattened."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from site_routes(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            yield route, namespace + (pattern.name or "")


def covered_routes():
    """(URL name, route) of every URL this matrix covers."""
    return [(n, r) for r, n in site_routes() if not r.startswith(EXCLUDED_PREFIXES)]


ROUTES = dict(covered_routes())


def url_of(name, world):
    """The URL of MATRIX[name], its arguments read from the world fixture."""
    return reverse(name, args=[world.get(arg, arg) for arg in MATRIX[name].args.split()])


def test_every_url_has_a_row():
    names = [name for name, _ in covered_routes()]
    assert sorted({n for n in names if names.count(n) > 1}) == [], "give these URLs own names"
    missing = sorted(route for name, route in covered_routes() if name not in MATRIX)
    assert missing == [], "add these URLs to MATRIX (by URL name)"
    assert sorted(set(MATRIX) - set(names)) == [], "these MATRIX rows have no URL any more"


@pytest.fixture
def world(engagement_a, engagement_b, partner_a, am, client_a, client_b):
    contact = ContactFactory(partner=partner_a, name="Rita Rater", is_product_owner=True)
    invitation, token = services.invitation_create(
        engagement=engagement_a, contact=contact, created_by=am
    )
    draft = services.policy_draft_create(
        values=selectors.active_policy().params().__dict__, created_by=None
    )
    today = timezone.localdate()
    backtest = services.backtest_run(policy=draft, start=today - dt.timedelta(days=14), end=today)
    return {
        "invitation": invitation.pk,
        "version": draft.version,
        "backtest": backtest.pk,
        "engagement": engagement_a.pk,
        "partner": partner_a.slug,
        "contact": contact.pk,
        "event": EventFactory(engagement=engagement_a, title="Kick-off delivered").pk,
        "recent_event": EventFactory(
            engagement=engagement_a,
            title="Sprint demo held",
            occurred_on=timezone.localdate(),
            notes="Internal: the demo nearly failed",
        ).pk,
        "plan_item": PlanItem.objects.create(
            engagement=engagement_a, title="Quarterly roadmap day", owner_side="client"
        ).pk,
        "token": token,
    }


@pytest.fixture
def personas(am, other_am, leader, client_a, client_b, staff):
    return {
        "anonymous": None,
        "am": am,
        "other_am": other_am,
        "leader": leader,
        "client_a": client_a,
        "client_b": client_b,
        "staff": staff,
    }


# What each client persona must never read: the other partner's names.
FOREIGN = {
    "client_a": ("Borealis Bank", "Mobile banking", "the demo nearly failed"),
    "client_b": (
        "Acme Logistics",
        "Route planner",
        "Kick-off delivered",
        "Rita Rater",
        "Sprint demo held",
        "Quarterly roadmap day",
    ),
}
# The rating link shows its engagement to whoever holds it, by design.
LINK_ROUTES = {"rate/<str:token>/"}


def _body(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _visit(client, user, url):
    """GET then POST as ``user``; every change is rolled back so personas cannot interfere."""
    client.logout()
    with transaction.atomic():
        if user is not None:
            client.force_login(user)
        got, posted = client.get(url), client.post(url)
        transaction.set_rollback(True)
    return got, posted


@pytest.mark.parametrize("name", list(MATRIX))
def test_status(client, world, personas, name):
    row, route = MATRIX[name], ROUTES[name]
    url = url_of(name, world)
    statuses, leaks, policies = {}, {}, set()
    for persona, user in personas.items():
        got, posted = _visit(client, user, url)
        statuses[persona] = (got.status_code, posted.status_code)
        if got["Content-Type"].startswith("text/html"):
            policies.add(got.get("Content-Security-Policy"))
        if persona in FOREIGN and route not in LINK_ROUTES:
            bodies = _body(got) + _body(posted)
            leaks[persona] = [name for name in FOREIGN[persona] if name in bodies]

    assert statuses == {p: (row.get[p], row.post[p]) for p in PERSONAS}
    assert leaks == dict.fromkeys(leaks, [])
    # Every HTML answer, page or error, carries the strict Content-Security-Policy.
    assert [directives(policy or "") for policy in policies] == [STRICT_POLICY] * len(policies)
