"""The invite page (issue 9, item 9): each contact's status, remind and revoke, and never a
second open invitation to the same contact for the same engagement."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assessments import selectors, services
from assessments.models import AssessmentInvitation
from assessments.tests.factories import AssessmentFactory, after_commit
from partners.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contacts(partner_a):
    return {
        name: ContactFactory(partner=partner_a, name=name, email=f"{name.lower()}@acme.example")
        for name in ("Ada", "Bea", "Cyd")
    }


def row(response, contact):
    text = response.text
    start = text.index(f'id="contact-{contact.pk}"')
    return text[start : text.index("</tr>", start)]


def test_each_contact_shows_where_they_stand(client, am, engagement_a, contacts):
    with time_machine.travel(dt.datetime(2026, 5, 4, 9, tzinfo=dt.UTC)), after_commit():
        services.invitation_create(engagement=engagement_a, contact=contacts["Bea"], created_by=am)
    AssessmentFactory(
        engagement=engagement_a,
        rater_contact=contacts["Cyd"],
        submitted_at=timezone.make_aware(dt.datetime(2026, 4, 20, 10)),
    )
    client.force_login(am)

    with time_machine.travel(dt.datetime(2026, 5, 10, 9, tzinfo=dt.UTC)):
        page = client.get(reverse("assessments:invitation_create", args=[engagement_a.pk]))

    assert "Never asked" in row(page, contacts["Ada"])
    assert "Invited on 4 May 2026, open until 18 May 2026" in row(page, contacts["Bea"])
    assert "Send a reminder" in row(page, contacts["Bea"])
    assert "Last rated on 20 Apr 2026" in row(page, contacts["Cyd"])
    assert "Revoke" not in row(page, contacts["Cyd"])


def test_a_duplicate_request_reminds_instead(client, am, engagement_a, contacts):
    client.force_login(am)
    url = reverse("assessments:invitation_create", args=[engagement_a.pk])
    with after_commit():
        client.post(url, {"contacts": [contacts["Ada"].pk]})
    with after_commit():
        response = client.post(url, {"contacts": [c.pk for c in contacts.values()]}, follow=True)

    assert "Rating link sent to Bea, Cyd." in response.text
    assert (
        "Ada already had an open invitation: we sent a reminder instead of a second invitation."
        in response.text
    )
    assert AssessmentInvitation.objects.filter(contact=contacts["Ada"]).count() == 1
    reminders = [m.to for m in mail.outbox if m.subject.startswith("Reminder: ")]
    assert reminders == [["ada@acme.example"]]
    assert len(mail.outbox) == 4


def test_remind_and_revoke(client, am, engagement_a, contacts):
    with after_commit():
        invitation, first_token = services.invitation_create(
            engagement=engagement_a, contact=contacts["Ada"], created_by=am
        )
    client.force_login(am)
    args = [engagement_a.pk, invitation.pk]

    with after_commit():
        reminded = client.post(reverse("assessments:invitation_remind", args=args), follow=True)
    revoked = client.post(reverse("assessments:invitation_revoke", args=args), follow=True)
    again = client.post(reverse("assessments:invitation_revoke", args=args), follow=True)

    assert "Reminder sent to Ada." in reminded.text
    assert selectors.invitation_for_token(first_token) is None
    assert "The invitation of Ada was withdrawn; its link no longer works." in revoked.text
    assert "This rating link has been withdrawn." in again.text
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert not invitation.is_open
    assert "Never asked" in row(revoked, contacts["Ada"])


def test_another_manager_cannot_revoke(client, am, other_am, engagement_a, contacts):
    invitation, _ = services.invitation_create(
        engagement=engagement_a, contact=contacts["Ada"], created_by=am
    )
    client.force_login(other_am)
    url = reverse("assessments:invitation_revoke", args=[engagement_a.pk, invitation.pk])
    assert client.post(url).status_code == 403
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_a_failed_send_shows_on_the_invite_page(client, am, engagement_a, contacts):
    type(engagement_a).objects.filter(pk=engagement_a.pk).update(name="A\nBcc: x@evil.example")
    engagement_a.refresh_from_db()
    with after_commit():
        services.invitation_create(engagement=engagement_a, contact=contacts["Ada"], created_by=am)
    client.force_login(am)

    page = client.get(reverse("assessments:invitation_create", args=[engagement_a.pk]))

    assert "Sending the email failed on" in row(page, contacts["Ada"])
