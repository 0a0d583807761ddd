"""The portfolio facts each recompute stores equal the live computation from the evidence."""

import datetime as dt

import pytest
from django.utils import timezone

from assessments import services, tasks
from assessments.demo.synthetic import build_portfolio
from assessments.engine import facts, recompute, rows
from assessments.models import MaturitySnapshot, MonthEndRungCount
from assessments.pages import attention, insights
from assessments.selectors import active_policy
from assessments.tests.pages.factories import (
    LevelChangeFactory,
    RatingFactory,
    demo_portfolio,
    grow_relationship,
    snapshot,
)
from partners.models import Engagement
from partners.tests.factories import ContactFactory, EngagementFactory

FLAGS = ("is_stale", "is_at_risk", "is_falling", "one_person")


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 30, 15, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def raters(partner_a):
    return [ContactFactory(partner=partner_a), ContactFactory(partner=partner_a)]


@pytest.fixture
def varied_portfolio(am, other_am, partner_a, raters):
    """Drawn year-long histories (climbs, falls, lost levels, stale and fresh ratings), a
    relationship grown through real recomputes, closed and never-scored engagements, and a
    synthetic batch with random evidence."""
    made = demo_portfolio(managers={"am": am, "other_am": other_am})
    Engagement.objects.filter(pk=made["Risk engine"].pk).update(status="closed")
    made["Payments hub"].status = "paused"
    made["Payments hub"].save(update_fields=["status"])
    grown = EngagementFactory(partner=partner_a, name="Grown", account_manager=am)
    grow_relationship(engagement=grown, raters=raters, logged_by=am, history_days=35)
    demoted = EngagementFactory(partner=partner_a, name="Demoted", account_manager=am)
    snapshot(demoted, days_ago=40, score=70.0, level=3)
    LevelChangeFactory(engagement=demoted, from_level=3, to_level=2, as_of=timezone.localdate())
    RatingFactory(engagement=demoted, rater_contact=raters[0])
    EngagementFactory(partner=partner_a, name="Never scored", account_manager=am)
    build_portfolio(
        engagements=20,
        events_per_engagement=6,
        assessments_per_engagement=3,
        snapshot_days=95,
        account_manager=other_am,
        prefix="varied",
    )
    return made


def stored(engagements):
    rows = insights.load_in_order(list(engagements.order_by("pk").values_list("pk", flat=True)))
    return {
        e.pk: {
            "change_30d": e.change_30d,
            "last_rating_at": e.last_rating_at,
            "level_lost": e.level_lost,
            "is_stale": e.is_stale,
            "is_at_risk": e.is_at_risk,
            "is_falling": e.is_falling,
            "one_person": e.trust_on_one_person and e.status != "closed",
            "sparkline": e.sparkline,
            "next_rung_gap": e.next_rung_gap,
        }
        for e in rows
    }


def live(engagements, today):
    """The same facts computed from the evidence now, as the pages once did per request."""
    policy = active_policy().params()
    since = attention.stale_since(today)
    one_person = insights.one_person_ids(
        engagements.exclude(status="closed"), as_of=today, policy=policy
    )
    series = insights.score_series(
        engagement_ids=list(engagements.values_list("pk", flat=True)),
        since=today - dt.timedelta(days=89),
    )
    statuses = dict(engagements.values_list("pk", "status"))
    gaps = dict(
        MaturitySnapshot.objects.filter(as_of=today).values_list("engagement", "explanation")
    )
    result = {}
    for pk, change, rated_at, lost in attention.live_facts(engagements, today=today):
        stale, at_risk, falling = attention.raw_flags(
            change_30d=change, last_rating_at=rated_at, level_lost=lost, since=since
        )
        is_open = statuses[pk] != "closed"
        result[pk] = {
            "change_30d": change,
            "last_rating_at": rated_at,
            "level_lost": lost,
            "is_stale": is_open and stale,
            "is_at_risk": is_open and at_risk,
            "is_falling": is_open and falling,
            "one_person": pk in one_person,
            "sparkline": [round(score, 2) for score in series.get(pk, ())],
            "next_rung_gap": (gaps.get(pk) or {}).get("unmet", []),
        }
    return result


def assert_equal_facts(engagements, today):
    expected, actual = live(engagements, today), stored(engagements)
    assert actual.keys() == expected.keys()
    for pk, facts_now in expected.items():
        assert actual[pk] == pytest.approx(facts_now), pk


