import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustapp.settings")

app = Celery("trustapp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Task counts and durations for /metrics, in whichever process runs the task.
import trustapp.metrics  # noqa: E402, F401
