import argparse
import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from assessments import services
from partners.choices import Level
from partners.models import Engagement

from ._progress import ProgressBar


def iso_date(value):
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"expected a date like 2026-06-30, got {value!r}"
        ) from error


class Command(BaseCommand):
    help = "Recompute maturity snapshots for one day or a history of days."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=iso_date, help="Day to score (default: today).")
        parser.add_argument(
            "--history", type=int, metavar="DAYS", help="Rebuild daily snapshots for DAYS days."
        )
        parser.add_argument(
            "--engagement", type=int, action="append", metavar="ID", help="Only this engagement."
        )

    def handle(self, *args, as_of, history, engagement, **options):
        ids = engagement
        if ids:
            missing = set(ids) - set(
                Engagement.objects.filter(pk__in=ids).values_list("pk", flat=True)
            )
            if missing:
                raise CommandError(f"No engagement with id {', '.join(map(str, sorted(missing)))}.")
        if history is not None and history < 1:
            raise CommandError("--history takes a number of days of at least 1.")
        as_of = as_of or timezone.localdate()
        if history:
            services.history_rebuild(
                engagement_ids=ids,
                days=history,
                until=as_of,
                progress=ProgressBar(self.stdout, "days"),
            )
        else:
            services.engagements_recompute_all(
                as_of=as_of, engagement_ids=ids, progress=ProgressBar(self.stdout, "engagements")
            )
        self.summarise()

    def summarise(self):
        counts = {level: 0 for level in range(1, 5)}
        for level in Engagement.objects.values_list("level", flat=True):
            counts[level] += 1
        summary = ", ".join(f"{Level(level).label}: {n}" for level, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Done. Engagements per rung: {summary}."))
