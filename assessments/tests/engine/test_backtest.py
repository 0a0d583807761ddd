"""backtest_run against the database: the simulation, its results and what it never writes."""

import datetime as dt
import random

import pytest
import time_machine
from django.core.exceptions import ValidationError

from assessments import selectors, services
from assessments.engine import backtest, scoring
from assessments.models import Backtest, BacktestResult, LevelChange, MaturitySnapshot
from assessments.tests.factories import AssessmentFactory, local_noon
from partners.choices import EventKind, Level
from partners.tests.factories import ContactFactory, EngagementFactory, EventFactory

pytestmark = pytest.mark.django_db

END = dt.date(2026, 6, 30)
START = END - dt.timedelta(days=28)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 6, 30, 18, 0), tick=False):
        yield


def active_params():
    return selectors.active_policy().params()


def draft(**changes):
    values = {**active_params().__dict__, **changes}
    return services.policy_draft_create(values=values, created_by=None)


def rate(engagement, answers, day, name):
    contact = ContactFactory(partner=engagement.partner, name=f"{name} {engagement.pk}")
    items = ("credibility", "reliability", "intimacy", "self_orientation")
    items += ("technical", "domain", "advice")
    AssessmentFactory(
        engagement=engagement,
        rater_contact=contact,
        submitted_at=local_noon(day),
        **dict(zip(items, answers, strict=True)),
    )


@pytest.fixture
def portfolio(partner_a, am):
    """strong: trusted advisor under any sane rule; middling: delivery and technical at 52.25
    on the last day (between 50 and 60); empty: no evidence."""
    strong, middling, empty = EngagementFactory.create_batch(
        3, partner=partner_a, account_manager=am, started_on=dt.date(2025, 1, 1)
    )
    for n in range(8):
        for kind in ("milestone_delivered", "technical_praise", "domain_workshop"):
            EventFactory(engagement=strong, kind=kind, occurred_on=END - dt.timedelta(days=5 * n))
        EventFactory(
            engagement=strong, kind="strategy_invitation", occurred_on=END - dt.timedelta(days=n)
        )
    for name in ("Cy", "Di"):
        rate(strong, (5, 5, 4, 1, 5, 5, 5), START - dt.timedelta(days=3), name)
    # One rating before the period: R = 75 for delivery and technical, 25 for domain.
    rate(middling, (4, 4, 3, 3, 4, 2, 2), START - dt.timedelta(days=10), "Ed")
    # On the last day, +2 points each: E = 100 (1 - e^-0.2) = 18.13, D = 45 + 7.25 = 52.25.
    EventFactory(engagement=middling, kind="milestone_delivered", occurred_on=END)
    EventFactory(engagement=middling, kind="technical_praise", occurred_on=END)
    return {"strong": strong, "middling": middling, "empty": empty}


def results_by_engagement(run):
    return {r.engagement_id: r for r in run.results.all()}


def test_unchanged_copy_of_active_policy_gives_same_levels(portfolio):
    copy = draft()
    run = services.backtest_run(policy=copy, start=START, end=END)
    results = results_by_engagement(run)
    assert set(results) == {e.pk for e in portfolio.values()}
    assert [(r.level_draft, r.score_draft) for r in results.values()] == [
        (r.level_active, r.score_active) for r in results.values()
    ]
    assert {r.deciding_gate for r in results.values()} == {""}
    assert run.status == Backtest.Status.DONE and run.progress == 100
    assert run.summary["lower_under_draft"] == run.summary["higher_under_draft"] == 0
    assert (MaturitySnapshot.objects.count(), LevelChange.objects.count()) == (0, 0)


