"""The API tests run at noon on TODAY, with no request counted by the throttles yet."""

import pytest


@pytest.fixture(autouse=True)
def api_test_day(frozen_today, fresh_throttle_counts):
    return
