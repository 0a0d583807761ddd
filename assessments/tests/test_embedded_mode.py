"""`make run` serves the app on SQLite with tasks in-process; the rest of the suite runs on
PostgreSQL, so this test walks the demo through the main pages on a real SQLite file."""

import os

import pytest

from trustapp.tests.processes import run

PAGES = """
from django.contrib.auth import get_user_model
from django.test import Client
from partners.models import Engagement
engagement = Engagement.objects.filter(account_manager__username="anna").first()
urls = {
    "anna": ["/", "/engagements/mine/", "/partners/", f"/engagements/{engagement.pk}/",
             f"/engagements/{engagement.pk}/events/new/", "/events/import/",
             engagement.partner.get_absolute_url()],
    "lena": ["/dashboard/", "/dashboard/export.csv", f"/engagements/{engagement.pk}/",
             "/dashboard/partners/", "/dashboard/partners/export.csv"],
    "nora": ["/rate/"],
}
for name, paths in urls.items():
    client = Client()
    client.force_login(get_user_model().objects.get(username=name))
    for path in paths:
        print(name, path, client.get(path, follow=True).status_code)
print("levels", sorted(set(Engagement.objects.values_list("level", flat=True))))
"""


def manage(*args, env):
    return run(["manage.py", *args], env, timeout=300, check=True)


@pytest.mark.slow
def test_demo_on_sqlite_serves_every_main_page(tmp_path):
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",  # as `make run` says: DEBUG is off unless asked for
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
    }
    env.pop("CELERY_BROKER_URL", None)
    manage("migrate", "--noinput", "-v0", env=env)
    manage("seed_demo", "--history-days", "2", env=env)
    output = manage("shell", "-c", PAGES, env=env).stdout
    statuses = [
        line.rsplit(" ", 1)[1]
        for line in output.splitlines()
        if line.startswith(("anna", "lena", "nora"))
    ]
    assert statuses and set(statuses) == {"200"}, output
    assert "levels [1, 2, 3, 4]" in output
