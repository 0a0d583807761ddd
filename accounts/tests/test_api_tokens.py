"""API tokens (django-rest-knox): named, listed, revoked, expiring, stored as digests only."""

import datetime as dt
import importlib

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.api_tokens import api_token_create
from accounts.models import ApiToken, RetiredApiToken

pytestmark = pytest.mark.django_db

URL = "/accounts/api-token/"
PASSWORD = "correct-horse-battery"


def api_get(key):
    client = APIClient()
    if key is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/engagements/")


def database_text():
    """Every row of every table, as text: where a stored key would show."""
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            rows.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(rows)


def test_sign_in_required(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_new_named_token_is_shown_once_and_stored_as_a_digest_only(client, am):
    client.force_login(am)

    created = client.post(URL, {"action": "create", "name": "CRM sync"})
    key = created.context["new_key"]
    again = client.get(URL).content.decode()

    assert "shown only this once" in created.content.decode()
    assert key in created.content.decode()
    assert key not in again
    assert "CRM sync" in again
    assert api_get(key).status_code == 200
    token = ApiToken.objects.get(user=am)
    assert (token.name, len(token.digest)) == ("CRM sync", 128)
    assert key not in database_text()


def test_tokens_expire_after_the_configured_days(client, am):
    _, key = api_token_create(user=am, name="script")
    token = ApiToken.objects.get(user=am)

    assert abs(token.expiry - token.created - dt.timedelta(days=90)) < dt.timedelta(seconds=5)
    with time_machine.travel(token.expiry + dt.timedelta(minutes=1)):
        response = api_get(key)
    assert response.status_code == 401
    assert not ApiToken.objects.filter(user=am).exists()


def test_revoking_one_token_leaves_the_others(client, am):
    client.force_login(am)
    crm, crm_key = api_token_create(user=am, name="CRM")
    _, ci_key = api_token_create(user=am, name="CI")

    response = client.post(URL, {"action": "revoke", "token": crm.digest}, follow=True)

    assert "The API token was revoked" in response.content.decode()
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["CI"]
    assert (api_get(crm_key).status_code, api_get(ci_key).status_code) == (401, 200)


def test_nobody_revokes_another_users_token(client, am, other_am):
    token, key = api_token_create(user=other_am, name="theirs")
    client.force_login(am)

    client.post(URL, {"action": "revoke", "token": token.digest})

    assert api_get(key).status_code == 200


def test_a_missing_or_invalid_token_gets_401_with_www_authenticate(am):
    api_token_create(user=am)

    for response in (api_get(None), api_get("0" * 64), api_get("not\x00hex")):
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"


def test_the_browser_session_still_reaches_the_api(client, am):
    client.force_login(am)

    assert client.get("/api/v1/engagements/").status_code == 200


def test_a_retired_plain_text_token_is_explained_until_a_new_one_is_made(client, am):
    RetiredApiToken.objects.create(user=am, created=timezone.now() - dt.timedelta(days=40))
    client.force_login(am)

    before = client.get(URL).content.decode()
    client.post(URL, {"action": "create", "name": "new"})
    after = client.get(URL).content.decode()

    assert "no longer works" in before
    assert "no longer works" not in after


def test_the_migration_retires_drf_tokens_and_drops_their_keys(am):
    retire = importlib.import_module("accounts.migrations.0002_retire_plain_text_tokens").retire
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "created timestamptz NOT NULL, user_id bigint NOT NULL)"
        )
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, now(), %s)", ["a" * 40, am.pk])

    with connection.schema_editor() as schema_editor:
        retire(apps, schema_editor)

    assert RetiredApiToken.objects.get().user == am
    assert "authtoken_token" not in connection.introspection.table_names()


def test_clients_may_have_a_token_too(client, client_a):
    client.force_login(client_a)

    response = client.post(URL, {"action": "create", "name": "mine"})

    assert response.status_code == 200
    assert ApiToken.objects.filter(user=client_a).exists()


def test_a_script_creates_a_named_token_with_a_password(am):
    body = {"username": "am", "password": PASSWORD, "name": "nightly export"}

    response = APIClient().post("/api/v1/token/", body, format="json")

    assert response.status_code == 201
    assert response.json()["name"] == "nightly export"
    assert api_get(response.json()["token"]).status_code == 200


def test_a_wrong_password_gets_no_token(am):
    response = APIClient().post(
        "/api/v1/token/", {"username": "am", "password": "guess"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Wrong username or password."]}
    assert not ApiToken.objects.exists()


def test_password_guesses_are_throttled_whatever_x_forwarded_for_says(am):
    client = APIClient()
    body = {"username": "am", "password": "guess"}

    statuses = [
        client.post(
            "/api/v1/token/", body, format="json", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}"
        ).status_code
        for n in range(11)
    ]

    assert statuses == [400] * 10 + [429]


def test_an_account_with_two_factor_sign_in_gets_no_token_by_password(staff):
    body = {"username": "staff", "password": PASSWORD}

    response = APIClient().post("/api/v1/token/", body, format="json")

    assert response.status_code == 400
    assert "two factors" in response.json()["non_field_errors"][0]
    assert not ApiToken.objects.exists()


def test_a_script_revokes_the_token_it_uses(api, am):
    _, other_key = api_token_create(user=am, name="other")
    client = api(am)

    response = client.delete("/api/v1/token/")

    assert response.status_code == 204
    assert client.get("/api/v1/engagements/").status_code == 401
    assert api_get(other_key).status_code == 200


@pytest.mark.parametrize(("persona", "shown"), [("am", True), ("client_a", False)])
def test_the_api_links_are_in_the_user_menu_for_provider_staff(client, request, persona, shown):
    client.force_login(request.getfixturevalue(persona))

    page = client.get(URL).content.decode()

    main_nav = page[page.index('<nav aria-label="Main">') : page.index("</nav>")]
    user_menu = page[page.index('<details class="user-menu">') : page.index("</details>")]
    assert URL not in main_nav
    assert (f'<a href="{URL}">API token</a>' in user_menu) is shown
    assert ('<a href="/api/docs/">API docs</a>' in user_menu) is shown
    assert "Sign out" in user_menu
