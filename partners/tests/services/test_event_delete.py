import pytest

from partners import services
from partners.models import EngagementEvent
from partners.tests.factories import log_event

pytestmark = pytest.mark.django_db


def test_event_delete_removes_it_and_bumps_version(engagement_a, am):
    event = log_event(engagement_a, am)
    services.event_delete(event=event, user=am, reason="Logged twice")
    engagement_a.refresh_from_db()
    assert engagement_a.evidence_version == 2
    assert not EngagementEvent.objects.exists()
