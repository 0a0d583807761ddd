import pytest
from django.core.exceptions import ValidationError

from partners import services
from partners.models import Partner

pytestmark = pytest.mark.django_db


def test_partner_create_makes_unique_slug():
    first = services.partner_create(name="Acme & Co")
    second = services.partner_create(name="Acme  Co")
    assert (first.slug, second.slug) == ("acme-co", "acme-co-2")


def test_partner_create_refuses_duplicate_name():
    services.partner_create(name="Acme")
    with pytest.raises(ValidationError) as error:
        services.partner_create(name="Acme")
    assert "name" in error.value.message_dict
    assert Partner.objects.count() == 1
