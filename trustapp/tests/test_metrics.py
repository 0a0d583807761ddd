"""/metrics: request latency per view and Celery task counts, for allowed addresses only."""

import pytest

from assessments import tasks

pytestmark = pytest.mark.django_db


def test_metrics_carry_latency_per_view_and_celery_tasks(client, engagement_a):
    client.get("/accounts/login/")
    tasks.recompute_engagement.delay(engagement_a.pk)  # in-process: no broker in tests

    response = client.get("/metrics")

    text = response.content.decode()
    assert response.status_code == 200
    assert (
        'django_http_requests_latency_seconds_by_view_method_count{method="GET",view="login"}'
        in text
    )
    assert (
        'trustapp_celery_tasks_total{outcome="succeeded",task="assessments.tasks.recompute_engagement"}'
        in text
    )
    assert "trustapp_celery_task_duration_seconds_count" in text


def test_metrics_are_refused_from_other_addresses(client):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 403
    assert b"django_http" not in response.content


def test_a_forged_x_forwarded_for_does_not_open_them(client):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="127.0.0.1")

    assert response.status_code == 403


def test_allowed_addresses_come_from_the_settings(client, settings):
    settings.METRICS_ALLOWED_IPS = ["203.0.113.9"]

    allowed = client.get("/metrics", REMOTE_ADDR="203.0.113.9")
    loopback = client.get("/metrics")

    assert (allowed.status_code, loopback.status_code) == (200, 403)


def test_behind_proxies_the_address_they_saw_counts(client, settings):
    settings.NUM_PROXIES = 1
    settings.METRICS_ALLOWED_IPS = ["10.1.2.3"]

    through_proxy = client.get(
        "/metrics", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="127.0.0.1, 10.1.2.3"
    )
    spoofed = client.get(
        "/metrics", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="10.1.2.3, 198.51.100.4"
    )

    assert (through_proxy.status_code, spoofed.status_code) == (200, 403)
