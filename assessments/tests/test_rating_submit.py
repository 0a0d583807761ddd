"""rating_submit decides who a rating is from: the side and the rater."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from assessments import services
from assessments.engine.scoring import ANSWER_ITEMS
from assessments.models import TrustAssessment
from partners.tests.factories import ContactFactory

ANSWERS = dict.fromkeys(ANSWER_ITEMS, 4)


def test_a_client_product_owner_rates_as_their_own_contact(client_a, engagement_a):
    assessment = services.rating_submit(
        engagement=engagement_a, user=client_a, answers=ANSWERS, comment="Good year"
    )

    assert assessment.side == TrustAssessment.Side.CLIENT
    assert assessment.rater_contact == client_a.contact
    assert assessment.rater_user == client_a
    assert assessment.comment == "Good year"


def test_provider_staff_who_may_change_the_engagement_self_assess(am, engagement_a):
    assessment = services.rating_submit(
        engagement=engagement_a, user=am, answers=ANSWERS, recommend=8
    )

    assert assessment.side == TrustAssessment.Side.PROVIDER
    assert assessment.rater_contact is None
    assert assessment.rater_user == am
    assert assessment.recommend == 8


def test_provider_staff_who_may_not_change_it_are_refused(other_am, engagement_a):
    with pytest.raises(PermissionDenied, match="only self-assess engagements you may change"):
        services.rating_submit(engagement=engagement_a, user=other_am, answers=ANSWERS)

    assert not TrustAssessment.objects.exists()


def test_a_rating_link_rates_as_the_invited_contact_whoever_is_signed_in(
    am, engagement_a, django_capture_on_commit_callbacks
):
    contact = ContactFactory(partner=engagement_a.partner, name="Ines Invited")
    with django_capture_on_commit_callbacks(execute=True):
        invitation, _ = services.invitation_create(
            engagement=engagement_a, contact=contact, created_by=am
        )
    assert len(mail.outbox) == 1

    assessment = services.rating_submit(
        engagement=engagement_a, user=am, answers=ANSWERS, invitation=invitation
    )

    assert assessment.side == TrustAssessment.Side.CLIENT
    assert assessment.rater_contact == contact
    assert assessment.rater_user is None
    invitation.refresh_from_db()
    assert invitation.assessment == assessment
