"""`make load`: a production-mode server under a Locust persona mix, on 127.0.0.1 only.

1. A scratch database `<name>_load` (created, migrated and dropped by this command) with a
   synthetic portfolio (10,000 engagements, a year of daily snapshots, the stored facts),
   40 account managers, 5 leaders, 20 client product owners, and a session for each.
2. gunicorn with 4 workers and DJANGO_DEBUG=0 on a free loopback port.
3. Three headless Locust runs, each stopping by itself: `/healthz` alone (the ceiling), the
   capacity run (the persona mix without think time, as many users as the ceiling run) and
   the experience run (50 users with 1-3 s of think time). Users start 10 a second and the
   figures count once all have started (Locust's --reset-stats).
4. The figures: requests/s, p50, p95 and p99 per page, failures, and throughput as a share of
   the ceiling. Then gunicorn is stopped by its PID and the database dropped, whatever happened.
"""

import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from assessments.demo.synthetic import analyze_tables, build_portfolio, history_in_sql
from assessments.engine import facts, partner_facts
from assessments.selectors import active_policy
from partners.access import ACCOUNT_MANAGERS, CLIENT_PRODUCT_OWNERS, LEADERSHIP
from partners.models import Contact, Engagement

from ._scratch import scratch_database

ROOT = Path(settings.BASE_DIR)
LOCUSTFILE = ROOT / "loadtest" / "locustfile.py"
MIX = ("AccountManager", "Leader", "ClientOwner")
SPAWN_RATE = 10  # users started per second


class Command(BaseCommand):
    help = "Load-test a production-mode server with a Locust persona mix on 127.0.0.1."

    def add_arguments(self, parser):
        parser.add_argument("--engagements", type=int, default=10_000)
        parser.add_argument("--days", type=int, default=365, help="daily snapshots")
        parser.add_argument("--seconds", type=int, default=60, help="length of each run")
        parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
        parser.add_argument(
            "--capacity-users", type=int, default=16, help="users without think time"
        )
        parser.add_argument("--experience-users", type=int, default=50)
        parser.add_argument("--keep-db", action="store_true", help="Keep the scratch database.")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("make load needs PostgreSQL: set DATABASE_URL=postgres://…")
        secret_key = secrets.token_urlsafe(64)
        with (
            scratch_database(self.stdout, keep=options["keep_db"], suffix="_load"),
            tempfile.TemporaryDirectory(prefix="trustapp-load-") as workdir,
        ):
            started = time.perf_counter()
            personas = self.build(options, secret_key)
            self.stdout.write(f"  built in {time.perf_counter() - started:.0f} s")
            personas_file = Path(workdir) / "personas.json"
            personas_file.write_text(json.dumps(personas))
            connection.close()  # gunicorn's workers are the database's only clients now
            results = self.serve_and_load(options, secret_key, personas_file, Path(workdir))
        self.report(results)

    # --- the scratch portfolio ------------------------------------------------------------

    def build(self, options, secret_key):
        self.stdout.write(
            f"Building {options['engagements']:,} engagements with {options['days']} days…"
        )
        today = timezone.localdate()
        users = get_user_model().objects
        managers = [users.create(username=f"load-am-{n}") for n in range(40)]
        Group.objects.get(name=ACCOUNT_MANAGERS).user_set.add(*managers)
        leaders = [users.create(username=f"load-leader-{n}") for n in range(5)]
        Group.objects.get(name=LEADERSHIP).user_set.add(*leaders)
        ids = build_portfolio(
            engagements=options["engagements"],
            events_per_engagement=12,
            assessments_per_engagement=4,
            prefix="load",
            account_manager=managers[0],
        )
        share = -(-len(ids) // len(managers))
        owned = {m.pk: ids[n * share : (n + 1) * share] for n, m in enumerate(managers)}
        for manager_id, chunk in owned.items():
            Engagement.objects.filter(pk__in=chunk).update(account_manager_id=manager_id)
        history_in_sql(ids, days=options["days"], today=today)
        policy = active_policy()
        facts.facts_refresh(engagement_ids=ids, as_of=today, policy=policy)
        partner_facts.partner_facts_refresh(policy=policy, today=today)
        facts.rung_history_refresh(today=today)
        analyze_tables()
        clients = self.client_users(20)
        with override_settings(SECRET_KEY=secret_key):
            return {
                "session_cookie": settings.SESSION_COOKIE_NAME,
                "manager_ids": [m.pk for m in managers],
                "managers": [
                    {"session": session_for(m), "engagements": owned[m.pk]} for m in managers
                ],
                "leaders": [{"session": session_for(user)} for user in leaders],
                "clients": [{"session": session_for(user)} for user in clients],
            }

    def client_users(self, count):
        """Client product owners: the first product-owner contact of `count` partners."""
        contacts = list(
            Contact.objects.filter(is_product_owner=True).order_by("partner_id", "pk")[::2][:count]
        )
        users = []
        for contact in contacts:
            user = get_user_model().objects.create(username=f"load-client-{contact.pk}")
            contact.user = user
            contact.save(update_fields=["user"])
            users.append(user)
        Group.objects.get(name=CLIENT_PRODUCT_OWNERS).user_set.add(*users)
        return users

    # --- the server and the runs ----------------------------------------------------------

    def serve_and_load(self, options, secret_key, personas_file, workdir):
        port = free_port()
        host = f"http://127.0.0.1:{port}"
        env = server_env(secret_key, port)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=300,
        )
        self.stdout.write(f"gunicorn, {options['workers']} workers, DJANGO_DEBUG=0, on {host}")
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "trustapp.wsgi",
                f"--bind=127.0.0.1:{port}",
                f"--workers={options['workers']}",
                "--log-level=warning",
                "--timeout=60",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        try:
            wait_until_healthy(host, server)
            runs = [
                ("ceiling: /healthz alone", ["HealthUser"], options["capacity_users"], False),
                ("capacity: the mix, no think time", MIX, options["capacity_users"], False),
                ("experience: the mix, 1-3 s think time", MIX, options["experience_users"], True),
            ]
            results = {}
            for title, classes, users, think in runs:
                self.stdout.write(f"Locust {options['seconds']} s, {users} users: {title}…")
                results[title] = run_locust(
                    host, classes, users, think, options["seconds"], personas_file, workdir
                )
            return results
        finally:
            stop(server)

    # --- the figures ----------------------------------------------------------------------

    def report(self, results):
        ceiling_title, *mix_titles = results
        ceiling = results[ceiling_title]["Aggregated"]["rps"]
        for title, rows in results.items():
            self.stdout.write("")
            self.stdout.write(title)
            header = (
                f"{'page':<28}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}"
                f"{'p99 ms':>8}{'failures':>9}{'of ceiling':>12}"
            )
            self.stdout.write(header)
            self.stdout.write("-" * len(header))
            for name, row in rows.items():
                share = row["rps"] / ceiling if ceiling else 0
                self.stdout.write(
                    f"{name:<28}{row['requests']:>9}{row['rps']:>8.1f}{row['p50']:>8.0f}"
                    f"{row['p95']:>8.0f}{row['p99']:>8.0f}{row['failures']:>9}{share:>11.0%}"
                )
        capacity = results[mix_titles[0]]["Aggregated"]["rps"]
        experience = results[mix_titles[1]]
        worst_p95 = max(row["p95"] for name, row in experience.items() if name != "Aggregated")
        self.stdout.write("")
        self.stdout.write(
            f"capacity: the mix serves {capacity:.1f} requests/s, "
            f"{capacity / ceiling:.0%} of the /healthz ceiling ({ceiling:.1f}/s); target ≥ 25%."
        )
        self.stdout.write(
            f"experience: worst page p95 {worst_p95:.0f} ms (target ≤ 300 ms), "
            f"{experience['Aggregated']['failures']} failures (target 0)."
        )


