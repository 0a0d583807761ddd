import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from partners import services
from partners.models import Engagement, EngagementEvent, Partner

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 30)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 6, 30, 12, 0), tick=False):
        yield


def log(engagement, user, **overrides):
    data = {
        "engagement": engagement,
        "kind": "milestone_delivered",
        "occurred_on": TODAY,
        "title": "Release 2.4 shipped",
        "logged_by": user,
    }
    return services.event_log(**{**data, **overrides})


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


def test_contact_create_normalises_email(partner_a):
    contact = services.contact_create(partner=partner_a, name="Ann", email=" Ann@Acme.EXAMPLE ")
    assert contact.email == "ann@acme.example"


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


def test_event_log_saves_and_bumps_evidence_version(engagement_a, am):
    event = log(engagement_a, am, impact="high", notes="On time")
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
        log(engagement_a, am, **overrides)
    assert error.value.message_dict[field] == [message]
    engagement_a.refresh_from_db()
    assert engagement_a.evidence_version == 0
    assert not EngagementEvent.objects.exists()


def test_event_log_refuses_closed_engagement(engagement_a, am):
    engagement_a.status = Engagement.Status.CLOSED
    engagement_a.save()
    with pytest.raises(ValidationError) as error:
        log(engagement_a, am)
    assert error.value.messages == ["This engagement is closed; it takes no new evidence."]
    assert not EngagementEvent.objects.exists()


def test_event_update_and_delete_bump_version(engagement_a, am):
    event = log(engagement_a, am)
    services.event_update(
        event=event, data={"title": "Release 2.5", "impact": "low"}, reason="Smaller release"
    )
    event.refresh_from_db()
    assert (event.title, event.impact) == ("Release 2.5", "low")
    services.event_delete(event=event, user=am, reason="Logged twice")
    engagement_a.refresh_from_db()
    assert engagement_a.evidence_version == 3
    assert not EngagementEvent.objects.exists()


def test_event_update_refusal_keeps_old_values(engagement_a, am):
    event = log(engagement_a, am)
    with pytest.raises(ValidationError):
        services.event_update(event=event, data={"occurred_on": TODAY + dt.timedelta(days=3)})
    event.refresh_from_db()
    assert event.occurred_on == TODAY
    engagement_a.refresh_from_db()
    assert engagement_a.evidence_version == 1


def test_engagement_update_never_writes_back_scores(engagement_a, am):
    stale = Engagement.objects.get(pk=engagement_a.pk)
    log(engagement_a, am)
    Engagement.objects.filter(pk=engagement_a.pk).update(score=71.5, level=3)
    services.engagement_update(engagement=stale, data={"name": "Route planner 2"})
    engagement_a.refresh_from_db()
    assert (engagement_a.name, engagement_a.evidence_version) == ("Route planner 2", 1)
    assert (engagement_a.score, engagement_a.level) == (71.5, 3)


def test_event_without_logger_can_be_edited(engagement_a, am):
    event = log(engagement_a, am)
    EngagementEvent.objects.filter(pk=event.pk).update(logged_by=None)
    event.refresh_from_db()
    services.event_update(event=event, data={"title": "Renamed"})
    event.refresh_from_db()
    assert event.title == "Renamed"
