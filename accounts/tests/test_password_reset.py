"""The password-reset form is throttled, and never tells whether an address has an account."""

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = "/accounts/password-reset/"


@pytest.fixture
def known(am):
    am.email = "am@provider.example"
    am.save()
    return am.email


def request_reset(client, email, address="198.51.100.1"):
    return client.post(URL, {"email": email}, REMOTE_ADDR=address)


def test_known_and_unknown_addresses_get_the_same_answer(client, known):
    for_known = request_reset(client, known)
    for_unknown = request_reset(client, "nobody@provider.example")

    assert for_known.status_code == for_unknown.status_code == 302
    assert for_known["Location"] == for_unknown["Location"] == reverse("password_reset_done")
    assert [message.to for message in mail.outbox] == [[known]]


def test_one_address_is_limited_whoever_asks(client, known):
    statuses = [
        request_reset(client, known, address=f"198.51.100.{n}").status_code for n in range(6)
    ]

    assert statuses == [302] * 5 + [429]
    assert len(mail.outbox) == 5


def test_one_client_is_limited_whatever_it_asks_and_the_refusal_reveals_nothing(client, known):
    for n in range(5):
        request_reset(client, f"guess{n}@provider.example")

    refused_known = request_reset(client, known)
    refused_unknown = request_reset(client, "nobody@provider.example")

    assert refused_known.status_code == refused_unknown.status_code == 429
    assert refused_known.content == refused_unknown.content
    assert mail.outbox == []