def test_threshold_50_promotes_what_the_rule_says(portfolio):
    middling = portfolio["middling"]
    evaluation = scoring.evaluate(
        events=selectors.window_events(engagement_ids=[middling.pk], as_of=END, window_days=365)[
            middling.pk
        ],
        assessments=selectors.window_assessments(
            engagement_ids=[middling.pk], as_of=END, window_days=365
        )[middling.pk],
        previous_level=Level.EXECUTOR,
        policy=active_params(),
        as_of=END,
    )
    delivery = evaluation.dimensions["delivery"].score
    assert delivery == pytest.approx(52.25, abs=0.01)
    assert evaluation.dimensions["technical"].score == pytest.approx(52.25, abs=0.01)

    run = services.backtest_run(policy=draft(threshold=50), start=START, end=END)
    results = results_by_engagement(run)
    got = {
        name: (results[e.pk].level_active, results[e.pk].level_draft)
        for name, e in portfolio.items()
    }
    assert got == {
        "strong": (Level.TRUSTED_ADVISOR, Level.TRUSTED_ADVISOR),
        "middling": (Level.EXECUTOR, Level.SKILLED_PROVIDER),
        "empty": (Level.EXECUTOR, Level.EXECUTOR),
    }
    assert results[middling.pk].deciding_gate == "delivery 52.3 / 60 (active)"
    assert results[middling.pk].score_draft == pytest.approx(evaluation.score)
    assert run.summary["distribution"] == {
        "active": {"1": 2, "2": 0, "3": 0, "4": 1},
        "draft": {"1": 1, "2": 1, "3": 0, "4": 1},
    }
    assert run.summary["higher_under_draft"] == 1
    # The middling engagement moved up on the last step under the draft only.
    assert (results[middling.pk].changes_active, results[middling.pk].changes_draft) == (0, 1)
    assert run.summary["churn"]["draft"]["promotions"] == 1


def test_backtest_follows_scoring_step_by_step_with_hysteresis(partner_a, am):
    """Each engagement's level at the end equals a Python walk of `scoring.evaluate` over the
    same steps (previous level executor at start), on random evidence."""
    rng = random.Random(13)
    engagements = EngagementFactory.create_batch(
        6, partner=partner_a, account_manager=am, started_on=dt.date(2024, 1, 1)
    )
    for n, engagement in enumerate(engagements):
        for _ in range(15 * n):
            EventFactory(
                engagement=engagement,
                kind=rng.choice([k for k in EventKind if scoring.EVENT_CATALOGUE[k][1] > 0]),
                impact=rng.choice(["low", "normal", "high"]),
                occurred_on=END - dt.timedelta(days=rng.randrange(300)),
            )
        for k in range(n % 4):
            rate(
                engagement,
                [rng.randint(3, 5) for _ in range(7)],
                END - dt.timedelta(days=rng.randrange(300)),
                f"R{k}",
            )
    policy = draft(event_half_life_days=45, demotion_band=15)
    start = END - dt.timedelta(days=200)
    run = services.backtest_run(policy=policy, start=start, end=END, step_days=10)
    results = results_by_engagement(run)
    ids = [e.pk for e in engagements]
    days = backtest.step_dates(start, END, 10)
    for label, params in (("active", active_params()), ("draft", policy.params())):
        for pk in ids:
            level, changes = Level.EXECUTOR, 0
            for k, day in enumerate(days):
                events = selectors.window_events(engagement_ids=[pk], as_of=day, window_days=365)
                rated = selectors.window_assessments(
                    engagement_ids=[pk], as_of=day, window_days=365
                )
                evaluation = scoring.evaluate(
                    events=events.get(pk, ()),
                    assessments=rated.get(pk, ()),
                    previous_level=level,
                    policy=params,
                    as_of=day,
                )
                changes += k > 0 and evaluation.level != level
                level = evaluation.level
            result = results[pk]
            assert getattr(result, f"level_{label}") == level
            assert getattr(result, f"changes_{label}") == changes
            assert getattr(result, f"score_{label}") == pytest.approx(evaluation.score, abs=1e-9)
    assert len({r.level_active for r in results.values()}) >= 2


def test_backtest_of_chosen_engagements_only(portfolio):
    chosen = [portfolio["strong"].pk]
    run = services.backtest_run(policy=draft(), start=START, end=END, engagement_ids=chosen)
    assert list(run.results.values_list("engagement_id", flat=True)) == chosen


def test_end_before_start_is_refused(portfolio):
    with pytest.raises(ValidationError):
        services.backtest_run(policy=draft(), start=END, end=START)
    assert Backtest.objects.count() == BacktestResult.objects.count() == 0


