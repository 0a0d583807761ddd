"""Two-factor sign-in (django-otp TOTP): required for staff and for groups named in
TWO_FACTOR_REQUIRED_GROUPS, optional for everyone else."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def password_sign_in(username):
    """A browser that has given the password, and nothing more, through the sign-in form."""
    browser = Client()
    response = browser.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def code_for(device):
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def set_up_authenticator(browser, user):
    browser.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    return browser.post("/accounts/two-factor/", {"code": code_for(device), "next": "/"}), device


def test_staff_must_set_up_two_factor_before_the_admin_site(staff):
    browser = password_sign_in("staff")

    refused = browser.get("/admin/")
    response, device = set_up_authenticator(browser, staff)

    assert refused.status_code == 302
    assert refused["Location"] == "/accounts/two-factor/?next=%2Fadmin%2F"
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=staff).confirmed is True
    assert browser.get("/admin/").status_code == 200


def test_staff_with_an_authenticator_give_a_code_at_each_sign_in(staff):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    browser = password_sign_in("staff")

    refused = browser.get("/admin/")
    wrong = browser.post("/accounts/two-factor/verify/", {"code": "000000"})
    still_refused = browser.get("/admin/")
    # After a wrong code the device makes the next try wait (django-otp's throttle).
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=3)):
        right = browser.post(
            "/accounts/two-factor/verify/", {"code": code_for(device), "next": "/admin/"}
        )

    assert refused["Location"] == "/accounts/two-factor/verify/?next=%2Fadmin%2F"
    assert "That code is not right" in wrong.content.decode()
    assert still_refused.status_code == 302
    assert right["Location"] == "/admin/"
    assert browser.get("/admin/").status_code == 200


def test_a_password_alone_cannot_replace_the_authenticator(staff):
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    browser = password_sign_in("staff")

    response = browser.get("/accounts/two-factor/")

    assert response["Location"] == "/accounts/two-factor/verify/"
    assert TOTPDevice.objects.filter(user=staff).count() == 1


def test_others_may_sign_in_without_it(am):
    assert password_sign_in("am").get("/partners/").status_code == 200


def test_others_may_opt_in_and_are_asked_from_then_on(am):
    browser = password_sign_in("am")
    _, device = set_up_authenticator(browser, am)

    # A code is good once: the next sign-in comes a TOTP step later.
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=31)):
        again = password_sign_in("am")
        refused = again.get("/partners/")
        again.post("/accounts/two-factor/verify/", {"code": code_for(device)})
        allowed = again.get("/partners/")

    assert refused["Location"] == "/accounts/two-factor/verify/?next=%2Fpartners%2F"
    assert allowed.status_code == 200


def test_a_setting_requires_it_for_a_group(leader, am, settings):
    settings.TWO_FACTOR_REQUIRED_GROUPS = ["Leadership"]

    leader_page = password_sign_in("leader").get("/dashboard/")
    manager_page = password_sign_in("am").get("/partners/")

    assert leader_page["Location"] == "/accounts/two-factor/?next=%2Fdashboard%2F"
    assert manager_page.status_code == 200
