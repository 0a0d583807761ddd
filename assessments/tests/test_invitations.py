"""Rating invitations: tokens, single use, expiry, the scheduled sending."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assessments import selectors, services
from assessments.engine.scoring import ANSWER_ITEMS
from assessments.models import AssessmentInvitation, TrustAssessment, hash_token
from assessments.tests.factories import (
    FORM_ANSWERS,
    AssessmentFactory,
    after_commit,
    invite,
    token_from_mail,
)
from partners.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

ANSWERS = {**FORM_ANSWERS, "recommend": "9", "comment": "Solid team"}


@pytest.fixture
def po(partner_a):
    return ContactFactory(partner=partner_a, name="Pia Owner", email="pia@acme.example")


def open_link(client, raw):
    """Follow the emailed link: it trades the token for the session; returns the form URL."""
    response = client.get(reverse("assessments:rate", args=[raw]))
    assert response.status_code == 302
    return response.url


def test_invitation_stores_only_the_hash_and_emails_the_link(engagement_a, po, am):
    invitation, raw = invite(engagement_a, po, am)
    assert invitation.token_hash == hash_token(raw) != raw
    assert not AssessmentInvitation.objects.filter(token_hash=raw).exists()
    assert mail.outbox[-1].to == ["pia@acme.example"]
    assert token_from_mail(mail.outbox[-1]) == raw
    assert invitation.expires_at - invitation.created_at == dt.timedelta(days=14)


def test_invitation_refuses_contact_of_another_partner(engagement_a, partner_b, am):
    outsider = ContactFactory(partner=partner_b)
    with pytest.raises(ValidationError):
        invite(engagement_a, outsider, am)
    assert not AssessmentInvitation.objects.exists()
    assert mail.outbox == []


def test_rating_through_link_once(client, engagement_a, po, am):
    _, raw = invite(engagement_a, po, am)
    url = open_link(client, raw)
    assert url == reverse("assessments:rate_session")
    page = client.get(url)
    assert page.status_code == 200
    assert "They do what they say they will do, when they say they will." in page.text
    response = client.post(url, ANSWERS)
    assert response.status_code == 302
    assessment = TrustAssessment.objects.get()
    assert (assessment.side, assessment.rater_contact, assessment.reliability) == ("client", po, 5)
    assert assessment.recommend == 9
    engagement_a.refresh_from_db()
    assert engagement_a.evidence_version == 1
    again = client.get(reverse("assessments:rate", args=[raw]))
    assert again.status_code == 410
    assert "already been used" in again.text
    assert TrustAssessment.objects.count() == 1


def test_forged_token_is_refused(client):
    response = client.get(reverse("assessments:rate", args=["forged-token"]))
    assert response.status_code == 404
    assert "This link is not valid" in response.text


def test_expired_token_is_refused(client, engagement_a, po, am):
    _, raw = invite(engagement_a, po, am)
    with time_machine.travel(timezone.now() + dt.timedelta(days=15)):
        response = client.get(reverse("assessments:rate", args=[raw]))
    assert response.status_code == 410
    assert "expired" in response.text
    assert not TrustAssessment.objects.exists()


def test_incomplete_rating_keeps_answers_and_saves_nothing(client, engagement_a, po, am):
    _, raw = invite(engagement_a, po, am)
    partial = {**ANSWERS, "advice": ""}
    response = client.post(open_link(client, raw), partial)
    assert response.status_code == 200
    assert "Choose how much you agree with this statement." in response.text
    assert 'value="5" id="id_reliability_4" required checked' in response.text
    assert not TrustAssessment.objects.exists()


def test_submit_refuses_used_invitation_in_service(engagement_a, po, am):
    invitation, _ = invite(engagement_a, po, am)
    answers = {k: int(v) for k, v in ANSWERS.items() if k not in ("recommend", "comment")}
    services.assessment_submit(
        engagement=engagement_a, side="client", answers=answers, invitation=invitation
    )
    with pytest.raises(ValidationError, match="already been used"):
        services.assessment_submit(
            engagement=engagement_a, side="client", answers=answers, invitation=invitation
        )
    assert TrustAssessment.objects.count() == 1


def test_submit_validates_answer_ranges(engagement_a, po):
    answers = dict.fromkeys(ANSWER_ITEMS[:-1], 3)
    with pytest.raises(ValidationError) as error:
        services.assessment_submit(
            engagement=engagement_a,
            side="client",
            rater_contact=po,
            answers={**answers, "advice": 6},
            recommend=11,
        )
    assert error.value.message_dict == {
        "advice": ["Choose a value from 1 to 5."],
        "recommend": ["Choose a value from 0 to 10."],
    }
    assert not TrustAssessment.objects.exists()


def test_client_cannot_rate_another_partners_engagement(client, client_a, engagement_b):
    client.force_login(client_a)
    url = reverse("assessments:rate_engagement", args=[engagement_b.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, ANSWERS).status_code == 404
    assert not TrustAssessment.objects.exists()


def test_client_rates_own_engagement(client, client_a, engagement_a):
    client.force_login(client_a)
    response = client.post(reverse("assessments:rate_engagement", args=[engagement_a.pk]), ANSWERS)
    assert response.status_code == 302
    assessment = TrustAssessment.objects.get()
    assert (assessment.rater_contact, assessment.rater_user) == (client_a.contact, client_a)


def test_send_due_invitations_twice_sends_once(engagement_a, engagement_b, po, am):
    ContactFactory(partner=engagement_a.partner, is_product_owner=False)
    rated = ContactFactory(partner=engagement_b.partner, name="Recent Rater")
    AssessmentFactory(
        engagement=engagement_b,
        rater_contact=rated,
        submitted_at=timezone.now() - dt.timedelta(days=10),
    )
    with after_commit():
        first = services.invitations_send_due()
    with after_commit():
        second = services.invitations_send_due()
    assert first == (1, 0)
    assert second == (0, 0)
    assert [m.to for m in mail.outbox] == [["pia@acme.example"]]


def test_reminder_after_seven_days_once_with_a_new_link(engagement_a, po, am):
    invitation, old = invite(engagement_a, po, am)
    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        assert services.invitations_send_due() == (0, 1)
        assert services.invitations_send_due() == (0, 0)
    reminder = mail.outbox[-1]
    assert reminder.subject.startswith("Reminder: ")
    new = token_from_mail(reminder)
    assert new != old
    assert selectors.invitation_for_token(old) is None
    assert selectors.invitation_for_token(new).pk == invitation.pk


def test_invitation_page_sends_to_chosen_contacts(client, am, engagement_a, po):
    client.force_login(am)
    url = reverse("assessments:invitation_create", args=[engagement_a.pk])
    with after_commit():
        response = client.post(url, {"contacts": [po.pk]}, follow=True)
    assert "Rating link sent to Pia Owner." in response.text
    assert AssessmentInvitation.objects.get().contact == po
    assert len(mail.outbox) == 1


def test_invitation_page_forbidden_for_other_manager(client, other_am, engagement_a, po):
    client.force_login(other_am)
    url = reverse("assessments:invitation_create", args=[engagement_a.pk])
    assert client.post(url, {"contacts": [po.pk]}).status_code == 403
    assert not AssessmentInvitation.objects.exists()
