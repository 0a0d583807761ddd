"""The rating form names the provider and its readers, summarises errors at the top, keeps
self-orientation's polarity; the self-assessment speaks as the provider."""

import pytest
from django.core import mail
from django.urls import reverse

from assessments import services
from assessments.models import TrustAssessment
from assessments.tests.factories import FORM_ANSWERS
from partners.tests.factories import ContactFactory, UserFactory

ANSWERS = {**FORM_ANSWERS, "comment": ""}


@pytest.fixture
def link(settings, client, engagement_a, am, django_capture_on_commit_callbacks):
    settings.TRUSTAPP_PROVIDER_NAME = "Blue Harbour Consulting"
    settings.DEFAULT_FROM_EMAIL = "Trustapp <ratings@blueharbour.example>"
    engagement_a.team.add(UserFactory(username="tess", first_name="Tess", last_name="Team"))
    contact = ContactFactory(partner=engagement_a.partner, name="Pia Owner")
    with django_capture_on_commit_callbacks(execute=True):
        _, token = services.invitation_create(
            engagement=engagement_a, contact=contact, created_by=am
        )
    # The first visit trades the emailed token for this browser's session.
    assert client.get(reverse("assessments:rate", args=[token])).status_code == 302
    return reverse("assessments:rate_session")


def test_the_invitation_comes_from_the_provider_by_name(link):
    [email] = mail.outbox

    assert email.from_email == "Blue Harbour Consulting <ratings@blueharbour.example>"
    assert (
        email.subject == "How is your collaboration with Blue Harbour Consulting on Route planner?"
    )
    assert "Anna Manager, Blue Harbour Consulting" in email.body


def test_the_form_names_the_provider_and_the_people_who_read_the_answers(client, link):
    html = client.get(link).content.decode()

    assert "please rate <strong>Blue Harbour Consulting</strong>'s work" in html
    assert (
        "Your answers are read by the Blue Harbour Consulting account team: "
        "<strong>Anna Manager</strong> and <strong>Tess Team</strong>." in html
    )


def test_self_orientation_says_it_is_about_their_interests(client, link):
    html = client.get(link).content.decode()

    assert "They put their own interests ahead of ours." in html
    assert "This one is about their interests, not yours" in html


def test_errors_are_summarised_at_the_top_with_links_to_each_question(client, link):
    response = client.post(link, {**ANSWERS, "advice": "", "intimacy": ""})

    html = response.content.decode()
    summary = html[html.index('id="error-summary"') : html.index('id="q-credibility"')]
    assert "autofocus" in summary
    assert "Please check 2 answers" in summary
    assert '<a href="#q-intimacy">Statement 3: Choose how much you agree' in summary
    assert '<a href="#q-advice">Statement 7: Choose how much you agree' in summary
    assert not TrustAssessment.objects.exists()


def test_no_summary_before_the_first_submit(client, link):
    assert 'id="error-summary"' not in client.get(link).content.decode()


def test_the_self_assessment_speaks_as_the_provider_without_recommend(client, am, engagement_a):
    client.force_login(am)
    url = reverse("assessments:self_assessment", args=[engagement_a.pk])

    html = client.get(url).content.decode()
    assert "We know what we are talking about" in html
    assert "They know what they are talking about" not in html
    assert "This one is about our interests, not the client&#x27;s" in html
    assert "recommend" not in html

    response = client.post(url, {**ANSWERS, "recommend": "9"})

    assert response.status_code == 302
    saved = TrustAssessment.objects.get(side=TrustAssessment.Side.PROVIDER)
    assert (saved.recommend, saved.reliability) == (None, 5)
