"""Benchmark: the policy lab's back-test of a synthetic portfolio against recomputing it.

The back-test simulates every engagement at 52 weekly steps under a draft and the active
policy. Its baseline, measured in the same run on a sample, is what the back-test would cost
without its engine: `engagements_recompute_all` once per step. Runs in a scratch database
(created, migrated and dropped by this command). Prints figures, asserts nothing.
"""

import datetime as dt
import time

from assessments import selectors, services

from ._portfolio import PortfolioBenchmark

TARGET_SECONDS = 60
TARGET_RATIO = 10


class Command(PortfolioBenchmark):
    help = "Time backtest_run at 52 weekly steps against engagements_recompute_all per step."
    sample_help = "Engagements of the baseline (200)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--steps", type=int, default=52)
        parser.add_argument(
            "--sample-steps", type=int, default=4, help="Steps of the baseline (4)."
        )

    def measure(self, ids, end, **options):
        start = end - dt.timedelta(days=7 * (options["steps"] - 1))
        rate = self.time_backtest(start, end, len(ids))
        baseline = self.time_baseline(start, ids[: options["sample"]], options["sample_steps"])
        ratio = rate / baseline
        self.stdout.write(
            self.style.SUCCESS(
                f"ratio back-test / baseline per engagement-step: {ratio:.1f}x "
                f"(target >= {TARGET_RATIO}x)"
            )
        )

    def time_backtest(self, start, end, engagements):
        values = {**selectors.active_policy().params().__dict__}
        values.update(threshold=55, event_half_life_days=60, demotion_band=5)
        draft = services.policy_draft_create(values=values, created_by=None)
        started = time.perf_counter()
        backtest = services.backtest_run(policy=draft, start=start, end=end)
        seconds = time.perf_counter() - started
        steps = backtest.summary["steps"]
        engagement_steps = engagements * steps * 2
        self.stdout.write(
            f"back-test  {engagements:,} engagements x {steps} steps x 2 policies in "
            f"{seconds:7.2f} s (target <= {TARGET_SECONDS} s; load and scoring "
            f"{backtest.summary['seconds']:.2f} s, the rest storing results) = "
            f"{engagement_steps / seconds:12,.0f} engagement-steps/s"
        )
        self.stdout.write(
            f"  rungs at the end, active {backtest.summary['distribution']['active']}, "
            f"draft {backtest.summary['distribution']['draft']}"
        )
        return engagement_steps / seconds

    def time_baseline(self, start, sample, steps):
        days = [start + dt.timedelta(days=7 * n) for n in range(steps)]
        started = time.perf_counter()
        for day in days:
            services.engagements_recompute_all(as_of=day, engagement_ids=sample, notify=False)
        seconds = time.perf_counter() - started
        rate = len(sample) * len(days) / seconds
        self.stdout.write(
            f"baseline   engagements_recompute_all per step: {len(sample):,} engagements x "
            f"{len(days)} steps in {seconds:7.2f} s = {rate:12,.0f} engagement-steps/s"
        )
        return rate
