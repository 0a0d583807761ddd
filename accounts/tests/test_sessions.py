"""Sessions end after SESSION_IDLE_TIMEOUT without a request, and SESSION_COOKIE_AGE after
signing in however busy they are."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

pytestmark = pytest.mark.django_db

PAGE = "/partners/"


def signed_in(client, user):
    client.post(
        "/accounts/login/", {"username": user.username, "password": "correct-horse-battery"}
    )
    return client


def test_an_idle_session_ends_after_the_idle_timeout(client, am):
    signed_in(client, am)
    start = timezone.now()

    with time_machine.travel(start + dt.timedelta(hours=7, minutes=59)):
        within = client.get(PAGE).status_code
    with time_machine.travel(start + dt.timedelta(hours=16)):
        after_idle = client.get(PAGE)

    assert within == 200
    assert after_idle.status_code == 302
    assert after_idle["Location"].startswith("/accounts/login/")


def test_a_busy_session_ends_at_its_absolute_lifetime(client, am, settings):
    settings.SESSION_IDLE_TIMEOUT = 3600
    signed_in(client, am)
    start = timezone.now()
    statuses = []

    # A request every 50 minutes keeps it from ever going idle, for 7 days and 50 minutes.
    for step in range(1, 7 * 24 * 60 // 50 + 3):
        with time_machine.travel(start + dt.timedelta(minutes=50 * step)):
            statuses.append(client.get(PAGE).status_code)
        if statuses[-1] != 200:
            break

    lasted = dt.timedelta(minutes=50 * len(statuses))
    assert statuses[-1] == 302
    assert dt.timedelta(days=7) <= lasted < dt.timedelta(days=7, hours=1)


def test_a_session_from_before_the_stamps_gets_its_lifetime_from_its_next_request(client, am):
    from accounts.middleware import LAST_SEEN, SIGNED_IN_AT

    client.force_login(am)
    session = client.session
    del session[SIGNED_IN_AT], session[LAST_SEEN]
    session.save()
    start = timezone.now()

    first = client.get(PAGE).status_code
    with time_machine.travel(start + dt.timedelta(hours=9)):
        after_idle = client.get(PAGE).status_code

    assert (first, after_idle) == (200, 302)
