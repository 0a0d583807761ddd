"""The synthetic portfolio the engine benchmarks share: its arguments, its scratch database
and its building."""

import time

from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from assessments.demo import synthetic

from ._scratch import scratch_database


class PortfolioBenchmark(BaseCommand):
    """Build a synthetic portfolio as of today in a scratch database, then call the
    subclass's `measure(ids, as_of, **options)` with the engagement ids.

    A subclass names what its `--sample` is for, adds its own arguments and may pass more
    options to `synthetic.build_portfolio` through `portfolio_options`."""

    sample_help = ""

    def add_arguments(self, parser):
        parser.add_argument("--engagements", type=int, default=10_000)
        parser.add_argument("--events-per-engagement", type=int, default=100)
        parser.add_argument("--assessments-per-engagement", type=int, default=4)
        parser.add_argument("--sample", type=int, default=200, help=self.sample_help)
        parser.add_argument("--keep-db", action="store_true", help="Keep the scratch database.")

    def handle(self, *args, **options):
        as_of = timezone.localdate()
        # As in production: DEBUG would keep (and format) the text of every query, a
        # megabyte for each batch's VALUES list.
        with (
            scratch_database(self.stdout, keep=options["keep_db"]),
            override_settings(DEBUG=False),
        ):
            ids = self.build(as_of, **options)
            self.measure(ids, as_of, **options)

    def portfolio_options(self, options):
        return {}

    def build(
        self, as_of, *, engagements, events_per_engagement, assessments_per_engagement, **options
    ):
        started = time.perf_counter()
        extra = self.portfolio_options(options)
        ids = synthetic.build_portfolio(
            engagements=engagements,
            events_per_engagement=events_per_engagement,
            assessments_per_engagement=assessments_per_engagement,
            as_of=as_of,
            prefix="bench",
            **extra,
        )
        # Without statistics for the fresh rows PostgreSQL would choose plans no real database
        # would use.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        disputed = (
            f"({extra['disputed_share']:.0%} of the events disputed) "
            if "disputed_share" in extra
            else ""
        )
        self.stdout.write(
            f"Built {len(ids):,} engagements, {len(ids) * events_per_engagement:,} events, "
            f"{len(ids) * assessments_per_engagement:,} client assessments {disputed}"
            f"in {time.perf_counter() - started:.1f} s."
        )
        return ids
