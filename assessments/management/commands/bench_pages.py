"""Page timings at two portfolio sizes, through the Django test client.

For each size a synthetic portfolio with a year of daily snapshots is built inside a
transaction that is rolled back at the end, so the database is left as it was. Each page is
requested once to warm up, then ``--runs`` times; the median is reported with the query
count, and the last column compares the largest size with the smallest.
"""

import logging
import statistics
import time
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import connection, reset_queries, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from assessments.demo.synthetic import analyze_tables, build_portfolio, history_in_sql
from assessments.engine import facts, partner_facts
from assessments.selectors import active_policy
from partners.access import ACCOUNT_MANAGERS, LEADERSHIP
from partners.models import Engagement

from ._scratch import scratch_database


def fetch(client, url):
    """GET ``url`` and read the whole body: a streamed response (the CSV) does its work while
    it is read. The body is kept on ``response.body``."""
    response = client.get(url)
    response.body = b"".join(response.streaming_content) if response.streaming else b""
    return response


CSV_PAGE = "CSV export, all rows"


class Rollback(Exception):
    """Raised to leave the benchmark's transaction without keeping its data."""


class Command(BaseCommand):
    help = (
        "Time the dashboard (engagements and partners), my engagements, the progress page, "
        "the partner list, a partner page and the CSV export at two portfolio sizes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sizes", type=int, nargs="+", default=[100, 10_000])
        parser.add_argument("--runs", type=int, default=9, help="timed runs per page")
        parser.add_argument("--events", type=int, default=12, help="events per engagement")
        parser.add_argument("--ratings", type=int, default=4, help="ratings per engagement")
        parser.add_argument("--days", type=int, default=365, help="daily snapshots")

    def handle(self, *args, **options):
        results = {}
        # DEBUG would log (and format) every bulk insert and slow the pages down; the access
        # log would print a line for every timed request between the figures.
        with (
            scratch_database(self.stdout),
            override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]),
            quiet(logging.getLogger("trustapp.access")),
        ):
            for size in options["sizes"]:
                self.stdout.write(f"Building {size:,} engagements with {options['days']} days…")
                results[size] = self.measure_size(size, options)
        self.report(results)

    def measure_size(self, size, options):
        try:
            with transaction.atomic():
                started = time.perf_counter()
                am, leader, ids, heavy, partner = self.portfolio(size, options)
                self.stdout.write(f"  built in {time.perf_counter() - started:.0f} s")
                timings = self.time_pages(
                    am, leader, ids[len(ids) // 2], heavy, partner, options["runs"]
                )
                raise Rollback
        except Rollback:
            return timings

    def portfolio(self, size, options):
        users = get_user_model().objects
        am = users.create(username=f"bench-am-{size}", first_name="Bench", last_name="Manager")
        am.groups.add(Group.objects.get(name=ACCOUNT_MANAGERS))
        leader = users.create(username=f"bench-leader-{size}")
        leader.groups.add(Group.objects.get(name=LEADERSHIP))
        postgres = connection.vendor == "postgresql"
        ids = build_portfolio(
            engagements=size,
            events_per_engagement=options["events"],
            assessments_per_engagement=options["ratings"],
            snapshot_days=0 if postgres else options["days"],
            prefix=f"bench{size}",
            account_manager=am,
        )
        [heavy] = build_portfolio(
            engagements=1,
            events_per_engagement=5000,
            assessments_per_engagement=8,
            snapshot_days=365,
            prefix=f"bench{size}-heavy",
            account_manager=am,
        )
        # One partner with 50 engagements and 200 contacts, for the partner page.
        wide = build_portfolio(
            engagements=50,
            engagements_per_partner=50,
            contacts_per_partner=200,
            events_per_engagement=options["events"],
            assessments_per_engagement=8,
            snapshot_days=0 if postgres else options["days"],
            prefix=f"bench{size}-wide",
            account_manager=am,
        )
        if postgres:
            history_in_sql(ids + wide, days=options["days"], today=timezone.localdate())
        # What the recompute stores after writing snapshots, which were drawn here instead.
        today = timezone.localdate()
        engagement_ids = [*ids, *wide, heavy]
        policy = active_policy()
        facts.facts_refresh(engagement_ids=engagement_ids, as_of=today, policy=policy)
        partner_facts.partner_facts_refresh(policy=policy, today=today)
        facts.rung_history_refresh(today=today)
        analyze_tables()
        partner = Engagement.objects.get(pk=wide[0]).partner
        return am, leader, ids, heavy, partner

    def time_pages(self, am, leader, engagement_id, heavy_id, partner, runs):
        pages = [
            ("dashboard", leader, "/dashboard/"),
            ("dashboard, filtered, page 2", leader, "/dashboard/?rung=2&status=active&page=2"),
            ("my engagements", am, "/engagements/mine/"),
            ("progress page", am, f"/engagements/{engagement_id}/"),
            ("progress page, 5,000 events", am, f"/engagements/{heavy_id}/"),
            ("partner list", am, "/partners/"),
            ("partner list by stage", am, "/partners/?sort=stage&page=2"),
            ("dashboard, partners", leader, "/dashboard/partners/"),
            ("partner, 50 eng., 200 contacts", am, partner.get_absolute_url()),
            (CSV_PAGE, leader, "/dashboard/export.csv"),
        ]
        timings = {}
        for name, user, url in pages:
            client = Client()
            client.force_login(user)
            timings[name] = self.time_page(client, url, runs)
        return timings

    def report_csv(self, results):
        """Rows per second of the CSV export: it is linear in the rows it writes, so its
        throughput, not its time, is what should hold as the portfolio grows."""
        cells = []
        for size in sorted(results):
            seconds, _, rows = results[size][CSV_PAGE]
            cells.append(f"{rows:,} rows in {seconds * 1000:.0f} ms = {rows / seconds:,.0f} rows/s")
        self.stdout.write(f"{CSV_PAGE}: " + "; ".join(cells))

    def time_page(self, client, url, runs):
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            response = fetch(client, url)
        assert response.status_code == 200, (url, response.status_code)
        # Read now: each later request clears the connection's query log.
        query_count = len(queries.captured_queries)
        seconds = []
        for _ in range(runs):
            started = time.perf_counter()
            fetch(client, url)
            seconds.append(time.perf_counter() - started)
        rows = max(response.body.count(b"\n") - 1, 0)  # CSV lines after the header
        return statistics.median(seconds), query_count, rows

    def report(self, results):
        sizes = sorted(results)
        small, large = sizes[0], sizes[-1]
        header = f"{'page':<30}" + "".join(f"{f'{s:,} eng.':>22}" for s in sizes) + "  ratio"
        self.stdout.write("")
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for page in results[small]:
            cells = "".join(
                f"{results[s][page][0] * 1000:>12.0f} ms {results[s][page][1]:>3} q." for s in sizes
            )
            ratio = results[large][page][0] / results[small][page][0]
            self.stdout.write(f"{page:<30}{cells}  {ratio:5.1f}×")
        self.stdout.write(
            "Median of the timed runs; q. = queries per request (the same at every size)."
        )
        self.report_csv(results)


@contextmanager
def quiet(logger):
    """``logger`` below WARNING silenced meanwhile."""
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)
