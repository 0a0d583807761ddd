from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .celery import app as celery_app


def _database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _broker_ok():
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=1)
        return True
    except Exception:
        return False


@require_safe
@never_cache
def healthz(request):
    """For monitors, unauthenticated: "ok" or "down" per dependency and overall, nothing
    more (no versions, hosts or errors); 200 when all are ok, 503 otherwise. Without a
    broker tasks run in-process, and there is no broker to report."""
    checks = {"database": _database_ok()}
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        checks["broker"] = _broker_ok()
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "down"}
    body.update({name: "ok" if ok else "down" for name, ok in checks.items()})
    return JsonResponse(body, status=200 if healthy else 503)
