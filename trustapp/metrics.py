"""/metrics for Prometheus: django-prometheus' request metrics (latency per view among them)
and the Celery task counts and durations below.

Only the addresses in METRICS_ALLOWED_IPS (default: loopback) may read it, as seen through
NUM_PROXIES (accounts.client_ip). With several processes (gunicorn workers, Celery workers)
set PROMETHEUS_MULTIPROC_DIR to a directory they share, and /metrics adds them all up.
"""

import time

from celery import signals
from django.conf import settings
from django.http import HttpResponseForbidden
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_prometheus.exports import ExportToDjangoView
from prometheus_client import Counter, Histogram

from accounts.client_ip import client_ip

CELERY_TASKS = Counter(
    "trustapp_celery_tasks_total", "Celery tasks run, by task and outcome.", ["task", "outcome"]
)
CELERY_TASK_SECONDS = Histogram(
    "trustapp_celery_task_duration_seconds",
    "How long Celery tasks ran, by task.",
    ["task"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900),
)
_started = {}


@signals.task_prerun.connect(dispatch_uid="metrics_task_started")
def _task_started(task_id=None, **kwargs):
    _started[task_id] = time.perf_counter()


@signals.task_postrun.connect(dispatch_uid="metrics_task_finished")
def _task_finished(task_id=None, task=None, state=None, **kwargs):
    started = _started.pop(task_id, None)
    outcome = "succeeded" if state == "SUCCESS" else "failed"
    CELERY_TASKS.labels(task=task.name, outcome=outcome).inc()
    if started is not None:
        CELERY_TASK_SECONDS.labels(task=task.name).observe(time.perf_counter() - started)


@require_safe
@never_cache
def metrics(request):
    if client_ip(request) not in settings.METRICS_ALLOWED_IPS:
        return HttpResponseForbidden("Metrics are not available from this address.\n")
    return ExportToDjangoView(request)
