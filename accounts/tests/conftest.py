from partners.tests.api.personas import api, fresh_throttle_counts

__all__ = ["api", "fresh_throttle_counts"]
