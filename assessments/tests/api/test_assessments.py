"""/api/v1/assessments/: client ratings and provider self-assessments."""

import datetime as dt

import pytest

from assessments.models import TrustAssessment
from assessments.tests.factories import LIKERT_ANSWERS, AssessmentFactory
from partners.models import Engagement
from partners.tests.factories import TODAY

pytestmark = pytest.mark.django_db

URL = "/api/v1/assessments/"


def test_a_client_rates_as_their_own_contact(
    api, client_a, world, django_capture_on_commit_callbacks
):
    body = {
        "engagement": world.engagement_a.pk,
        **LIKERT_ANSWERS,
        "recommend": 9,
        "comment": "Great team.",
        "side": "provider",
        "rater_contact": world.other_contact_a.pk,
        "rater_user": world.engagement_a.account_manager.pk,
        "submitted_at": "2025-01-01T00:00:00Z",
    }
    # The world's rating by this contact is today; move it out of the 30-day interval.
    world.assessment_a.submitted_at -= dt.timedelta(days=45)
    world.assessment_a.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = api(client_a).post(URL, body, format="json")

    assert response.status_code == 201, response.content
    rating = TrustAssessment.objects.get(pk=response.json()["id"])
    assert rating.side == "client"
    assert (rating.rater_contact, rating.rater_user) == (world.contact_a, client_a)
    assert (rating.recommend, rating.comment) == (9, "Great team.")
    assert rating.submitted_at.date() == TODAY
    engagement = Engagement.objects.get(pk=world.engagement_a.pk)
    assert engagement.scored_version == engagement.evidence_version


def test_provider_staff_self_assess(api, am, world):
    body = {"engagement": world.engagement_a.pk, **LIKERT_ANSWERS, "side": "client"}

    response = api(am).post(URL, body, format="json")

    assert response.status_code == 201, response.content
    rating = TrustAssessment.objects.get(pk=response.json()["id"])
    assert (rating.side, rating.rater_contact, rating.rater_user) == ("provider", None, am)


def test_answers_out_of_range_are_field_errors(api, client_a, world):
    body = {"engagement": world.engagement_a.pk, **LIKERT_ANSWERS, "intimacy": 6}

    response = api(client_a).post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json() == {"intimacy": ["Ensure this value is less than or equal to 5."]}


def test_a_closed_engagement_takes_no_ratings(api, client_a, world):
    Engagement.objects.filter(pk=world.engagement_a.pk).update(status="closed")
    body = {"engagement": world.engagement_a.pk, **LIKERT_ANSWERS}

    response = api(client_a).post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["This engagement is closed; it takes no new evidence."]
    }


def test_a_client_lists_only_their_own_ratings(api, client_a, world):
    AssessmentFactory(engagement=world.engagement_a, rater_contact=world.other_contact_a)

    response = api(client_a).get(URL)

    assert [r["id"] for r in response.json()["results"]] == [world.assessment_a.pk]


def test_provider_staff_list_every_rating(api, other_am, world):
    AssessmentFactory(engagement=world.engagement_a, rater_contact=world.other_contact_a)

    response = api(other_am).get(f"{URL}?engagement={world.engagement_a.pk}&side=client")

    assert response.json()["count"] == 2


def test_a_client_names_barriers_and_reads_them_back(api, client_a, world):
    # The world's rating by this client moves back beyond the 30 days between two ratings.
    world.assessment_a.submitted_at -= dt.timedelta(days=40)
    world.assessment_a.save(update_fields=["submitted_at"])
    body = {"engagement": world.engagement_a.pk, **LIKERT_ANSWERS}

    response = api(client_a).post(
        URL, {**body, "barriers": ["team_continuity", "past_experience"]}, format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["barriers"] == ["past_experience", "team_continuity"]
    listed = {row["id"]: row["barriers"] for row in api(client_a).get(URL).json()["results"]}
    assert listed == {
        response.json()["id"]: ["past_experience", "team_continuity"],
        world.assessment_a.pk: [],
    }


@pytest.mark.parametrize(
    ("barriers", "error"),
    [
        (["fear_of_clowns"], {"barriers": {"0": ['"fear_of_clowns" is not a valid choice.']}}),
        (
            ["nothing", "losing_control"],
            {"barriers": ["“Nothing holds me back” cannot be chosen together with a barrier."]},
        ),
    ],
)
def test_invalid_barriers_are_a_400_and_save_nothing(api, client_a, world, barriers, error):
    body = {"engagement": world.engagement_a.pk, **LIKERT_ANSWERS, "barriers": barriers}
    before = TrustAssessment.objects.count()

    response = api(client_a).post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json() == error
    assert TrustAssessment.objects.count() == before
