"""/healthz: unauthenticated, and no more than "ok" or "down" per dependency."""

import pytest
from django.urls import reverse

from trustapp.celery import app as celery_app

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    configured = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    yield
    celery_app.conf.broker_url = configured


def test_a_broker_that_is_down_is_reported_as_down_and_nothing_more(client, broker_down):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": "ok", "broker": "down"}


def test_a_reachable_broker_is_ok(client, settings):
    import os

    settings.CELERY_TASK_ALWAYS_EAGER = False
    configured = celery_app.conf.broker_url
    celery_app.conf.broker_url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        response = client.get("/healthz")
    finally:
        celery_app.conf.broker_url = configured

    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_healthz_reports_the_database_and_no_broker_when_tasks_run_in_process(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_only_answers_reads(client):
    assert client.post(reverse("healthz")).status_code == 405
