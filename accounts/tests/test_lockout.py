"""Sign-in lockout (django-axes): five wrong passwords per username and address lock out for
fifteen minutes, the right password included; staff unlock in admin."""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
LOGIN = "/accounts/login/"


def sign_in(client, password, username="am", **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_five_failures_lock_out_even_the_right_password(client, am):
    failures = [sign_in(client, "guess").status_code for _ in range(4)]
    fifth = sign_in(client, "guess")
    right = sign_in(client, PASSWORD)

    assert failures == [200] * 4
    assert fifth.status_code == 429
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    page = right.content.decode()
    until = timezone.localtime() + dt.timedelta(minutes=15)
    assert "Too many sign-in attempts" in page
    assert f"Try again at {until:%H:%M}" in page


def test_the_lockout_ends_after_the_cool_off(client, am):
    for _ in range(5):
        sign_in(client, "guess")

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        response = sign_in(client, PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(am.pk)


def test_the_lockout_is_per_username_and_address(client, am, other_am):
    for _ in range(5):
        sign_in(client, "guess")

    other_user = sign_in(client, PASSWORD, username="other_am")
    other_address = sign_in(client, PASSWORD, REMOTE_ADDR="192.0.2.7")

    assert (other_user.status_code, other_address.status_code) == (302, 302)


def test_the_failure_limit_comes_from_the_settings(client, am, settings):
    settings.AXES_FAILURE_LIMIT = 2

    statuses = [sign_in(client, "guess").status_code for _ in range(2)]

    assert statuses == [200, 429]


def test_staff_unlock_in_admin(client, am, staff):
    for _ in range(5):
        sign_in(client, "guess")
    attempt = AccessAttempt.objects.get(username="am")
    staff.is_superuser = True
    staff.save()
    admin = client.__class__()
    admin.force_login(staff)

    admin.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})

    assert not AccessAttempt.objects.exists()
    assert sign_in(client, PASSWORD).status_code == 302


def test_a_rotating_x_forwarded_for_does_not_escape_the_lockout(client, am):
    statuses = [
        sign_in(client, "guess", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code for n in range(5)
    ]
    right = sign_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="10.0.0.99")

    assert statuses == [200] * 4 + [429]
    assert right.status_code == 429
