"""The persona mix of `make load` (python manage.py load_test starts Locust with this file).

60% account managers (my engagements, progress pages of their engagements, logging an event
5% of the time), 30% leaders (dashboard, filtered dashboard pages, the CSV), 10% client
product owners (/rate/), plus `HealthUser` alone for the ceiling. Every user signs in with a
session the load test created beforehand (PERSONAS_FILE), so that password hashing does not
load the server. LOAD_THINK_TIME=1 gives each user 1-3 s of think time between requests.
"""

import datetime as dt
import itertools
import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, constant, task

PERSONAS = json.loads(Path(os.environ["PERSONAS_FILE"]).read_text())
THINK = os.environ.get("LOAD_THINK_TIME") == "1"
WAIT = between(1, 3) if THINK else constant(0)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
EVENT_KINDS = ("milestone_delivered", "technical_praise", "domain_workshop", "advice_requested")
_next = {role: itertools.cycle(PERSONAS[role]) for role in ("managers", "leaders", "clients")}


class PersonaUser(HttpUser):
    abstract = True
    wait_time = WAIT
    role = ""

    def on_start(self):
        self.persona = next(_next[self.role])
        self.client.cookies.set(PERSONAS["session_cookie"], self.persona["session"])


class AccountManager(PersonaUser):
    weight = 60
    role = "managers"

    @task
    def work(self):
        roll = random.random()
        if roll < 0.05:
            self.log_event()
        elif roll < 0.45:
            self.client.get("/engagements/mine/", name="my engagements")
        else:
            engagement = random.choice(self.persona["engagements"])
            self.client.get(f"/engagements/{engagement}/", name="progress page")

    def log_event(self):
        engagement = random.choice(self.persona["engagements"])
        url = f"/engagements/{engagement}/events/new/"
        form = self.client.get(url, name="event form")
        token = CSRF.search(form.text)
        if token is None:
            return
        with self.client.post(
            url,
            {
                "csrfmiddlewaretoken": token.group(1),
                "kind": random.choice(EVENT_KINDS),
                "title": "Load test event",
                "impact": "normal",
                "occurred_on": dt.date.today().isoformat(),
            },
            headers={"Referer": self.host + url},
            name="log event",
            # The progress page it redirects to is a page of its own, timed as one.
            allow_redirects=False,
            catch_response=True,
        ) as logged:
            if logged.status_code != 302:
                logged.failure(f"answered {logged.status_code} instead of redirecting")
                return
            location = logged.headers["Location"]
        self.client.get(location, name="progress page")


class Leader(PersonaUser):
    weight = 30
    role = "leaders"

    @task(5)
    def dashboard(self):
        self.client.get("/dashboard/", name="dashboard")

    @task(4)
    def filtered(self):
        query = random.choice(
            [
                f"?manager={random.choice(PERSONAS['manager_ids'])}",
                f"?rung={random.randint(1, 4)}&status=active&page={random.randint(1, 3)}",
                "?sort=change&page=2",
                "?industry=Synthetic&sort=rating",
            ]
        )
        self.client.get("/dashboard/" + query, name="dashboard, filtered")

    @task(1)
    def csv(self):
        self.client.get(
            f"/dashboard/export.csv?manager={random.choice(PERSONAS['manager_ids'])}",
            name="CSV export (one manager)",
        )


class ClientOwner(PersonaUser):
    weight = 10
    role = "clients"

    @task
    def rate_list(self):
        self.client.get("/rate/", name="client /rate/")


class HealthUser(HttpUser):
    """The ceiling: the cheapest request the server answers (one SELECT 1)."""

    wait_time = WAIT

    @task
    def health(self):
        self.client.get("/healthz", name="/healthz")
