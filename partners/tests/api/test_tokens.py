"""/accounts/api-token/: a user creates, replaces and revokes their API token."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

URL = "/accounts/api-token/"


def api_status(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/engagements/").status_code


def test_sign_in_required(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_new_token_is_shown_once(client, am):
    client.force_login(am)

    created = client.post(URL, {"action": "create"}, follow=True)
    again = client.get(URL)

    key = Token.objects.get(user=am).key
    assert key in created.content.decode()
    assert "shown only this once" in created.content.decode()
    assert key not in again.content.decode()
    assert "Token in use" in again.content.decode()
    assert api_status(key) == 200


def test_replacing_a_token_retires_the_old_one(client, am):
    client.force_login(am)
    client.post(URL, {"action": "create"})
    old = Token.objects.get(user=am).key

    client.post(URL, {"action": "create"})

    new = Token.objects.get(user=am).key
    assert new != old
    assert (api_status(old), api_status(new)) == (403, 200)


def test_revoking_a_token(client, am):
    client.force_login(am)
    client.post(URL, {"action": "create"})
    key = Token.objects.get(user=am).key

    response = client.post(URL, {"action": "revoke"}, follow=True)

    assert not Token.objects.filter(user=am).exists()
    assert "Your API token was revoked" in response.content.decode()
    assert api_status(key) == 403


def test_clients_may_have_a_token_too(client, client_a):
    client.force_login(client_a)

    response = client.post(URL, {"action": "create"}, follow=True)

    assert response.status_code == 200
    assert Token.objects.filter(user=client_a).exists()


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


def test_a_script_creates_a_token_with_a_password(am):
    client = APIClient()
    body = {"username": "am", "password": "correct-horse-battery"}

    first = client.post("/api/v1/token/", body, format="json")
    second = client.post("/api/v1/token/", body, format="json")

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json()["token"] == Token.objects.get(user=am).key
    assert (api_status(first.json()["token"]), api_status(second.json()["token"])) == (403, 200)


def test_a_wrong_password_gets_no_token(am):
    response = APIClient().post(
        "/api/v1/token/", {"username": "am", "password": "guess"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Wrong username or password."]}
    assert not Token.objects.exists()


def test_password_guesses_are_throttled(am):
    client = APIClient()
    body = {"username": "am", "password": "guess"}

    statuses = [client.post("/api/v1/token/", body, format="json").status_code for _ in range(11)]

    assert statuses == [400] * 10 + [429]


def test_a_script_revokes_its_token(api, am):
    client = api(am)

    response = client.delete("/api/v1/token/")

    assert response.status_code == 204
    assert not Token.objects.filter(user=am).exists()
    assert client.get("/api/v1/engagements/").status_code == 403
