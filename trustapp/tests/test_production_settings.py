"""Production mode fails closed: DEBUG is off unless asked for, bad settings stop the start,
and a correctly configured deployment passes `check --deploy` with HTTPS enforced.

Each case starts a fresh Python with only the environment it names (settings are read once,
at import), so nothing of the test run's own DJANGO_DEBUG=1 leaks in.
"""

import json

import pytest
from django.db import connection
from django.utils.translation import trans_real

from partners.tests.factories import EventFactory
from trustapp.tests.processes import run

SECRET = "k3Yq9vZ2-production-secret-that-is-long-enough-0123456789abcdef"
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "trustapp.settings",
    "DJANGO_SECRET_KEY": SECRET,
    "DJANGO_ALLOWED_HOSTS": "trust.example.com",
    "EMAIL_URL": "smtp+tls://mailer:secret@mail.example.com:587",
    "DATABASE_URL": "postgres://trustapp@db.invalid:5432/trustapp",
}
# Production serves static files from collectstatic's manifest, which a test run has not
# built; the plain storage stands in for it, and nothing else changes.
# PRODUCTION_CLIENT starts a script that sends requests to the site with `client`.
PRODUCTION_CLIENT = """
import django, json
django.setup()
from django.test import Client, override_settings
override_settings(
    STORAGES={"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
).enable()
client = Client(HTTP_HOST="trust.example.com")
"""
REQUESTS = (
    PRODUCTION_CLIENT
    + """
plain = client.get("/accounts/login/")
secure = client.get("/accounts/login/", secure=True)
proxied = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "secure": [secure.status_code, secure.get("Strict-Transport-Security")],
    "secure_cookie": secure.cookies["csrftoken"]["secure"],
    "proxied": [proxied.status_code, proxied.get("Strict-Transport-Security")],
}))
"""
)


def test_a_production_environment_passes_check_deploy():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY must be set"),
        (
            {"DJANGO_SECRET_KEY": "django-insecure-development-only-key-do-not-deploy"},
            "DJANGO_SECRET_KEY must be set",
        ),
        ({"DJANGO_SECRET_KEY": "short-but-random-Zq8"}, "50 characters or more"),
        ({"DJANGO_ALLOWED_HOSTS": "*"}, "without '*'"),
        ({"DJANGO_ALLOWED_HOSTS": "trust.example.com,*"}, "without '*'"),
        ({"EMAIL_URL": ""}, "EMAIL_URL must point at a mail server"),
        ({"EMAIL_URL": "consolemail://"}, "EMAIL_URL must point at a mail server"),
    ],
)
def test_production_refuses_to_start_on_unsafe_settings(change, refusal):
    result = run(["-c", "import django; django.setup()"], {**PRODUCTION, **change})

    assert result.returncode != 0
    assert refusal in result.stderr


def test_debug_is_off_unless_asked_for():
    # Only the allowed hosts set, as in the review that found the app in DEBUG: it refuses.
    only_hosts = {"DJANGO_SETTINGS_MODULE": "trustapp.settings", "DJANGO_ALLOWED_HOSTS": "x.org"}
    refused = run(["-c", "import django; django.setup()"], only_hosts)
    debug = run(
        [
            "-c",
            "import django; django.setup(); "
            "from django.conf import settings; print(settings.DEBUG)",
        ],
        {**only_hosts, "DJANGO_DEBUG": "1"},
    )

    assert refused.returncode != 0
    assert "DJANGO_DEBUG is off" in refused.stderr
    assert debug.stdout.strip() == "True"


def test_https_is_enforced_in_production():
    result = run(["-c", REQUESTS], PRODUCTION)

    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["plain"] == [301, "https://trust.example.com/accounts/login/"]
    assert seen["secure"] == [200, "max-age=31536000; includeSubDomains; preload"]
    assert seen["secure_cookie"] is True
    # X-Forwarded-Proto is not trusted without the proxy switch: still a redirect.
    assert seen["proxied"][0] == 301


def test_behind_a_tls_proxy_the_proxy_redirects_and_its_header_is_trusted():
    result = run(["-c", REQUESTS], {**PRODUCTION, "DJANGO_BEHIND_TLS_PROXY": "1"})

    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["plain"] == [200, None]
    assert seen["proxied"] == [200, "max-age=31536000; includeSubDomains; preload"]


def test_hsts_and_session_age_come_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SECURE_HSTS_SECONDS, settings.SESSION_COOKIE_AGE, "
        "settings.SESSION_IDLE_TIMEOUT)"
    )
    env = {**PRODUCTION, "SECURE_HSTS_SECONDS": "600", "SESSION_COOKIE_AGE": "3600"}
    env["SESSION_IDLE_TIMEOUT"] = "900"

    assert run(["-c", code], env).stdout.split() == ["600", "3600", "900"]


def test_production_keeps_database_connections_and_checks_them_before_reuse():
    read = (
        "import django, json; django.setup(); from django.conf import settings; "
        "db = settings.DATABASES['default']; "
        "print(json.dumps([db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS']]))"
    )
    production = run(["-c", read], PRODUCTION)
    shorter = run(["-c", read], {**PRODUCTION, "DATABASE_CONN_MAX_AGE": "30"})
    development = run(["-c", read], {**PRODUCTION, "DJANGO_DEBUG": "1"})

    assert json.loads(production.stdout) == [300, True]
    assert json.loads(shorter.stdout) == [30, True]
    assert json.loads(development.stdout) == [0, True]


@pytest.mark.django_db
def test_postgresql_connections_run_without_jit_compiling():
    # See the README's benchmark section: JIT only ever fired on misestimated batch queries.
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


@pytest.mark.django_db
def test_pages_render_their_labels_without_translation_lookups(
    client, client_a, engagement_a, am, monkeypatch
):
    EventFactory(engagement=engagement_a, logged_by=am)  # a review form, with its choices
    lookups = []
    lookup = trans_real.DjangoTranslation.gettext
    monkeypatch.setattr(
        trans_real.DjangoTranslation,
        "gettext",
        lambda self, message: lookups.append(message) or lookup(self, message),
    )
    client.force_login(client_a)

    page = client.get("/rate/")

    assert page.status_code == 200
    assert "Confirm" in page.text  # the labels are there, and none was looked up
    assert lookups == []
