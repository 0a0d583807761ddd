import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from partners.models import Engagement, EngagementEvent
from partners.tests.factories import TODAY, log_event

pytestmark = pytest.mark.django_db


def test_event_log_saves_and_bumps_evidence_version(engagement_a, am):
    event = log_event(engagement_a, am, impact="high", notes="On time")
    engagement_a.refresh_from_db()
    assert engagement_a.evidence_version == 1
    assert engagement_a.dirty is True
    assert event.points == 4
    assert EngagementEvent.objects.get().logged_by == am


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"occurred_on": TODAY + dt.timedelta(days=1)},
            "occurred_on",
            "The date cannot be in the future.",
        ),
        (
            {"occurred_on": dt.date(2024, 12, 31)},
            "occurred_on",
            "The engagement started on 01 Jan 2025; the date cannot be earlier.",
        ),
        ({"kind": "made_up"}, "kind", "Value 'made_up' is not a valid choice."),
        ({"title": ""}, "title", "This field cannot be blank."),
        ({"impact": "huge"}, "impact", "Value 'huge' is not a valid choice."),
    ],
)
def test_event_log_refusals_save_nothing(engagement_a, am, overrides, field, message):
    with pytest.raises(ValidationError) as error:
        log_event(engagement_a, am, **overrides)
    assert error.value.message_dict[field] == [message]
    engagement_a.refresh_from_db()
    assert engagement_a.evidence_version == 0
    assert not EngagementEvent.objects.exists()


def test_event_log_refuses_closed_engagement(engagement_a, am):
    engagement_a.status = Engagement.Status.CLOSED
    engagement_a.save()
    with pytest.raises(ValidationError) as error:
        log_event(engagement_a, am)
    assert error.value.messages == ["This engagement is closed; it takes no new evidence."]
    assert not EngagementEvent.objects.exists()
