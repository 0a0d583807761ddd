"""selectors.partner_maturity and its set-based twin, partners_maturity, on real rows."""

import datetime as dt

import pytest
from django.utils import timezone

from assessments.engine.organisation import Stage
from assessments.selectors import partner_maturity, partners_maturity
from assessments.tests.factories import AssessmentFactory, local_noon
from partners.models import Engagement
from partners.tests.factories import ContactFactory, EngagementFactory, PartnerFactory

TODAY = dt.date(2026, 6, 30)
# Trust 68.8 (C4 R4 I3 S2): at or above the trust threshold of 65. Neutral answers give 50.
TRUSTING = {"credibility": 4, "reliability": 4, "intimacy": 3, "self_orientation": 2}
NEUTRAL = {"credibility": 3, "reliability": 3, "intimacy": 3, "self_orientation": 3}

pytestmark = pytest.mark.django_db


def rate(engagement, contact, answers, *, days_ago=10):
    return AssessmentFactory(
        engagement=engagement,
        rater_contact=contact,
        submitted_at=local_noon(TODAY - dt.timedelta(days=days_ago)),
        **answers,
    )


@pytest.fixture
def partner():
    return PartnerFactory(name="Acme")


def engagement(partner, level=1, score=40.0, status=Engagement.Status.ACTIVE):
    return EngagementFactory(partner=partner, level=level, score=score, status=status)


def test_rung_is_the_lower_median_and_score_the_mean_of_active_scored_engagements(partner):
    for level, score in ((4, 90.0), (3, 70.0), (2, 62.0), (1, 30.0)):
        engagement(partner, level, score)
    engagement(partner, 4, 95.0, status=Engagement.Status.CLOSED)  # not active
    engagement(partner, 4, None)  # not scored

    maturity = partner_maturity(partner=partner, as_of=TODAY)

    assert maturity.level == 2
    assert maturity.score == pytest.approx(63.0)
    assert maturity.engagements == 4


def test_partner_without_active_scored_engagement(partner):
    engagement(partner, 3, None)
    engagement(partner, 3, 70.0, status=Engagement.Status.PAUSED)

    maturity = partner_maturity(partner=partner, as_of=TODAY)

    assert (maturity.level, maturity.score, maturity.engagements) == (None, None, 0)
    assert maturity.stage == Stage.NONE.value


def test_stage_grows_from_one_person_to_the_organisation(partner):
    route, app = engagement(partner), engagement(partner)
    ada, bob, cy = (ContactFactory(partner=partner) for _ in range(3))
    ContactFactory(partner=partner)  # a fourth product owner who never rated

    rate(route, ada, NEUTRAL)
    assert partner_maturity(partner=partner, as_of=TODAY).stage == Stage.NONE.value

    rate(route, ada, TRUSTING, days_ago=5)  # her latest rating counts
    assert partner_maturity(partner=partner, as_of=TODAY).stage == Stage.INDIVIDUAL.value

    rate(route, bob, TRUSTING)
    rate(app, cy, NEUTRAL)  # app is rated, but by nobody who trusts us
    maturity = partner_maturity(partner=partner, as_of=TODAY)
    assert (maturity.stage, maturity.trusted_people, maturity.product_owners) == (
        Stage.TEAM.value,
        2,
        4,
    )

    rate(app, bob, TRUSTING)
    assert partner_maturity(partner=partner, as_of=TODAY).stage == Stage.ORGANISATION.value


def test_organisation_needs_half_of_the_product_owners(partner):
    route = engagement(partner)
    ada, bob = ContactFactory(partner=partner), ContactFactory(partner=partner)
    others = [ContactFactory(partner=partner) for _ in range(3)]  # five product owners
    rate(route, ada, TRUSTING)
    rate(route, bob, TRUSTING)

    assert partner_maturity(partner=partner, as_of=TODAY).stage == Stage.TEAM.value

    others[0].is_product_owner = False
    others[0].save()  # four product owners: two trusted people are half

    assert partner_maturity(partner=partner, as_of=TODAY).stage == Stage.ORGANISATION.value


def test_ratings_outside_the_window_do_not_count(partner):
    route = engagement(partner)
    ada, bob = ContactFactory(partner=partner), ContactFactory(partner=partner)
    rate(route, ada, TRUSTING, days_ago=365)  # a year old: outside the 365-day window
    rate(route, bob, TRUSTING, days_ago=364)
    rate(route, bob, TRUSTING, days_ago=-1)  # after as_of

    maturity = partner_maturity(partner=partner, as_of=TODAY)

    assert (maturity.stage, maturity.trusted_people) == (Stage.INDIVIDUAL.value, 1)


def test_an_older_trusting_rating_is_replaced_by_a_later_cooler_one(partner):
    route = engagement(partner)
    ada = ContactFactory(partner=partner)
    rate(route, ada, TRUSTING, days_ago=100)
    rate(engagement(partner), ada, NEUTRAL, days_ago=3)  # on another engagement

    assert partner_maturity(partner=partner, as_of=TODAY).trusted_people == 0


def test_set_based_version_matches_one_by_one(django_assert_num_queries):
    partners = [PartnerFactory() for _ in range(3)]
    for n, partner in enumerate(partners):
        for k in range(n + 1):
            e = engagement(partner, level=k + 1, score=20.0 * (k + 1))
            rate(e, ContactFactory(partner=partner), TRUSTING if k % 2 == 0 else NEUTRAL)
    ids = [p.pk for p in partners]

    with django_assert_num_queries(5):  # the policy, then four reads for every partner
        together = partners_maturity(partner_ids=ids, as_of=TODAY)

    assert together == {p.pk: partner_maturity(partner=p, as_of=TODAY) for p in partners}
    assert [together[pk].level for pk in ids] == [1, 1, 2]


def test_default_day_is_today(partner):
    route = engagement(partner)
    AssessmentFactory(
        engagement=route, rater_contact=ContactFactory(partner=partner), **TRUSTING,
        submitted_at=timezone.now(),
    )  # fmt: skip

    assert partner_maturity(partner=partner).trusted_people == 1
