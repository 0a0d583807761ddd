"""A password change, by any path, revokes every API token of that user (and only theirs)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.api_tokens import api_token_create
from accounts.models import ApiToken

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-long-passphrase-2026"


@pytest.fixture
def tokens(am, other_am):
    api_token_create(user=am, name="one")
    api_token_create(user=am, name="two")
    api_token_create(user=other_am, name="bystander")


def remaining():
    return sorted(ApiToken.objects.values_list("user__username", "name"))


def test_set_password_and_save(am, tokens):
    am.set_password(NEW_PASSWORD)
    am.save()

    assert remaining() == [("other_am", "bystander")]


def test_saves_that_keep_the_password_keep_the_tokens(am, tokens):
    am.first_name = "Annabel"
    am.save()
    am.save(update_fields=["last_login"])

    assert len(remaining()) == 3


def test_password_reset_form(client, am, tokens):
    am.email = "am@provider.example"
    am.save()
    client.post(reverse("password_reset"), {"email": "am@provider.example"})
    link = re.search(r"/accounts/reset/\S+/", mail.outbox[0].body).group(0)
    form_url = client.get(link)["Location"]

    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response["Location"] == reverse("password_reset_complete")
    assert remaining() == [("other_am", "bystander")]


def test_admin_password_change(client, staff, am, tokens):
    client.force_login(staff)
    staff.is_superuser = True
    staff.save()

    response = client.post(
        reverse("admin:auth_user_password_change", args=[am.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    assert response.status_code == 302
    assert remaining() == [("other_am", "bystander")]
