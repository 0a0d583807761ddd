"""Rate limits: anonymous and signed-in callers each get a budget of requests."""

import pytest
from rest_framework.throttling import SimpleRateThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight_rates(monkeypatch):
    # DRF reads the rates into the throttle class when it is first imported, so overriding
    # settings would not reach it; patch the class attribute for this test only.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/min", "user": "3/min"})


def test_anonymous_callers_are_throttled(client, tight_rates):
    statuses = [client.get("/api/schema/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_signed_in_callers_are_throttled(api, am, tight_rates):
    client = api(am)

    statuses = [client.get("/api/v1/engagements/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    assert "Request was throttled" in client.get("/api/v1/engagements/").json()["detail"]
