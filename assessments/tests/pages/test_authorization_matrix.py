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
ALL_405 = _expect(405, 405, 405, 405, 405, 405, 405)
# Provider staff read the whole portfolio; client product owners never see provider pages.
PROVIDERS = _expect(302, 200, 200, 200, 403, 403, 200)
# Changing engagement A: its manager, leadership and staff; client A sees it exists (403),
# client B does not (404).
CHANGERS = _expect(302, 200, 403, 200, 403, 404, 200)
CHANGERS_REDIRECT = _expect(302, 302, 403, 302, 403, 404, 302)
ACCOUNT_MANAGERS = _expect(302, 200, 200, 403, 403, 403, 403)
LEADERSHIP = _expect(302, 403, 403, 200, 403, 403, 403)
CLIENTS = _expect(302, 403, 403, 403, 200, 200, 403)
CLIENT_A = _expect(302, 403, 403, 403, 200, 404, 403)
# A client's write on /rate/ (POST only): client A is redirected back to their page, client B
# cannot see partner A's event or plan item at all.
CLIENT_A_POSTS = _expect(302, 403, 403, 403, 302, 404, 403)
# Provider pages scoped to engagement A: a client is refused before the engagement is read.
PROVIDER_CHANGERS = _expect(302, 200, 403, 200, 403, 403, 200)
# The policy lab: leadership and staff.
POLICY_LAB = _expect(302, 403, 403, 200, 403, 403, 200)
POLICY_LAB_REDIRECT = _expect(302, 403, 403, 302, 403, 403, 302)


@dataclass(frozen=True)
class Row:
    name: str
    args: tuple = ()
    get: dict = None
    post: dict = None


