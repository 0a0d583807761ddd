"""Benchmark: set-based recompute of a synthetic portfolio against the per-engagement loop.

Runs in a scratch database (created, migrated and dropped by this command), so it never
touches real data. Prints figures, asserts nothing: compare them with the targets in the
README.
"""

import datetime as dt
import statistics
import time

from assessments import services
from assessments.engine.recompute import Timings
from partners.models import Engagement

from ._cpu import CpuMeter
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
        nightly, overwrite = self.time_set_based(as_of)
        loop_seconds = self.time_loop(ids[:sample], as_of)
        loop_rate = len(ids[:sample]) / loop_seconds
        for label, seconds in (("nightly", nightly), ("overwrite", overwrite)):
            self.stdout.write(
                f"set-based  {label:<9} engagements_recompute_all: {len(ids):>6,} engagements "
                f"in {seconds:6.2f} s = {len(ids) / seconds:9.1f} engagements/s"
            )
        self.stdout.write(
            f"loop       engagement_recompute each (overwrite): {len(ids[:sample]):>6,} "
            f"engagements in {loop_seconds:6.2f} s = {loop_rate:9.1f} engagements/s"
        )
        self.stdout.write(f"targets: set-based <= {TARGET_SECONDS} s, ratio >= {TARGET_RATIO}x")
        for label, seconds in (("nightly", nightly), ("overwrite", overwrite)):
            self.stdout.write(
                self.style.SUCCESS(
                    f"ratio set-based {label} / loop per engagement: "
                    f"{len(ids) / seconds / loop_rate:.1f}x"
                )
            )

    def time_set_based(self, as_of, nights=3):
        """(median of ``nights`` nightly runs, one overwrite run) in seconds.

        A nightly run scores a day that has no snapshots yet, as the scheduled recompute does:
        here the ``nights`` days up to ``as_of``, oldest first. The overwrite run recomputes
        ``as_of`` again, as a recompute after a policy change does.
        """
        days = [as_of - dt.timedelta(days=n) for n in range(nights - 1, -1, -1)]
        nightly = [self.time_run(day, "nightly") for day in days]
        return statistics.median(nightly), self.time_run(as_of, "overwrite")

    def time_run(self, as_of, label):
        timings = Timings()
        cpu = CpuMeter().start()
        started = time.perf_counter()
        services.engagements_recompute_all(as_of=as_of, notify=False, timings=timings)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"  {label} run of {as_of}: {seconds:.2f} s; by phase, in three overlapping "
            f"threads: load {timings.load:.2f} s, score {timings.score:.2f} s (waited "
            f"{timings.waiting:.2f} s for the loader), write {timings.write:.2f} s of which "
            f"facts {timings.facts:.2f} s; then the partners' facts {timings.partners:.2f} s\n"
            f"    {cpu.summary()}"
        )
        return seconds

    def time_loop(self, ids, as_of):
        engagements = list(Engagement.objects.filter(pk__in=ids))
        started = time.perf_counter()
        for engagement in engagements:
            services.engagement_recompute(engagement=engagement, as_of=as_of, notify=False)
        return time.perf_counter() - started
