"""The service tests run at noon on TODAY (partners.tests.factories)."""

import pytest


@pytest.fixture(autouse=True)
def service_test_day(frozen_today):
    return