# route → how to build its URL from the world below, and the expected statuses.
MATRIX = {
    "accounts/login/": Row("login", get=ALL_200, post=ALL_200),
    "accounts/logout/": Row("logout", get=ALL_405, post=ALL_302),
    "accounts/password-reset/": Row("password_reset", get=ALL_200, post=ALL_200),
    "accounts/password-reset/sent/": Row("password_reset_done", get=ALL_200, post=ALL_405),
    "accounts/reset/<uidb64>/<token>/": Row(
        "password_reset_confirm", ("bad-uid", "bad-token"), get=ALL_200, post=ALL_200
    ),
    "accounts/reset/done/": Row("password_reset_complete", get=ALL_200, post=ALL_405),
    "accounts/api-token/": Row(
        "api_token",
        get=_expect(302, 200, 200, 200, 200, 200, 200),
        post=_expect(302, 200, 200, 200, 200, 200, 200),
    ),
    # Anyone signed in may add an authenticator app; only who has one is asked for a code.
    "accounts/two-factor/": Row(
        "two_factor_setup",
        get=_expect(302, 200, 200, 200, 200, 200, 200),
        post=_expect(302, 200, 200, 200, 200, 200, 200),
    ),
    "accounts/two-factor/verify/": Row(
        "two_factor_verify",
        get=_expect(302, 302, 302, 302, 302, 302, 200),
        post=_expect(302, 302, 302, 302, 302, 302, 200),
    ),
    "healthz": Row("healthz", get=ALL_200, post=ALL_405),
    # The test client calls from 127.0.0.1, which METRICS_ALLOWED_IPS allows by default.
    "metrics": Row("metrics", get=ALL_200, post=ALL_405),
    "partners/": Row("assessments:partner_list", get=PROVIDERS, post=ALL_405),
    "partners/new/": Row("partners:create", get=PROVIDERS, post=PROVIDERS),
    "partners/<slug:slug>/": Row(
        "assessments:partner_detail", ("partner",), get=PROVIDERS, post=ALL_405
    ),
    "partners/<slug:slug>/edit/": Row("partners:edit", ("partner",), get=PROVIDERS, post=PROVIDERS),
    "partners/<slug:slug>/contacts/new/": Row(
        "partners:contact_create", ("partner",), get=PROVIDERS, post=PROVIDERS
    ),
    # Only people working for the partner (and leadership, staff) edit its contacts.
    "partners/<slug:slug>/contacts/<int:pk>/edit/": Row(
        "partners:contact_edit",
        ("partner", "contact"),
        get=PROVIDER_CHANGERS,
        post=PROVIDER_CHANGERS,
    ),
    "partners/<slug:slug>/engagements/new/": Row(
        "partners:engagement_create", ("partner",), get=PROVIDERS, post=PROVIDERS
    ),
    "engagements/<int:pk>/edit/": Row(
        "partners:engagement_edit", ("engagement",), get=CHANGERS, post=CHANGERS
    ),
    "engagements/<int:pk>/events/new/": Row(
        "partners:event_create", ("engagement",), get=CHANGERS, post=CHANGERS
    ),
    "engagements/<int:pk>/events/<int:event_pk>/edit/": Row(
        "partners:event_edit", ("engagement", "event"), get=CHANGERS, post=CHANGERS
    ),
    # The event is older than 30 days: its account manager and leadership only; the form asks
    # for a reason, so a POST without one shows the form again.
    "engagements/<int:pk>/events/<int:event_pk>/delete/": Row(
        "partners:event_delete",
        ("engagement", "event"),
        get=_expect(302, 200, 403, 200, 403, 404, 403),
        post=_expect(302, 200, 403, 200, 403, 404, 403),
    ),
    "engagements/<int:pk>/events/import/": Row(
        "partners:event_import", ("engagement",), get=PROVIDER_CHANGERS, post=PROVIDER_CHANGERS
    ),
    "engagements/<int:pk>/events/import/confirm/": Row(
        "partners:event_import_confirm",
        ("engagement",),
        get=ALL_405,
        post=_expect(302, 302, 403, 302, 403, 403, 302),
    ),
    "engagements/<int:pk>/events/import/template.csv": Row(
        "partners:event_import_template",
        ("engagement",),
        get=PROVIDER_CHANGERS,
        post=PROVIDER_CHANGERS,
    ),
    "events/import/": Row("partners:events_import", get=PROVIDERS, post=PROVIDERS),
    "events/import/confirm/": Row(
        "partners:events_import_confirm",
        get=ALL_405,
        post=_expect(302, 302, 302, 302, 403, 403, 302),
    ),
    "events/import/template.csv": Row(
        "partners:events_import_template", get=PROVIDERS, post=PROVIDERS
    ),
    "": Row("assessments:home", get=ALL_302, post=ALL_302),
    "engagements/mine/": Row("assessments:my_engagements", get=ACCOUNT_MANAGERS, post=ALL_405),
    "dashboard/": Row("assessments:dashboard", get=LEADERSHIP, post=ALL_405),
    "dashboard/export.csv": Row("assessments:dashboard_export", get=LEADERSHIP, post=ALL_405),
    "dashboard/partners/": Row("assessments:dashboard_partners", get=LEADERSHIP, post=ALL_405),
    "dashboard/partners/export.csv": Row(
        "assessments:dashboard_partners_export", get=LEADERSHIP, post=ALL_405
    ),
    "engagements/<int:pk>/": Row(
        "assessments:engagement_detail", ("engagement",), get=PROVIDERS, post=ALL_405
    ),
    "engagements/<int:pk>/changes/": Row(
        "assessments:engagement_changes", ("engagement",), get=PROVIDERS, post=ALL_405
    ),
    "engagements/<int:pk>/invitations/new/": Row(
        "assessments:invitation_create", ("engagement",), get=CHANGERS, post=CHANGERS
    ),
    "engagements/<int:pk>/invitations/<int:invitation_pk>/remind/": Row(
        "assessments:invitation_remind",
        ("engagement", "invitation"),
        get=ALL_405,
        post=CHANGERS_REDIRECT,
    ),
    "engagements/<int:pk>/invitations/<int:invitation_pk>/revoke/": Row(
        "assessments:invitation_revoke",
        ("engagement", "invitation"),
        get=ALL_405,
        post=CHANGERS_REDIRECT,
    ),
    "engagements/<int:pk>/self-assessment/": Row(
        "assessments:self_assessment", ("engagement",), get=CHANGERS, post=CHANGERS
    ),
    "policies/": Row("assessments:policy_list", get=POLICY_LAB, post=ALL_405),
    "policies/new/": Row("assessments:policy_create", get=POLICY_LAB, post=POLICY_LAB),
    "policies/<int:version>/": Row(
        "assessments:policy_detail", ("version",), get=POLICY_LAB, post=ALL_405
    ),
    "policies/<int:version>/activate/": Row(
        "assessments:policy_activate", ("version",), get=POLICY_LAB, post=POLICY_LAB_REDIRECT
    ),
    "policies/<int:version>/backtests/": Row(
        "assessments:backtest_create", ("version",), get=ALL_405, post=POLICY_LAB
    ),
    "backtests/<int:pk>/": Row(
        "assessments:backtest_detail", ("backtest",), get=POLICY_LAB, post=ALL_405
    ),
    "backtests/<int:pk>/results.csv": Row(
        "assessments:backtest_export", ("backtest",), get=POLICY_LAB, post=ALL_405
    ),
    "rate/": Row("assessments:rate_list", get=CLIENTS, post=ALL_405),
    "rate/thanks/": Row("assessments:rate_thanks", get=ALL_200, post=ALL_405),
    "rate/engagements/<int:pk>/": Row(
        "assessments:rate_engagement", ("engagement",), get=CLIENT_A, post=CLIENT_A
    ),
    # Anyone holding a valid link may rate; the link is the credential. Its first visit
    # trades it for the session and redirects to rate/link/, which without one is 404.
    "rate/<str:token>/": Row("assessments:rate", ("token",), get=ALL_302, post=ALL_405),
    "rate/link/": Row(
        "assessments:rate_session",
        get=_expect(404, 404, 404, 404, 404, 404, 404),
        post=_expect(404, 404, 404, 404, 404, 404, 404),
    ),
    "rate/events/<int:pk>/review/": Row(
        "assessments:event_review", ("recent_event",), get=ALL_405, post=CLIENT_A_POSTS
    ),
    "rate/plan/<int:pk>/": Row(
        "assessments:plan_item_client_update", ("plan_item",), get=ALL_405, post=CLIENT_A_POSTS
    ),
    "engagements/<int:pk>/plan/new/": Row(
        "assessments:plan_item_create", ("engagement",), get=CHANGERS, post=CHANGERS
    ),
    "engagements/<int:pk>/plan/<int:item_pk>/edit/": Row(
        "assessments:plan_item_edit", ("engagement", "plan_item"), get=CHANGERS, post=CHANGERS
    ),
}


def site_routes(resolver=None, prefix=""):
    """Every route of the URL configuration, nested includes flattened."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from site_routes(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route


def covered_routes():
    return {route for route in site_routes() if not route.startswith(EXCLUDED_PREFIXES)}


def test_every_url_has_a_row():
    routes = covered_routes()
    assert sorted(routes - set(MATRIX)) == [], "add these URLs to MATRIX"
    assert sorted(set(MATRIX) - routes) == [], "these MATRIX rows have no URL any more"


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


@pytest.mark.parametrize("route", list(MATRIX))
def test_status(client, world, personas, route):
    row = MATRIX[route]
    url = reverse(row.name, args=[world.get(arg, arg) for arg in row.args])
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
