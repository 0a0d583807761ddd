"""Throttle counts live in the shared cache (Redis when REDIS_URL or CELERY_BROKER_URL is
set), so a second web process continues the count of the first instead of starting its own."""

import os

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from trustapp.tests.processes import run

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
DEVELOPMENT = {"DJANGO_SETTINGS_MODULE": "trustapp.settings", "DJANGO_DEBUG": "1"}
ANOTHER_WORKER = """
import django
django.setup()
from django.test import Client
response = Client().post(
    "/api/v1/token/", {"username": "am", "password": "guess"}, content_type="application/json"
)
print(response.status_code)
"""


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    cache.clear()
    yield
    cache.clear()


def test_the_cache_is_redis_when_a_broker_or_redis_is_configured():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'])"
    )
    backends = [
        run(["-c", code], {**DEVELOPMENT, **extra}, check=True).stdout.strip()
        for extra in ({}, {"REDIS_URL": REDIS_URL}, {"CELERY_BROKER_URL": REDIS_URL})
    ]

    assert backends == [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.redis.RedisCache",
        "django.core.cache.backends.redis.RedisCache",
    ]


def test_a_second_process_continues_the_count(am, redis_cache):
    client = APIClient()
    body = {"username": "am", "password": "guess"}
    here = [client.post("/api/v1/token/", body, format="json").status_code for _ in range(10)]

    there = run(
        ["-c", ANOTHER_WORKER],
        {**DEVELOPMENT, "REDIS_URL": REDIS_URL, "DATABASE_URL": os.environ.get("DATABASE_URL", "")},
        check=True,
    )

    assert here == [400] * 10
    assert there.stdout.strip() == "429"