def test_every_stored_fact_matches_the_live_computation(varied_portfolio):
    services.engagements_recompute_all(notify=False)
    engagements = Engagement.objects.all()
    today = timezone.localdate()

    assert_equal_facts(engagements, today)
    # The portfolio is varied enough for the comparison to mean something: every flag is
    # both raised and lowered somewhere.
    values = stored(engagements).values()
    for name in FLAGS:
        assert {row[name] for row in values} == {True, False}, name


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_pipelined_recompute_stores_the_same_facts(varied_portfolio, monkeypatch):
    # Outside a transaction the recompute loads, scores and writes in three threads, each
    # batch's facts computed by the writer; small batches make several of them.
    monkeypatch.setattr(recompute, "BATCH_SIZE", 7)
    # And every batch's engagement rows are updated through COPY, as the nightly run's are.
    monkeypatch.setattr(rows, "COPY_FROM_ROWS", 1)
    assert recompute.can_pipeline() is True

    services.engagements_recompute_all(notify=False)

    assert_equal_facts(Engagement.objects.all(), timezone.localdate())


def test_a_recompute_without_facts_leaves_them(varied_portfolio):
    Engagement.objects.update(facts_on=None)

    services.engagements_recompute_all(notify=False, store_facts=False)

    assert set(Engagement.objects.values_list("facts_on", flat=True)) == {None}


def test_closing_an_engagement_clears_its_flags_without_a_recompute(varied_portfolio):
    services.engagements_recompute_all(notify=False)
    lab = varied_portfolio["Lab integration"]
    assert stored(Engagement.objects.filter(pk=lab.pk))[lab.pk]["is_stale"] is True

    Engagement.objects.filter(pk=lab.pk).update(status="closed")

    flags = stored(Engagement.objects.filter(pk=lab.pk))[lab.pk]
    assert [flags[name] for name in FLAGS] == [False, False, False, False]


def test_a_single_recompute_stores_the_facts_of_its_engagement(engagement_a, raters, am):
    grow_relationship(engagement=engagement_a, raters=raters, logged_by=am, history_days=35)
    RatingFactory(engagement=engagement_a, rater_contact=raters[0])

    services.engagement_recompute(engagement=engagement_a, notify=False)

    engagement_a.refresh_from_db()
    assert engagement_a.facts_on == timezone.localdate()
    assert engagement_a.last_rating_at == max(
        engagement_a.assessments.values_list("submitted_at", flat=True)
    )
    assert len(engagement_a.sparkline) == 35
    assert_equal_facts(Engagement.objects.filter(pk=engagement_a.pk), timezone.localdate())


def test_a_recompute_of_a_past_day_leaves_the_current_facts(engagement_a, raters, am):
    grow_relationship(engagement=engagement_a, raters=raters, logged_by=am, history_days=10)
    engagement_a.refresh_from_db()
    before = (engagement_a.facts_on, engagement_a.sparkline, engagement_a.change_30d)

    services.engagement_recompute(
        engagement=engagement_a, as_of=timezone.localdate() - dt.timedelta(days=3), notify=False
    )

    engagement_a.refresh_from_db()
    assert (engagement_a.facts_on, engagement_a.sparkline, engagement_a.change_30d) == before
    assert before[0] == timezone.localdate()


def test_the_month_end_counts_hold_each_rung_per_filter_combination(varied_portfolio, am):
    facts.rung_history_refresh(today=timezone.localdate())

    may = MonthEndRungCount.objects.filter(as_of=dt.date(2026, 5, 31))
    snapshots_then = MaturitySnapshot.objects.filter(as_of=dt.date(2026, 5, 31))
    assert sum(row.engagements for row in may) == snapshots_then.count()
    mine = sum(row.engagements for row in may.filter(account_manager=am, status="active"))
    assert (
        mine
        == snapshots_then.filter(
            engagement__account_manager=am, engagement__status="active"
        ).count()
    )
    assert not MonthEndRungCount.objects.filter(as_of=timezone.localdate()).exists()


def test_the_nightly_recompute_stores_facts_and_month_end_counts(varied_portfolio):
    tasks.recompute_all()

    assert set(Engagement.objects.values_list("facts_on", flat=True)) == {timezone.localdate()}
    may = MonthEndRungCount.objects.filter(as_of=dt.date(2026, 5, 31))
    assert (
        sum(row.engagements for row in may)
        == MaturitySnapshot.objects.filter(as_of=dt.date(2026, 5, 31)).count()
    )
