"""A believable demo portfolio: users for every role, partners, engagements with a year of
events, client ratings, self-assessments and daily snapshots on every rung of the ladder.

Idempotent: objects are found by their natural keys, evidence is only written for
engagements that have none, and the snapshot history is recomputed (which overwrites).
The data lives in the `assessments.demo.seed` module so that this command stays a thin interface.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assessments.demo import seed

from ._progress import ProgressBar


class Command(BaseCommand):
    help = "Create or refresh the demo portfolio (safe to run twice)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--history-days", type=int, default=365, help="Days of daily snapshots (365)."
        )
        parser.add_argument(
            "--i-know-this-is-production",
            action="store_true",
            help="Run with DEBUG off too; the demo users have a published password.",
        )

    def handle(self, *args, history_days, i_know_this_is_production, **options):
        if not settings.DEBUG and not i_know_this_is_production:
            raise CommandError(
                "DEBUG is off: this looks like production, and the demo creates users with a "
                "published password (an admin among them). Add --i-know-this-is-production "
                "to seed anyway."
            )
        users = seed.seed_users()
        engagements = seed.seed_portfolio(users)
        self.stdout.write(f"Portfolio: {len(engagements)} engagements.")
        self.stdout.write(f"Rebuilding {history_days} days of snapshots…")
        seed.rebuild_history(
            engagements, days=history_days, progress=ProgressBar(self.stdout, "  days")
        )
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at /accounts/login/ as:"))
        for username, role in seed.CREDENTIALS:
            self.stdout.write(f"  {username:<8} {role:<45} password: {seed.PASSWORD}")
