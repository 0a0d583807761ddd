"""Benchmark: set-based recompute of a synthetic portfolio against the per-engagement loop.

Runs in a scratch database (created, migrated and dropped by this command), so it never
touches real data. Prints figures, asserts nothing: compare them with the targets in the
README.
"""

import statistics
import time

from assessments import services
from assessments.engine.recompute import Timings
from partners.models import Engagement

from ._portfolio import PortfolioBenchmark

TARGET_SECONDS = 1.5
TARGET_RATIO = 30


class Command(PortfolioBenchmark):
    help = "Time engagements_recompute_all against one engagement_recompute per engagement."
    sample_help = "Engagements timed with the loop (200)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--disputed-share",
            type=float,
            default=0.1,
            help="Share of the events the client disputes (0.1).",
        )

    def portfolio_options(self, options):
        return {"disputed_share": options["disputed_share"]}

    def measure(self, ids, as_of, *, sample, **options):
        set_seconds = self.time_set_based(as_of)
        loop_seconds = self.time_loop(ids[:sample], as_of)
        set_rate = len(ids) / set_seconds
        loop_rate = len(ids[:sample]) / loop_seconds
        self.stdout.write(
            f"set-based  engagements_recompute_all: {len(ids):>6,} engagements in "
            f"{set_seconds:7.2f} s = {set_rate:9.1f} engagements/s"
        )
        self.stdout.write(
            f"loop       engagement_recompute each: {len(ids[:sample]):>6,} engagements in "
            f"{loop_seconds:7.2f} s = {loop_rate:9.1f} engagements/s"
        )
        self.stdout.write(f"targets: set-based <= {TARGET_SECONDS} s, ratio >= {TARGET_RATIO}x")
        self.stdout.write(
            self.style.SUCCESS(
                f"ratio set-based / loop per engagement: {set_rate / loop_rate:.1f}x"
            )
        )

    def time_set_based(self, as_of, runs=3):
        """The median of ``runs`` full recomputes; the first writes the day's snapshots, the
        others overwrite them."""
        seconds = []
        for _ in range(runs):
            timings = Timings()
            started = time.perf_counter()
            services.engagements_recompute_all(as_of=as_of, notify=False, timings=timings)
            seconds.append(time.perf_counter() - started)
            self.stdout.write(
                f"  set-based run {seconds[-1]:.2f} s, by phase (three overlapping threads): "
                f"load {timings.load:.2f} s; score {timings.score:.2f} s (waited "
                f"{timings.waiting:.2f} s for the loader); write {timings.write:.2f} s, of which "
                f"facts {timings.facts:.2f} s"
            )
        return statistics.median(seconds)

    def time_loop(self, ids, as_of):
        engagements = list(Engagement.objects.filter(pk__in=ids))
        started = time.perf_counter()
        for engagement in engagements:
            services.engagement_recompute(engagement=engagement, as_of=as_of, notify=False)
        return time.perf_counter() - started
