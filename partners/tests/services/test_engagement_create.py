import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from partners import services
from partners.models import Engagement
from partners.tests.factories import TODAY

pytestmark = pytest.mark.django_db


def test_engagement_create_refuses_end_before_start(partner_a, am):
    with pytest.raises(ValidationError) as error:
        services.engagement_create(
            partner=partner_a,
            name="X",
            account_manager=am,
            started_on=TODAY,
            ends_on=TODAY - dt.timedelta(days=1),
        )
    assert error.value.message_dict["ends_on"] == ["The end date cannot be before the start date."]
    assert not Engagement.objects.exists()
