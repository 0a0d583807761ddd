"""Trust barriers: stored with a rating by `assessment_submit`, counted per engagement,
partner and portfolio, and never part of the score."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.utils import timezone

from assessments import selectors, services
from assessments.models import AssessmentBarrier, TrustAssessment, TrustBarrier
from assessments.tests.factories import LIKERT_ANSWERS, AssessmentFactory, local_noon
from partners.models import Engagement
from partners.tests.factories import ContactFactory, EngagementFactory, EventFactory

pytestmark = pytest.mark.django_db

ANSWERS = LIKERT_ANSWERS


@pytest.fixture
def engagement():
    return EngagementFactory(started_on=dt.date(2025, 1, 1))


@pytest.fixture
def contact(engagement):
    return ContactFactory(partner=engagement.partner, name="Ada Lovelace")


def submit(engagement, contact, barriers, **kwargs):
    return services.assessment_submit(
        engagement=engagement,
        side=TrustAssessment.Side.CLIENT,
        answers=ANSWERS,
        rater_contact=contact,
        barriers=barriers,
        **kwargs,
    )


def test_barriers_are_stored_with_the_rating(engagement, contact):
    rating = submit(engagement, contact, ["team_continuity", "losing_control"])

    assert rating.barrier_codes == ["losing_control", "team_continuity"]
    assert AssessmentBarrier.objects.count() == 2


@pytest.mark.parametrize(
    ("barriers", "message"),
    [
        (["losing_control", "fear_of_clowns"], "Unknown barrier: fear_of_clowns."),
        (["nothing", "provider_skills"], "cannot be chosen together with a barrier"),
    ],
)
def test_invalid_barriers_save_nothing(engagement, contact, barriers, message):
    version = engagement.evidence_version

    with pytest.raises(ValidationError) as error:
        submit(engagement, contact, barriers)

    assert message in error.value.message_dict["barriers"][0]
    assert TrustAssessment.objects.count() == 0
    assert AssessmentBarrier.objects.count() == 0
    assert Engagement.objects.get(pk=engagement.pk).evidence_version == version


def test_nothing_alone_and_no_answer_are_fine(engagement, contact):
    assert submit(engagement, contact, ["nothing"]).barrier_codes == ["nothing"]
    # Another contact: one contact rates an engagement at most once in 30 days.
    other = ContactFactory(partner=engagement.partner)
    assert submit(engagement, other, []).barrier_codes == []


def test_barriers_never_change_the_score(engagement, contact):
    today = timezone.localdate()
    EventFactory(engagement=engagement, kind="milestone_delivered", occurred_on=today)
    submit(engagement, contact, ["past_experience", "losing_control", "internal_perception"])
    submit(engagement, ContactFactory(partner=engagement.partner), ["provider_domain"])

    def snapshot():
        made = services.engagement_recompute(engagement=engagement, as_of=today)
        return model_to_dict(made, exclude=["id", "computed_at"])

    with_barriers = snapshot()
    AssessmentBarrier.objects.all().delete()
    without_barriers = snapshot()

    assert with_barriers["score"] > 0
    assert with_barriers == without_barriers


def test_counts_take_each_raters_latest_rating_in_the_window(engagement, contact):
    today = timezone.localdate()
    grace = ContactFactory(partner=engagement.partner)
    other = EngagementFactory(partner=engagement.partner, started_on=dt.date(2025, 1, 1))

    def rating(contact, days_ago, codes, on=engagement):
        made = AssessmentFactory(
            engagement=on,
            rater_contact=contact,
            submitted_at=local_noon(today - dt.timedelta(days=days_ago)),
        )
        AssessmentBarrier.objects.bulk_create(
            AssessmentBarrier(assessment=made, code=code) for code in codes
        )

    rating(contact, 400, ["provider_skills"])  # outside the window
    rating(contact, 90, ["past_experience", "losing_control"])  # replaced by her next one
    rating(contact, 10, ["losing_control", "unclear_strategy"])
    rating(grace, 20, ["losing_control"])
    rating(grace, 5, ["team_continuity"], on=other)  # grace's latest at the partner level

    def counts(ratings):
        return {row["code"]: row["count"] for row in selectors.barrier_counts(ratings)}

    scope = TrustAssessment.objects.filter(engagement__partner=engagement.partner)
    window = {"as_of": today, "window_days": 365}
    per_engagement = selectors.latest_client_ratings(
        scope.filter(engagement=engagement), per_engagement=True, **window
    )
    per_partner = selectors.latest_client_ratings(scope, **window)

    assert counts(per_engagement) == {"losing_control": 2, "unclear_strategy": 1}
    assert counts(per_partner) == {
        "losing_control": 1,
        "unclear_strategy": 1,
        "team_continuity": 1,
    }
    [first, *_] = selectors.barrier_counts(per_engagement)
    assert first == {
        "code": "losing_control",
        "label": TrustBarrier.LOSING_CONTROL.label,
        "hint": (
            "Shared roadmap and decision log; documentation, access and a handover plan the "
            "client owns."
        ),
        "count": 2,
    }


def test_counting_is_one_query(engagement, contact, django_assert_num_queries):
    submit(engagement, contact, ["losing_control"])
    ratings = selectors.latest_client_ratings(
        TrustAssessment.objects.all(), as_of=timezone.localdate(), window_days=365
    )

    with django_assert_num_queries(1):
        selectors.barrier_counts(ratings)


def test_staff_see_a_ratings_barriers_in_the_admin(client, engagement, contact, admin_user):
    rating = submit(engagement, contact, ["provider_domain"])
    client.force_login(admin_user)

    response = client.get(f"/admin/assessments/trustassessment/{rating.pk}/change/")

    assert response.status_code == 200
    assert 'value="provider_domain" selected' in response.text
