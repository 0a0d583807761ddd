import os
import sys

import redis
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.utils import OperationalError


class Command(BaseCommand):
    help = "Fail fast, naming the fix, when PostgreSQL or Redis is unreachable."

    def handle(self, *args, **options):
        problems = []
        try:
            self.ensure_database()
        except Exception as error:
            problems.append(
                f"PostgreSQL is unreachable ({error.__class__.__name__}: {error}).\n"
                "  Start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) "
                "main start\n  or point DATABASE_URL at a running server."
            )
        redis_url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
        try:
            redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
        except Exception as error:
            problems.append(
                f"Redis at {redis_url} is unreachable ({error}).\n"
                '  Start it: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" '
                "--appendonly no\n  or point TEST_REDIS_URL at a running server."
            )
        if problems:
            self.stderr.write("\n".join(problems))
            sys.exit(1)
        self.stdout.write("PostgreSQL and Redis are reachable.")

    def ensure_database(self):
        """Connect; on PostgreSQL create the configured database when it is missing."""
        try:
            connection.ensure_connection()
        except OperationalError as error:
            if connection.vendor != "postgresql" or "does not exist" not in str(error):
                raise
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{connection.settings_dict["NAME"]}"')
            connection.ensure_connection()
