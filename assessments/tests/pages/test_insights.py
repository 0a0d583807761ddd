"""The portfolio signals of DESIGN.md "Relationship insights", at their boundaries."""

import datetime as dt

import pytest
from django.utils import timezone

from assessments.demo.synthetic import build_portfolio
from assessments.models import MaturitySnapshot
from assessments.pages import insights
from assessments.pages.attention import summarise, with_flags
from partners.models import Engagement
from partners.tests.factories import ContactFactory, EngagementFactory

from .factories import LevelChangeFactory, RatingFactory, local_noon, snapshot, store_facts

TODAY = dt.date(2026, 6, 30)


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 30, 15, 0, tzinfo=dt.UTC), tick=False)


def signals(engagement):
    store_facts()
    return with_flags(Engagement.objects.filter(pk=engagement.pk)).get()


@pytest.mark.parametrize(("before", "at_risk"), [(60.0, True), (59.9, False)])
def test_at_risk_when_the_score_fell_ten_points_in_30_days(engagement_a, before, at_risk):
    snapshot(engagement_a, days_ago=31, score=75.0)
    snapshot(engagement_a, days_ago=30, score=before)
    snapshot(engagement_a, days_ago=0, score=50.0)

    row = signals(engagement_a)

    assert row.change_30d == pytest.approx(50.0 - before)
    assert row.is_at_risk is at_risk


@pytest.mark.parametrize(("days_ago", "at_risk"), [(89, True), (90, False)])
def test_at_risk_when_a_level_was_lost_in_90_days(engagement_a, days_ago, at_risk):
    snapshot(engagement_a, days_ago=0, score=50.0, level=2)
    LevelChangeFactory(
        engagement=engagement_a,
        from_level=3,
        to_level=2,
        as_of=TODAY - dt.timedelta(days=days_ago),
    )

    assert signals(engagement_a).is_at_risk is at_risk


def test_a_promotion_is_not_a_risk(engagement_a):
    LevelChangeFactory(engagement=engagement_a, from_level=2, to_level=3, as_of=TODAY)

    assert signals(engagement_a).is_at_risk is False


@pytest.mark.parametrize(("days_ago", "stale"), [(119, False), (120, True)])
def test_stale_without_a_client_rating_in_120_days(engagement_a, days_ago, stale):
    RatingFactory(
        engagement=engagement_a, submitted_at=local_noon(TODAY - dt.timedelta(days=days_ago))
    )

    row = signals(engagement_a)

    assert row.is_stale is stale
    assert timezone.localtime(row.last_rating_at).date() == TODAY - dt.timedelta(days=days_ago)


def test_a_self_assessment_does_not_keep_an_engagement_fresh(engagement_a, am):
    RatingFactory(engagement=engagement_a, side="provider", rater_contact=None, rater_user=am)

    assert signals(engagement_a).is_stale is True


def test_closed_engagements_are_never_stale_or_at_risk(engagement_a):
    snapshot(engagement_a, days_ago=30, score=80.0)
    snapshot(engagement_a, days_ago=0, score=20.0)
    Engagement.objects.filter(pk=engagement_a.pk).update(status=Engagement.Status.CLOSED)

    row = signals(engagement_a)

    assert (row.is_stale, row.is_at_risk, row.attention) == (False, False, 0)


def test_attention_ranks_risk_over_staleness_over_falling(partner_a, am):
    def engagement(name, before, now):
        made = EngagementFactory(partner=partner_a, name=name, account_manager=am)
        snapshot(made, days_ago=30, score=before)
        snapshot(made, days_ago=0, score=now)
        return made

    engagement("Risky", 70.0, 50.0)
    falling = engagement("Falling", 51.0, 50.0)
    RatingFactory(engagement=falling)
    engagement("Stale", 50.0, 50.0)

    store_facts()
    ranked = with_flags(Engagement.objects.all()).order_by("-attention")

    assert [(row.name, row.attention) for row in ranked] == [
        ("Risky", 7),
        ("Stale", 2),
        ("Falling", 1),
    ]


