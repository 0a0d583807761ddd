"""The partners' maturity each recompute stores equals the live computation."""

import datetime as dt

import pytest
from django.utils import timezone

from assessments import services, tasks
from assessments.engine import partner_facts
from assessments.engine.scoring import ANSWER_ITEMS
from assessments.models import (
    AssessmentBarrier,
    LatestRating,
    PartnerFacts,
    TrustAssessment,
    TrustBarrier,
)
from assessments.pages.portfolio import portfolio_barriers
from assessments.selectors import (
    active_policy,
    barrier_counts,
    latest_client_ratings,
    partners_maturity,
)
from assessments.tests.pages.factories import RatingFactory
from partners import services as partner_services
from partners.models import Engagement, Partner
from partners.tests.factories import ContactFactory, EngagementFactory, PartnerFactory

from .test_facts import frozen_today, raters, varied_portfolio  # noqa: F401

# Trust 87 (C5 R5 I4 S1) trusts us.
WARM = {"credibility": 5, "reliability": 5, "intimacy": 4, "self_orientation": 1}
TRUSTING = {**dict.fromkeys(ANSWER_ITEMS, 4), **WARM}


@pytest.fixture
def recomputed(varied_portfolio):  # noqa: F811
    """The varied portfolio after a recompute of every engagement: the stored facts hold."""
    services.engagements_recompute_all(notify=False)
    return varied_portfolio


def stored():
    return {row.partner_id: row.maturity for row in PartnerFacts.objects.all()}


def live():
    return partners_maturity(partner_ids=Partner.objects.values_list("pk", flat=True))


def test_every_stored_partner_fact_matches_the_live_computation(varied_portfolio):  # noqa: F811
    lonely = PartnerFactory(name="No engagements yet")
    ContactFactory(partner=lonely, is_product_owner=True)

    services.engagements_recompute_all(notify=False)

    assert stored() == live()
    assert stored()[lonely.pk].product_owners == 1
    assert set(PartnerFacts.objects.values_list("facts_on", flat=True)) == {timezone.localdate()}
    assert {row.stage_rank for row in PartnerFacts.objects.all()} == {
        partner_facts.STAGE_ORDER[row.stage] for row in PartnerFacts.objects.all()
    }
    # Varied enough for the comparison to mean something.
    values = stored().values()
    assert len({m.stage for m in values}) >= 3
    assert {m.level for m in values} >= {None, 1}
    assert len({m.trusted_people for m in values}) >= 2


def test_stored_rungs_and_scores_match_on_higher_rungs(varied_portfolio):  # noqa: F811
    # The drawn evidence keeps every engagement low: lift some to see the median and mean.
    for n, engagement in enumerate(Engagement.objects.filter(status="active").order_by("pk")):
        level = 1 + n % 4
        Engagement.objects.filter(pk=engagement.pk).update(level=level, score=20.0 * level + n)

    partner_facts.partner_facts_refresh(policy=active_policy())

    assert stored() == live()
    assert len({m.level for m in stored().values()}) >= 3


def test_a_recompute_after_a_rating_refreshes_its_partner_only(
    recomputed,
    partner_a,
    am,
):
    before = stored()
    engagement = EngagementFactory(partner=partner_a, name="Newly rated", account_manager=am)
    # Two newcomers trust us on a new engagement: partner_a gains two trusted people.
    for name in ("Nia New", "Ole New"):
        RatingFactory(
            engagement=engagement,
            rater_contact=ContactFactory(partner=partner_a, name=name),
            **WARM,
        )
    other = next(pk for pk in before if pk != partner_a.pk)
    PartnerFacts.objects.filter(pk=other).update(trusted_people=99)

    services.engagement_recompute(engagement=engagement, notify=False)

    after = stored()
    assert after[partner_a.pk] == live()[partner_a.pk]
    assert after[partner_a.pk].trusted_people == before[partner_a.pk].trusted_people + 2
    assert after[partner_a.pk].engagements == before[partner_a.pk].engagements + 1
    assert after[other].trusted_people == 99  # not refreshed: not this engagement's partner


def test_a_rating_submitted_refreshes_its_partner_through_the_recompute_task(
    recomputed,
    client_a,
    engagement_a,
    django_capture_on_commit_callbacks,
):
    before = stored()[engagement_a.partner_id]

    with django_capture_on_commit_callbacks(execute=True):
        services.rating_submit(engagement=engagement_a, user=client_a, answers=TRUSTING)

    after = stored()[engagement_a.partner_id]
    assert after == live()[engagement_a.partner_id]
    assert after.trusted_people == before.trusted_people + 1


def test_the_nightly_recompute_and_a_history_rebuild_store_every_partner(varied_portfolio):  # noqa: F811
    tasks.recompute_all()
    assert stored() == live()

    PartnerFacts.objects.all().delete()
    services.history_rebuild(days=2)
    assert stored() == live()


def test_a_partner_facts_refresh_is_of_today_whatever_day_was_recomputed(
    varied_portfolio,  # noqa: F811
):
    services.engagements_recompute_all(
        as_of=timezone.localdate() - dt.timedelta(days=3), notify=False
    )
    assert set(PartnerFacts.objects.values_list("facts_on", flat=True)) == {timezone.localdate()}
    assert stored() == live()
    assert active_policy().window_days > 3


def test_the_stored_latest_ratings_give_the_live_portfolio_barriers(varied_portfolio):  # noqa: F811
    with_barriers = TrustAssessment.objects.filter(side="client").order_by("pk")
    for n, rating in enumerate(with_barriers):
        codes = list(TrustBarrier)[n % 3 : n % 3 + 1 + n % 2]
        AssessmentBarrier.objects.bulk_create(
            (AssessmentBarrier(assessment=rating, code=code) for code in codes),
            ignore_conflicts=True,  # the synthetic ratings name some already
        )
    services.engagements_recompute_all(notify=False)

    every = Engagement.objects.all()
    ratings = latest_client_ratings(
        TrustAssessment.objects.all(),
        as_of=timezone.localdate(),
        window_days=active_policy().window_days,
    )
    expected = barrier_counts(ratings)
    assert portfolio_barriers(every) == expected
    assert len(expected) >= 3
    assert LatestRating.objects.count() == ratings.count()


def test_a_product_owner_named_or_an_engagement_closed_refreshes_the_partner(
    recomputed,
    partner_a,
    am,
    django_capture_on_commit_callbacks,
):
    before = stored()[partner_a.pk]
    PartnerFacts.objects.filter(pk=partner_a.pk).update(trusted_people=99)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        contact = partner_services.contact_create(
            partner=partner_a, name="Pat Plain", email="pat@example.com"
        )
    assert callbacks == []  # not a product owner: nothing to refresh
    assert stored()[partner_a.pk].trusted_people == 99

    with django_capture_on_commit_callbacks(execute=True):
        partner_services.contact_update(contact=contact, data={"is_product_owner": True})
    named = stored()[partner_a.pk]
    assert named.product_owners == before.product_owners + 1
    assert named == live()[partner_a.pk]

    scored = partner_a.engagements.filter(status="active", score__isnull=False).first()
    with django_capture_on_commit_callbacks(execute=True):
        partner_services.engagement_update(engagement=scored, data={"status": "closed"}, user=am)
    closed = stored()[partner_a.pk]
    assert closed.engagements == named.engagements - 1
    assert closed == live()[partner_a.pk]
