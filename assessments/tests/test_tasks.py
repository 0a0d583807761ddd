"""The Celery jobs with a real Redis broker and a real worker thread."""

import datetime as dt
import logging
import os
import threading
import time
from contextlib import contextmanager

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection
from kombu import pools as kombu_pools

from assessments import tasks
from assessments.models import MaturitySnapshot
from partners import services as partner_services
from partners.models import Engagement
from trustapp.celery import app

# serialized_rollback restores what the data migrations created (role groups, policy v1)
# after each transactional test flushes the tables.
pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
DEAD_BROKER_URL = "redis://127.0.0.1:6390/0"  # nothing listens there


@contextmanager
def broker(url):
    """Point the Celery app at `url` with eager mode off; restore afterwards."""
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.task_always_eager = url, False
    reset_connections()
    try:
        yield
    finally:
        reset_connections()
        app.conf.broker_url, app.conf.task_always_eager = saved


def reset_connections():
    """Drop cached broker connections so the next publish uses the current broker_url."""
    kombu_pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def redis_worker():
    with broker(REDIS_URL):
        with app.connection_for_write() as conn:
            conn.default_channel.client.flushdb()
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
            yield


def wait_for(predicate, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def log_event(engagement, user):
    return partner_services.event_log(
        engagement=engagement,
        kind="milestone_delivered",
        occurred_on=dt.date.today(),
        title="Release shipped",
        logged_by=user,
    )


def is_clean(engagement):
    engagement.refresh_from_db()
    return not engagement.dirty and engagement.scored_at is not None


def test_logged_event_is_scored_by_the_worker(redis_worker, engagement_a, am):
    log_event(engagement_a, am)
    assert wait_for(lambda: is_clean(engagement_a))
    snapshot = MaturitySnapshot.objects.get(engagement=engagement_a)
    assert snapshot.event_count == 1
    assert snapshot.explanation["dimensions"]["delivery"]["points"] > 0


def test_without_a_broker_tasks_run_in_process_and_quietly(engagement_a, am, caplog):
    assert app.conf.task_always_eager  # no CELERY_BROKER_URL: the embedded mode
    with caplog.at_level(logging.WARNING):
        log_event(engagement_a, am)

    assert is_clean(engagement_a)
    # Celery's default broker (AMQP on localhost, no host given) had kombu warn on every task.
    assert [r.getMessage() for r in caplog.records if r.name.startswith("kombu")] == []


def test_broker_down_saves_quickly_and_dirty_is_caught_up(engagement_a, am, caplog):
    with broker(DEAD_BROKER_URL), caplog.at_level(logging.ERROR):
        started = time.monotonic()
        log_event(engagement_a, am)
        elapsed = time.monotonic() - started
    assert elapsed < 2
    engagement_a.refresh_from_db()
    assert engagement_a.dirty is True
    assert engagement_a.events.count() == 1
    assert "Could not enqueue assessments.tasks.recompute_engagement" in caplog.text

    with broker(REDIS_URL), start_worker(app, perform_ping_check=False, pool="solo"):
        tasks.recompute_dirty.delay()
        assert wait_for(lambda: is_clean(engagement_a))
    assert MaturitySnapshot.objects.filter(engagement=engagement_a).count() == 1


def test_concurrent_recomputes_leave_one_snapshot(engagement_a, am):
    from assessments import services

    for _ in range(3):
        log_event(engagement_a, am)
    errors = []

    def hammer():
        try:
            for _ in range(20):
                services.engagement_recompute(engagement=Engagement.objects.get(pk=engagement_a.pk))
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=hammer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    snapshots = list(MaturitySnapshot.objects.filter(engagement=engagement_a).values())
    assert len(snapshots) == 1
    fresh = services.engagement_recompute(engagement=engagement_a)
    assert (fresh.score, fresh.level, fresh.event_count) == (
        snapshots[0]["score"],
        snapshots[0]["level"],
        snapshots[0]["event_count"],
    )
    engagement_a.refresh_from_db()
    assert engagement_a.score == fresh.score
    assert engagement_a.scored_version == engagement_a.evidence_version == 3


def test_backtest_runs_on_the_worker_and_stores_its_progress(redis_worker, engagement_a, am):
    from assessments import selectors, services
    from assessments.models import Backtest

    log_event(engagement_a, am)
    values = {**selectors.active_policy().params().__dict__, "threshold": 10}
    draft = services.policy_draft_create(values=values, created_by=am)
    today = dt.date.today()
    backtest = services.backtest_create(
        policy=draft, start=today - dt.timedelta(days=70), end=today, created_by=am
    )
    tasks.run_backtest.delay(backtest.pk)

    def done():
        backtest.refresh_from_db()
        return backtest.status == Backtest.Status.DONE

    assert wait_for(done)
    assert backtest.progress == 100
    result = backtest.results.get()
    assert (result.engagement_id, result.level_active) == (engagement_a.pk, 1)
    assert backtest.summary["steps"] == 11
