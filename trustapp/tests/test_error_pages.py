"""The branded 403, 404 and 500 pages, with DEBUG off: they say who is signed in and link
home, and the 500 page renders when the database is what failed."""

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production_mode(settings):
    settings.DEBUG = False


@pytest.mark.parametrize(
    ("persona", "url", "status", "heading", "name"),
    [
        ("am", "/no-such-page/", 404, "Page not found", "Anna Manager</strong>"),
        ("client_a", "/partners/", 403, "You may not open this page", ""),
    ],
)
def test_404_and_403_name_the_user_and_link_home(
    client, request, persona, url, status, heading, name
):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(url)

    page = response.content.decode()
    assert response.status_code == status
    assert f"<h1>{heading}</h1>" in page
    assert f"signed in as <strong>{name}" in page
    assert '<a href="/">Go to your home page</a>' in page
    assert "URLconf" not in page and "Page not found at" not in page


def test_404_for_a_visitor_offers_to_sign_in(client):
    page = client.get("/no-such-page/").content.decode()

    assert "You are not signed in" in page
    assert 'href="/accounts/login/"' in page


def test_500_renders_with_the_database_down(am, monkeypatch):
    browser = Client(raise_request_exception=False)
    browser.force_login(am)

    def database_down(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(CursorWrapper, "execute", database_down)
        response = browser.get("/partners/")

    page = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in page
    assert '<a href="/">Go to your home page</a>' in page
    assert "connection refused" not in page and "Traceback" not in page


def test_500_names_the_user_once_the_request_had_read_them(rf, am):
    from django.utils.functional import SimpleLazyObject

    from trustapp.errors import server_error

    request = rf.get("/")
    request.user = SimpleLazyObject(lambda: am)
    unread = server_error(request).content.decode()
    request.user.is_authenticated  # noqa: B018 (the request reads the user)
    read = server_error(request).content.decode()

    assert "signed in as" not in unread
    assert "signed in as <strong>Anna Manager</strong>" in read
