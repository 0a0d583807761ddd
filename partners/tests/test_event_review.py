"""event_review: a client product owner confirms or disputes the provider's claims."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from partners import services
from partners.models import Engagement, EngagementEvent
from partners.tests.factories import ContactFactory, EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(dt.datetime(2026, 6, 30, 12, 0), tick=False):
        yield


@pytest.fixture
def event(engagement_a):
    return EventFactory(
        engagement=engagement_a, title="Roadmap day", occurred_on=dt.date(2026, 6, 1)
    )


def version(engagement):
    return Engagement.objects.get(pk=engagement.pk).evidence_version


def test_product_owner_confirms_an_event(event, client_a):
    contact = client_a.contact
    before = version(event.engagement)

    services.event_review(event=event, contact=contact, status="confirmed", comment=" Yes. ")

    event.refresh_from_db()
    assert event.client_status == "confirmed"
    assert event.client_comment == "Yes."
    assert event.client_reviewed_by == contact
    assert event.client_reviewed_at is not None
    assert version(event.engagement) == before + 1


def test_the_latest_review_counts(event, client_a):
    services.event_review(event=event, contact=client_a.contact, status="disputed", comment="No")
    services.event_review(event=event, contact=client_a.contact, status="confirmed")

    event.refresh_from_db()
    assert (event.client_status, event.client_comment) == ("confirmed", "")


def test_a_client_of_another_partner_may_not_review(event, client_b):
    before = version(event.engagement)

    with pytest.raises(PermissionDenied):
        services.event_review(event=event, contact=client_b.contact, status="disputed")

    event.refresh_from_db()
    assert event.client_status == "unreviewed"
    assert version(event.engagement) == before


def test_a_contact_who_is_not_a_product_owner_may_not_review(event, partner_a):
    contact = ContactFactory(partner=partner_a, is_product_owner=False)

    with pytest.raises(PermissionDenied):
        services.event_review(event=event, contact=contact, status="confirmed")

    assert EngagementEvent.objects.get(pk=event.pk).client_status == "unreviewed"


@pytest.mark.parametrize("status", ["approved", "unreviewed", ""])
def test_an_unknown_status_is_refused(event, client_a, status):
    before = version(event.engagement)

    with pytest.raises(ValidationError) as refused:
        services.event_review(event=event, contact=client_a.contact, status=status)

    assert refused.value.message_dict == {"status": ["Choose confirmed or disputed."]}
    assert EngagementEvent.objects.get(pk=event.pk).client_status == "unreviewed"
    assert version(event.engagement) == before


def test_a_dispute_emails_the_account_manager(
    event, client_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.event_review(
            event=event, contact=client_a.contact, status="disputed", comment="We did not go."
        )

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [event.engagement.account_manager.email]
    assert mail.subject == "Acme Logistics disputes an event of Route planner"
    assert "Ada Client of Acme Logistics disputes" in mail.body
    assert "Roadmap day" in mail.body
    assert "We did not go." in mail.body


def test_a_confirmation_sends_no_email(
    event, client_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.event_review(event=event, contact=client_a.contact, status="confirmed")

    assert mailoutbox == []
