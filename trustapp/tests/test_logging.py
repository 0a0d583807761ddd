"""Production logs are JSON lines, each with the id of its request (also sent back in the
X-Request-ID header). A fresh Python with the production environment shows what gunicorn
would print."""

import json
import subprocess
import sys

from trustapp.tests.test_production_settings import PRODUCTION, ROOT

REQUEST = """
import django
django.setup()
from django.test import Client, override_settings
override_settings(
    STORAGES={"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
).enable()
client = Client(HTTP_HOST="trust.example.com")
print(client.get("/missing/", secure=True)["X-Request-ID"])
print(client.get("/missing/", secure=True, HTTP_X_REQUEST_ID="proxy-id-1234")["X-Request-ID"])
print(client.get("/accounts/login/", secure=True)["X-Request-ID"])
"""


def test_production_log_lines_are_json_with_the_request_id():
    result = subprocess.run(
        [sys.executable, "-c", REQUEST],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **PRODUCTION},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    made, forwarded, login = result.stdout.split()
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    not_found = [line for line in lines if line["message"] == "Not Found: /missing/"]
    assert [line["request_id"] for line in not_found] == [made, forwarded]
    assert forwarded == "proxy-id-1234"
    assert {"time", "level", "logger"} <= set(not_found[0])
    assert not_found[0]["level"] == "WARNING"


def test_each_request_is_logged_once_with_its_route_and_duration():
    result = subprocess.run(
        [sys.executable, "-c", REQUEST],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **PRODUCTION},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    login = result.stdout.split()[2]
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "trustapp.access"]
    assert [line["message"] for line in access] == [
        "GET (unresolved) 404",
        "GET (unresolved) 404",
        "GET /accounts/login/ 200",
    ]
    assert access[2]["request_id"] == login
    assert access[2]["duration_ms"] > 0
