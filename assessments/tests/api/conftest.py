from partners.tests.api.personas import (
    api,
    as_persona,
    fast_password_hashing,
    fresh_throttle_counts,
    frozen_today,
    world,
)

__all__ = [
    "api",
    "as_persona",
    "fast_password_hashing",
    "fresh_throttle_counts",
    "frozen_today",
    "world",
]
