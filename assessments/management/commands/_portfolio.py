"""The synthetic portfolio the engine benchmarks share: its arguments, and its building."""

import time

from django.db import connection

from assessments.demo import synthetic


def add_portfolio_arguments(parser, *, sample_help):
    """The portfolio's size, the sample the slow baseline is timed on, and `--keep-db`."""
    parser.add_argument("--engagements", type=int, default=10_000)
    parser.add_argument("--events-per-engagement", type=int, default=100)
    parser.add_argument("--assessments-per-engagement", type=int, default=4)
    parser.add_argument("--sample", type=int, default=200, help=sample_help)
    parser.add_argument("--keep-db", action="store_true", help="Keep the scratch database.")


def portfolio_build(
    stdout, *, engagements, events_per_engagement, assessments_per_engagement, as_of, **options
):
    """Build the portfolio as of `as_of`, analyse it and say what was built; return the
    engagement ids. `options` are passed on to `synthetic.build_portfolio`."""
    started = time.perf_counter()
    ids = synthetic.build_portfolio(
        engagements=engagements,
        events_per_engagement=events_per_engagement,
        assessments_per_engagement=assessments_per_engagement,
        as_of=as_of,
        prefix="bench",
        **options,
    )
    # Without statistics for the fresh rows PostgreSQL would choose plans no real database
    # would use.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    disputed = options.get("disputed_share")
    stdout.write(
        f"Built {len(ids):,} engagements, {len(ids) * events_per_engagement:,} events, "
        f"{len(ids) * assessments_per_engagement:,} client assessments "
        + (f"({disputed:.0%} of the events disputed) " if disputed is not None else "")
        + f"in {time.perf_counter() - started:.1f} s."
    )
    return ids
