import pytest

from partners import services

pytestmark = pytest.mark.django_db


def test_contact_create_normalises_email(partner_a):
    contact = services.contact_create(partner=partner_a, name="Ann", email=" Ann@Acme.EXAMPLE ")
    assert contact.email == "ann@acme.example"
