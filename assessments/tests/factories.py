import datetime as dt
import re

import factory
from django.test import TestCase
from django.utils import timezone

from assessments import services
from assessments.models import TrustAssessment
from partners.tests.factories import ContactFactory, EngagementFactory

# One client's answers to the questionnaire: (C, R, I, S, technical, domain, advice).
LIKERT_ANSWERS = {
    "credibility": 4,
    "reliability": 4,
    "intimacy": 3,
    "self_orientation": 2,
    "technical": 4,
    "domain": 3,
    "advice": 3,
}


def as_posted(answers):
    """The answers as an HTML form posts them: every value a string."""
    return {item: str(value) for item, value in answers.items()}


# Answers as the rating form posts them; reliability 5 tells them from the other answers.
FORM_ANSWERS = as_posted({**LIKERT_ANSWERS, "reliability": 5, "advice": 2})


def after_commit():
    """Run the on-commit callbacks (the emails) of the block, as a real commit would."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def invite(engagement, contact, user):
    """services.invitation_create, its email sent; returns (invitation, raw token)."""
    with after_commit():
        return services.invitation_create(engagement=engagement, contact=contact, created_by=user)


def token_from_mail(message):
    """The raw token of the rating link in an invitation email."""
    return re.search(r"/rate/([\w-]+)/", message.body).group(1)


def local_noon(day):
    return dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_current_timezone())


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrustAssessment

    engagement = factory.SubFactory(EngagementFactory)
    side = TrustAssessment.Side.CLIENT
    rater_contact = factory.SubFactory(
        ContactFactory, partner=factory.SelfAttribute("..engagement.partner")
    )
    submitted_at = factory.LazyFunction(timezone.now)
    credibility = 3
    reliability = 3
    intimacy = 3
    self_orientation = 3
    technical = 3
    domain = 3
    advice = 3
