"""engagement_recompute and engagements_recompute_all against the database."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from assessments import selectors, services
from assessments.engine import recompute, rows
from assessments.engine.scoring import ANSWER_ITEMS
from assessments.models import LevelChange, MaturitySnapshot
from assessments.tests.factories import AssessmentFactory, local_noon
from partners.choices import Level
from partners.models import Engagement
from partners.tests.factories import ContactFactory, EngagementFactory, EventFactory

pytestmark = pytest.mark.django_db

T = dt.date(2026, 6, 30)
WORKED_EVENTS = [
    ("milestone_delivered", "normal", dt.date(2026, 6, 20)),
    ("milestone_delivered", "high", dt.date(2026, 4, 1)),
    ("deadline_missed", "normal", dt.date(2026, 5, 15)),
    ("technical_recommendation_adopted", "normal", dt.date(2026, 6, 1)),
    ("technical_praise", "normal", dt.date(2026, 3, 2)),
    ("competitor_analysis_shared", "normal", dt.date(2026, 6, 10)),
    ("strategy_invitation", "normal", dt.date(2026, 6, 25)),
    ("milestone_delivered", "normal", dt.date(2025, 5, 1)),
]
# 12 for scoring and writing a batch, 5 for the portfolio facts stored after it (facts.py),
# 8 for the partners' maturity and contacts' latest ratings (partner_facts.py).
RECOMPUTE_MAX_QUERIES = 25


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 6, 30, 18, 0), tick=False):
        yield


def rate(engagement, contact, day, answers, side="client"):
    return AssessmentFactory(
        engagement=engagement,
        rater_contact=contact,
        side=side,
        submitted_at=local_noon(day),
        **dict(zip(ANSWER_ITEMS, answers, strict=True)),
    )


@pytest.fixture
def worked_example(engagement_a):
    for kind, impact, day in WORKED_EVENTS:
        EventFactory(
            engagement=engagement_a,
            kind=kind,
            impact=impact,
            occurred_on=day,
            title=f"{kind} {day}",
        )
    ann = ContactFactory(partner=engagement_a.partner, name="Ann")
    bob = ContactFactory(partner=engagement_a.partner, name="Bob")
    rate(engagement_a, ann, dt.date(2026, 6, 15), (4, 4, 3, 2, 4, 3, 3))
    rate(engagement_a, bob, dt.date(2026, 3, 31), (5, 4, 4, 2, 5, 3, 2))
    # Provider self-assessments never count toward the score.
    rate(engagement_a, None, dt.date(2026, 6, 29), (5, 5, 5, 1, 5, 5, 5), side="provider")
    Engagement.objects.filter(pk=engagement_a.pk).update(evidence_version=11)
    return engagement_a


def test_worked_example_through_engagement_recompute(worked_example, django_assert_max_num_queries):
    with django_assert_max_num_queries(RECOMPUTE_MAX_QUERIES):
        snapshot = services.engagement_recompute(engagement=worked_example, as_of=T)
    approx = pytest.approx
    assert snapshot.delivery == approx(51.41, abs=0.01)
    assert snapshot.technical == approx(62.34, abs=0.01)
    assert snapshot.domain == approx(39.07, abs=0.01)
    assert snapshot.partnership == approx(36.37, abs=0.01)
    assert snapshot.trust == approx(71.16, abs=0.01)
    assert snapshot.trust_quotient == approx(5.9274, abs=0.0001)
    assert snapshot.score == approx(52.07, abs=0.01)
    assert snapshot.level == Level.EXECUTOR
    assert (snapshot.rater_count, snapshot.event_count, snapshot.assessment_count) == (2, 7, 2)
    assert snapshot.confidence == "medium"
    assert snapshot.explanation["unmet"][0] == {
        "condition": "delivery",
        "current": 51.41,
        "required": 60,
    }
    top = snapshot.explanation["dimensions"]["delivery"]["top_events"][0]
    assert (top["title"], top["points"]) == ("deadline_missed 2026-05-15", -2.11)
    worked_example.refresh_from_db()
    assert worked_example.score == approx(52.07, abs=0.01)
    assert worked_example.scored_version == 11
    assert worked_example.dirty is False


def test_recompute_same_day_overwrites_snapshot(worked_example):
    services.engagement_recompute(engagement=worked_example, as_of=T)
    EventFactory(engagement=worked_example, kind="domain_workshop", occurred_on=T)
    snapshot = services.engagement_recompute(engagement=worked_example, as_of=T)
    assert MaturitySnapshot.objects.filter(engagement=worked_example).count() == 1
    assert snapshot.event_count == 8


def test_scored_version_never_goes_backwards(worked_example):
    Engagement.objects.filter(pk=worked_example.pk).update(scored_version=20)
    services.engagement_recompute(engagement=worked_example, as_of=T)
    worked_example.refresh_from_db()
    assert worked_example.scored_version == 20


def strong_engagement(partner, manager):
    engagement = EngagementFactory(
        partner=partner, account_manager=manager, started_on=dt.date(2025, 1, 1)
    )
    for n in range(6):
        day = T - dt.timedelta(days=10 * n)
        for kind in (
            "milestone_delivered",
            "technical_praise",
            "domain_workshop",
            "strategy_invitation",
        ):
            EventFactory(engagement=engagement, kind=kind, occurred_on=day)
    for n, name in enumerate(("Cy", "Di")):
        contact = ContactFactory(partner=partner, name=f"{name} {engagement.pk}")
        rate(engagement, contact, T - dt.timedelta(days=n), (5, 5, 4, 1, 5, 5, 5))
    return engagement


def test_level_change_recorded_once_per_day(partner_a, am):
    engagement = strong_engagement(partner_a, am)
    services.engagement_recompute(engagement=engagement, as_of=T)
    services.engagement_recompute(engagement=engagement, as_of=T)
    change = LevelChange.objects.get(engagement=engagement)
    assert (change.from_level, change.to_level, change.as_of) == (1, 4, T)
    engagement.refresh_from_db()
    assert engagement.level == Level.TRUSTED_ADVISOR


def test_hysteresis_keeps_rung_inside_band(partner_a, am):
    engagement = EngagementFactory(partner=partner_a, account_manager=am, started_on=T)
    for kind in ("milestone_delivered", "technical_praise", "domain_workshop"):
        EventFactory.create_batch(4, engagement=engagement, kind=kind, occurred_on=T)
    # Partnership rests on two strategy invitations and an "advice" answer of 4:
    # D = 0.6 * 75 + 0.4 * E, 67.0 today; decay brings it to 55.9 after 120 days.
    EventFactory.create_batch(2, engagement=engagement, kind="strategy_invitation", occurred_on=T)
    for name in ("Cy", "Di"):
        rate(engagement, ContactFactory(partner=partner_a, name=name), T, (5, 5, 4, 1, 5, 5, 4))
    assert services.engagement_recompute(engagement=engagement, as_of=T).level == 4
    with time_machine.travel(dt.datetime(2026, 10, 28, 18, 0), tick=False):
        later = services.engagement_recompute(engagement=engagement, as_of=dt.date(2026, 10, 28))
    assert later.partnership == pytest.approx(55.9, abs=0.1)
    assert later.explanation["candidate_level"] == Level.DOMAIN_EXPERT
    assert later.level == Level.TRUSTED_ADVISOR
    assert not LevelChange.objects.filter(as_of=dt.date(2026, 10, 28)).exists()


def test_recompute_of_past_day_leaves_current_level(partner_a, am):
    engagement = strong_engagement(partner_a, am)
    services.engagement_recompute(engagement=engagement, as_of=T)
    services.engagement_recompute(engagement=engagement, as_of=dt.date(2025, 1, 2))
    engagement.refresh_from_db()
    assert engagement.level == Level.TRUSTED_ADVISOR


def varied_portfolio(partner_a, partner_b, am):
    engagements = [strong_engagement(partner_a, am), strong_engagement(partner_b, am)]
    plain = EngagementFactory(partner=partner_a, account_manager=am, started_on=dt.date(2025, 1, 1))
    EventFactory(engagement=plain, kind="escalation", impact="high", occurred_on=T)
    # Disputed events: one alone in its dimension, one among others.
    EventFactory(engagement=plain, kind="domain_workshop", occurred_on=T, client_status="disputed")
    EventFactory(
        engagement=plain, kind="milestone_delivered", occurred_on=T, client_status="disputed"
    )
    EventFactory(
        engagement=plain, kind="incident_resolved", occurred_on=T, client_status="confirmed"
    )
    engagements.append(plain)
    empty = EngagementFactory(partner=partner_b, account_manager=am, started_on=dt.date(2025, 1, 1))
    engagements.append(empty)
    rated = EngagementFactory(partner=partner_b, account_manager=am, started_on=dt.date(2025, 1, 1))
    rate(
        rated, ContactFactory(partner=partner_b), T - dt.timedelta(days=200), (2, 3, 2, 4, 3, 2, 1)
    )
    EventFactory(
        engagement=rated,
        kind="proposal_adopted",
        impact="low",
        occurred_on=T - dt.timedelta(days=364),
    )
    engagements.append(rated)
    return engagements


# What a recompute writes, less the moment it wrote it.
SNAPSHOT_NUMBERS = tuple(name for name in recompute.SNAPSHOT_FIELDS if name != "computed_at")


def snapshot_values():
    return {
        (s["engagement_id"], s["as_of"]): s
        for s in MaturitySnapshot.objects.values("engagement_id", "as_of", *SNAPSHOT_NUMBERS)
    }


def test_set_based_recompute_equals_single(partner_a, partner_b, am, django_assert_max_num_queries):
    engagements = varied_portfolio(partner_a, partner_b, am)
    for day in (T - dt.timedelta(days=40), T):
        for engagement in engagements:
            services.engagement_recompute(engagement=engagement, as_of=day)
    single = snapshot_values()
    single_levels = dict(Engagement.objects.values_list("pk", "level"))
    MaturitySnapshot.objects.all().delete()
    LevelChange.objects.all().delete()
    Engagement.objects.update(level=1, score=None)
    services.engagements_recompute_all(as_of=T - dt.timedelta(days=40))
    with django_assert_max_num_queries(RECOMPUTE_MAX_QUERIES):
        services.engagements_recompute_all(as_of=T)
    assert snapshot_values() == single
    assert dict(Engagement.objects.values_list("pk", "level")) == single_levels
    assert len({s["level"] for s in single.values()}) >= 2


def test_set_based_query_count_does_not_grow(partner_a, am):
    counts = []
    for size in (3, 15):
        while Engagement.objects.count() < size:
            strong_engagement(partner_a, am)
        with CaptureQueriesContext(connection) as queries:
            assert services.engagements_recompute_all(as_of=T) == size
        counts.append(len(queries))
    assert counts[0] == counts[1] <= RECOMPUTE_MAX_QUERIES


def test_history_rebuild_makes_daily_snapshots(worked_example):
    services.history_rebuild(engagement_ids=[worked_example.pk], days=5, until=T)
    days = list(MaturitySnapshot.objects.order_by("as_of").values_list("as_of", flat=True))
    assert days == [T - dt.timedelta(days=n) for n in range(4, -1, -1)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_pipelined_recompute_equals_locked_batches(partner_a, partner_b, am, monkeypatch):

    engagements = varied_portfolio(partner_a, partner_b, am)
    monkeypatch.setattr(recompute, "BATCH_SIZE", 2)
    assert recompute.can_pipeline() is True
    assert services.engagements_recompute_all(as_of=T) == len(engagements)
    pipelined = snapshot_values()
    pipelined_rows = set(Engagement.objects.values_list("pk", "level", "score", "scored_version"))
    MaturitySnapshot.objects.all().delete()
    for engagement in engagements:
        services.engagement_recompute(engagement=engagement, as_of=T)
    assert snapshot_values() == pipelined
    assert set(Engagement.objects.values_list("pk", "level", "score", "scored_version")) == (
        pipelined_rows
    )
    assert {level for _, level, _, _ in pipelined_rows} >= {1, 4}


def test_a_disputed_event_leaves_the_score_and_a_confirmed_one_stays(worked_example, client_a):
    from partners.services import event_review

    before = services.engagement_recompute(engagement=worked_example, as_of=T).explanation
    events = {e.kind: e for e in worked_example.events.filter(occurred_on__gte=dt.date(2026, 6, 1))}
    strategy, recommendation = (
        events["strategy_invitation"],
        events["technical_recommendation_adopted"],
    )

    event_review(event=strategy, contact=client_a.contact, status="disputed", comment="Not us")
    event_review(event=recommendation, contact=client_a.contact, status="confirmed")
    after = services.engagement_recompute(engagement=worked_example, as_of=T).explanation

    partnership = after["dimensions"]["partnership"]
    assert before["dimensions"]["partnership"]["points"] == 3.85
    assert partnership["points"] == 0
    assert partnership["top_events"] == []
    assert after["dimensions"]["technical"] == before["dimensions"]["technical"]
    assert recommendation.pk in [e["id"] for e in after["dimensions"]["technical"]["top_events"]]
    assert after["score"] < before["score"]


def test_copy_upsert_equals_the_single_statement(partner_a, partner_b, am, monkeypatch):
    engagements = varied_portfolio(partner_a, partner_b, am)
    EventFactory(
        engagement=engagements[2],
        kind="contract_extended",
        occurred_on=T,
        title='Tab\there, "quotes", back\\slash \\N and a\nnew line',
    )
    for engagement in engagements:
        services.engagement_recompute(engagement=engagement, as_of=T)
    single = snapshot_values()
    changes = level_change_links()
    assert changes
    MaturitySnapshot.objects.all().delete()
    monkeypatch.setattr(rows, "COPY_FROM_ROWS", 1)
    services.engagements_recompute_all(as_of=T)  # the day's first snapshots: COPY straight in
    assert snapshot_values() == single
    assert level_change_links() == changes
    services.engagements_recompute_all(as_of=T)  # the second run overwrites through COPY
    assert snapshot_values() == single
    assert level_change_links() == changes
    top = single[(engagements[2].pk, T)]["explanation"]["dimensions"]["partnership"]["top_events"]
    assert top[0]["title"] == 'Tab\there, "quotes", back\\slash \\N and a\nnew line'


def test_explanations_are_stored_compressed_with_lz4(partner_a, partner_b, am):
    # Migration 0012: lz4 costs the nightly write a fraction of pglz's time.
    varied_portfolio(partner_a, partner_b, am)
    services.engagements_recompute_all(as_of=T)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT pg_column_compression(explanation) FROM assessments_maturitysnapshot"
            " WHERE pg_column_size(explanation) < octet_length(explanation::text)"
        )
        assert cursor.fetchall() == [("lz4",)]


def level_change_links():
    """Each level change with the engagement and day of the snapshot it points at."""
    return sorted(
        LevelChange.objects.values_list(
            "engagement_id",
            "as_of",
            "from_level",
            "to_level",
            "snapshot__engagement_id",
            "snapshot__as_of",
        )
    )


def test_a_snapshot_written_meanwhile_turns_the_copy_into_an_upsert(
    partner_a, partner_b, am, monkeypatch
):
    engagements = varied_portfolio(partner_a, partner_b, am)
    monkeypatch.setattr(rows, "COPY_FROM_ROWS", 1)
    policy = selectors.active_policy()
    params = policy.params()
    ids = [e.pk for e in engagements]
    evidence = recompute._load_evidence(engagement_ids=ids, as_of=T, params=params, lock=True)
    assert not any(has_snapshot for *_, has_snapshot in evidence.states.values())
    # Another recompute writes one of the day's snapshots after the evidence was read.
    services.engagement_recompute(engagement=engagements[0], as_of=T)

    outcomes = recompute._evaluate_batch(evidence, as_of=T, params=params)
    recompute._write_results(outcomes=outcomes, as_of=T, policy=policy, locked=False)

    assert MaturitySnapshot.objects.filter(as_of=T).count() == len(engagements)
    written = snapshot_values()
    MaturitySnapshot.objects.all().delete()
    for engagement in engagements:
        services.engagement_recompute(engagement=engagement, as_of=T)
    assert snapshot_values() == written


def test_an_outcome_overtaken_by_newer_evidence_is_not_written(
    partner_a, partner_b, am, monkeypatch
):
    engagements = varied_portfolio(partner_a, partner_b, am)
    policy = selectors.active_policy()
    params = policy.params()
    ids = [e.pk for e in engagements]
    evidence = recompute._load_evidence(engagement_ids=ids, as_of=T, params=params, lock=False)
    outcomes = recompute._evaluate_batch(evidence, as_of=T, params=params)
    # While the batch waits for the writer, an event arrives and its own recompute runs.
    late = engagements[0]
    EventFactory(engagement=late, kind="escalation", impact="high", occurred_on=T)
    Engagement.objects.filter(pk=late.pk).update(evidence_version=F("evidence_version") + 1)
    newer = services.engagement_recompute(engagement=late, as_of=T)
    late.refresh_from_db()

    recompute._write_results(outcomes=outcomes, as_of=T, policy=policy, locked=False)

    kept = MaturitySnapshot.objects.get(engagement=late, as_of=T)
    assert (kept.pk, kept.score, kept.event_count) == (newer.pk, newer.score, newer.event_count)
    after = Engagement.objects.get(pk=late.pk)
    assert (after.level, after.score, after.scored_version) == (
        late.level,
        late.score,
        late.scored_version,
    )
    assert MaturitySnapshot.objects.filter(as_of=T).count() == len(engagements)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failed_load_still_hands_over_the_batches_written_before(
    partner_a, partner_b, am, monkeypatch
):
    engagements = varied_portfolio(partner_a, partner_b, am)
    assert len(engagements) > 4
    monkeypatch.setattr(recompute, "BATCH_SIZE", 2)
    load = recompute._load_evidence
    loads = []

    def third_load_fails(**kwargs):
        loads.append(kwargs["engagement_ids"])
        if len(loads) == 3:
            raise RuntimeError("the database went away")
        return load(**kwargs)

    monkeypatch.setattr(recompute, "_load_evidence", third_load_fails)
    done = []

    with pytest.raises(RuntimeError, match="went away"):
        services.engagements_recompute_all(
            as_of=T, notify=False, progress=lambda n, total: done.append(n)
        )

    # Both batches before the failure were written, and the caller heard of both.
    assert done == [2, 4]
    written = set(MaturitySnapshot.objects.values_list("engagement_id", flat=True))
    assert written == {pk for batch in loads[:2] for pk in batch}