def session_for(user):
    """A signed-in session, as the login view would create it, under the server's key."""
    backends = settings.AUTHENTICATION_BACKENDS
    model_backend = "django.contrib.auth.backends.ModelBackend"
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = model_backend if model_backend in backends else backends[-1]
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def scratch_database_url():
    """DATABASE_URL with the database name of the scratch database this process switched to."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


def server_env(secret_key, port):
    """A strict production configuration, with plain HTTP on the loopback interface."""
    return {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secret_key,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": scratch_database_url(),
        "EMAIL_URL": "smtp://127.0.0.1:1025",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        # No broker: an event's recompute runs in the web process, as in the embedded mode.
        "CELERY_BROKER_URL": "",
    }


def wait_until_healthy(host, server, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CommandError(f"gunicorn exited with status {server.returncode}.")
        try:
            with urllib.request.urlopen(host + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise CommandError("gunicorn did not answer /healthz within a minute.")


def run_locust(host, classes, users, think, seconds, personas_file, workdir):
    prefix = workdir / f"run-{time.monotonic_ns()}"
    command = [
        sys.executable,
        "-m",
        "locust",
        f"--locustfile={LOCUSTFILE}",
        "--headless",
        "--only-summary",
        f"--host={host}",
        f"--users={users}",
        # Users start over the first seconds (SPAWN_RATE a second), as real ones do, and the
        # figures count from the moment all have started: a burst of every user's first
        # request at once would measure the ramp, not the load.
        f"--spawn-rate={min(users, SPAWN_RATE)}",
        "--reset-stats",
        f"--run-time={seconds}s",
        "--stop-timeout=5",
        f"--csv={prefix}",
        "--loglevel=WARNING",
        *classes,
    ]
    env = {**os.environ, "PERSONAS_FILE": str(personas_file), "LOAD_THINK_TIME": str(int(think))}
    log = workdir / "locust.log"
    with log.open("w") as output:
        locust = subprocess.Popen(
            command, env=env, stdout=output, stderr=output, start_new_session=True
        )
        try:
            locust.wait(timeout=seconds + 60)
        finally:
            stop(locust)
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        raise CommandError(f"Locust failed:\n{log.read_text()[-3000:]}")
    return read_stats(stats)


def read_stats(path):
    rows = {}
    with path.open() as stats:
        for row in csv.DictReader(stats):
            rows[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50": float(row["50%"] if row["50%"] != "N/A" else 0),
                "p95": float(row["95%"] if row["95%"] != "N/A" else 0),
                "p99": float(row["99%"] if row["99%"] != "N/A" else 0),
            }
    return rows


def stop(process, grace=10):
    """SIGTERM to the process by its PID, SIGKILL after `grace` seconds."""
    if process.poll() is not None:
        return
    os.kill(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