def test_step_dates_end_on_the_end():
    assert backtest.step_dates(dt.date(2026, 1, 1), dt.date(2026, 1, 20), 7) == [
        dt.date(2026, 1, 1),
        dt.date(2026, 1, 8),
        dt.date(2026, 1, 15),
        dt.date(2026, 1, 20),
    ]


def test_progress_is_stored_on_the_backtest_while_it_runs(portfolio, monkeypatch):
    from assessments.engine import vector

    seen = []
    score_day = vector.score_day

    def spying(*args, **kwargs):
        seen.append(Backtest.objects.values_list("status", "progress").get())
        return score_day(*args, **kwargs)

    monkeypatch.setattr(vector, "score_day", spying)
    services.backtest_run(policy=draft(), start=START, end=END, step_days=7)
    # 5 steps under each policy: the row says "running" and its percent grows step by step.
    assert seen == [("running", p) for p in (0, 9, 19, 29, 39, 49, 59, 69, 79, 89)]
    assert Backtest.objects.values_list("status", "progress").get() == ("done", 100)


def test_failed_backtest_is_recorded(portfolio, monkeypatch):
    from assessments.engine import vector

    def broken(*args, **kwargs):
        raise MemoryError("out of memory")

    monkeypatch.setattr(vector, "score_day", broken)
    with pytest.raises(MemoryError):
        services.backtest_run(policy=draft(), start=START, end=END)
    assert Backtest.objects.values_list("status", "error").get() == ("failed", "out of memory")


def test_copied_event_arrays_equal_the_orm_ones(partner_a, am):
    import numpy as np

    rng = random.Random(5)
    engagements = EngagementFactory.create_batch(
        3, partner=partner_a, account_manager=am, started_on=dt.date(2024, 1, 1)
    )
    for engagement in engagements[:2]:
        for n in range(40):
            EventFactory(
                engagement=engagement,
                kind=rng.choice(list(EventKind)),
                impact=rng.choice(["low", "normal", "high"]),
                occurred_on=END - dt.timedelta(days=rng.randrange(500)),
                client_status=("unreviewed", "confirmed", "disputed")[n % 3],
            )
    ids = np.array(sorted(e.pk for e in engagements))
    first = END - dt.timedelta(days=364)
    copied = selectors.event_arrays_copied(ids=ids, first=first, last=END)
    loaded = selectors.event_arrays(ids=ids, first=first, last=END)
    order_c, order_l = np.argsort(copied.id), np.argsort(loaded.id)
    assert 40 < len(copied.id) < 80
    assert copied.disputed.any() and not copied.disputed.all()
    for column in ("engagement", "id", "day", "kind", "dimension", "points", "disputed"):
        assert (
            getattr(copied, column)[order_c].tolist() == getattr(loaded, column)[order_l].tolist()
        )


def test_copied_assessment_arrays_equal_the_orm_ones(partner_a, am):
    import numpy as np

    rng = random.Random(6)
    engagements = EngagementFactory.create_batch(3, partner=partner_a, account_manager=am)
    raters = ContactFactory.create_batch(3, partner=partner_a)
    for engagement in engagements[:2]:
        for _ in range(30):
            submitted = dt.datetime.combine(
                END - dt.timedelta(days=rng.randrange(400)), dt.time(rng.randrange(24), 30)
            )
            AssessmentFactory(
                engagement=engagement,
                rater_contact=rng.choice(raters),
                submitted_at=submitted.replace(tzinfo=dt.UTC),
                **{item: rng.randint(1, 5) for item in scoring.ANSWER_ITEMS},
            )
    ids = np.array(sorted(e.pk for e in engagements))
    first = END - dt.timedelta(days=364)
    copied = selectors.assessment_arrays_copied(ids=ids, first=first, last=END)
    loaded = selectors.assessment_arrays(ids=ids, first=first, last=END)
    assert 30 < len(copied.day) < 60

    def rows(arrays):
        columns = (arrays.engagement, arrays.day, arrays.rater)
        return sorted(zip(*(c.tolist() for c in columns), arrays.answers.tolist(), strict=True))

    assert rows(copied) == rows(loaded)