def test_trust_on_one_person_counts_single_raters_and_narrow_trust(partner_a, am):
    single = EngagementFactory(partner=partner_a, name="Single", account_manager=am, level=1)
    RatingFactory(engagement=single)
    narrow = EngagementFactory(partner=partner_a, name="Narrow", account_manager=am, level=3)
    RatingFactory(engagement=narrow, credibility=5, reliability=5, intimacy=5, self_orientation=1)
    RatingFactory(engagement=narrow, credibility=2, reliability=2, intimacy=2, self_orientation=4)
    broad = EngagementFactory(partner=partner_a, name="Broad", account_manager=am, level=3)
    trusting = {"credibility": 5, "reliability": 5, "intimacy": 4, "self_orientation": 1}
    for _ in range(2):
        RatingFactory(engagement=broad, **trusting)
    for engagement, raters in ((single, 1), (narrow, 2), (broad, 2)):
        snapshot(engagement, days_ago=0, score=50.0, level=engagement.level, rater_count=raters)

    store_facts()
    rows = insights.trust_on_one_person(Engagement.objects.all())

    assert Engagement.objects.filter(trust_on_one_person=True).count() == 2
    assert [(row["engagement"].name, row["raters"]) for row in rows] == [
        ("Narrow", 2),
        ("Single", 1),
    ]


def test_trust_on_one_person_reads_each_raters_latest_rating(partner_a, am):
    engagement = EngagementFactory(partner=partner_a, name="Turned", account_manager=am, level=3)
    ada, bob = ContactFactory(partner=partner_a), ContactFactory(partner=partner_a)
    trusting = {"credibility": 5, "reliability": 5, "intimacy": 5, "self_orientation": 1}
    RatingFactory(engagement=engagement, rater_contact=ada, **trusting)
    RatingFactory(
        engagement=engagement,
        rater_contact=bob,
        submitted_at=local_noon(TODAY - dt.timedelta(days=200)),
        **trusting,
    )
    RatingFactory(
        engagement=engagement,
        rater_contact=bob,
        submitted_at=local_noon(TODAY - dt.timedelta(days=10)),
        credibility=1,
        reliability=1,
        intimacy=1,
        self_orientation=5,
    )

    store_facts()
    rows = insights.trust_on_one_person(Engagement.objects.all())

    assert [row["engagement"].name for row in rows] == ["Turned"]


def test_month_ends_are_the_last_days_of_the_previous_twelve_months_then_today():
    ends = insights.month_ends(TODAY)

    assert ends[0] == dt.date(2025, 6, 30)
    assert ends[-2:] == [dt.date(2026, 5, 31), TODAY]
    assert len(ends) == 13


def test_rung_history_counts_snapshots_per_level_at_each_month_end(engagement_a, engagement_b):
    snapshot(engagement_a, days_ago=30, score=10.0, level=1)
    snapshot(engagement_b, days_ago=30, score=70.0, level=2)
    snapshot(engagement_a, days_ago=0, score=70.0, level=2)

    store_facts()
    current = summarise(Engagement.objects.all())["rungs"]
    history = dict(insights.rung_history({}, current=current, today=TODAY))

    assert history[dt.date(2026, 5, 31)] == {1: 1, 2: 1}
    assert history[TODAY] == {2: 2}
    assert history[dt.date(2026, 4, 30)] == {}


def test_the_score_series_holds_every_snapshot_since_the_day_oldest_first(am):
    today = timezone.localdate()
    ids = build_portfolio(engagements=3, snapshot_days=120, account_manager=am, prefix="series")
    MaturitySnapshot.objects.filter(engagement_id=ids[1], as_of=today - dt.timedelta(5)).delete()
    since = today - dt.timedelta(days=89)

    series = insights.score_series(engagement_ids=ids[:2], since=since)

    for pk in ids[:2]:
        daily = MaturitySnapshot.objects.filter(engagement_id=pk, as_of__gte=since)
        assert series[pk] == list(daily.order_by("as_of").values_list("score", flat=True))
    assert (len(series[ids[0]]), len(series[ids[1]])) == (90, 89)
    assert ids[2] not in series


def test_the_weekly_series_holds_one_snapshot_a_week_oldest_first(am):
    today = timezone.localdate()
    ids = build_portfolio(engagements=3, snapshot_days=380, account_manager=am, prefix="weekly")
    MaturitySnapshot.objects.filter(engagement_id=ids[1], as_of=today - dt.timedelta(7)).delete()

    series = insights.weekly_series(engagement_ids=ids[:2], today=today)

    for pk in ids[:2]:
        weekly = MaturitySnapshot.objects.filter(
            engagement_id=pk, as_of__in=[today - dt.timedelta(7 * n) for n in range(53)]
        ).order_by("as_of")
        assert series[pk] == list(weekly.values_list("score", flat=True))
    assert (len(series[ids[0]]), len(series[ids[1]])) == (53, 52)
    assert ids[2] not in series
