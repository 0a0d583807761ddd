"""Chromium for the browser tests (marker `browser`): Debian's /usr/bin/chromium, driven by
Playwright's sync API against pytest-django's live_server."""

import os
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The password partners.tests.factories.UserFactory gives every persona.
PASSWORD = "correct-horse-battery"


def browser_fixture(when_missing):
    """A `browser` fixture: a launched Chromium, or `when_missing` (pytest.skip or pytest.fail)
    where none is installed."""

    @pytest.fixture
    def browser(live_server, transactional_db):
        # Started after the database fixtures on purpose: while Playwright's event loop runs in
        # this thread, asgiref gives the thread fresh database connections, which would miss
        # the serialized migration data that the next test's setup restores.
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        if not Path(CHROMIUM).exists():
            when_missing("Chromium is not installed (make chromium)")
        with sync_playwright() as driver:
            launched = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield launched
            launched.close()
            # Close the connections the test opened in that context, or the test database
            # could not be dropped at the end of the session.
            connections.close_all()

    return browser


def sign_in(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
