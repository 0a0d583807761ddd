import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from partners import services
from partners.models import EngagementEvent
from partners.tests.factories import TODAY, log_event

pytestmark = pytest.mark.django_db


def test_event_update_saves_and_bumps_version(engagement_a, am):
    event = log_event(engagement_a, am)
    services.event_update(
        event=event, data={"title": "Release 2.5", "impact": "low"}, reason="Smaller release"
    )
    event.refresh_from_db()
    assert (event.title, event.impact) == ("Release 2.5", "low")
    engagement_a.refresh_from_db()
    assert engagement_a.evidence_version == 2


def test_event_update_refusal_keeps_old_values(engagement_a, am):
    event = log_event(engagement_a, am)
    with pytest.raises(ValidationError):
        services.event_update(
            event=event, data={"occurred_on": TODAY + dt.timedelta(days=3)}, reason="Wrong date"
        )
    event.refresh_from_db()
    assert event.occurred_on == TODAY
    engagement_a.refresh_from_db()
    assert engagement_a.evidence_version == 1


def test_event_without_logger_can_be_edited(engagement_a, am):
    event = log_event(engagement_a, am)
    EngagementEvent.objects.filter(pk=event.pk).update(logged_by=None)
    event.refresh_from_db()
    services.event_update(event=event, data={"title": "Renamed"})
    event.refresh_from_db()
    assert event.title == "Renamed"
