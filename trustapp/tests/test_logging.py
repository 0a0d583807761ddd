"""Production logs are JSON lines, each with the id of its request (also sent back in the
X-Request-ID header). A fresh Python with the production environment shows what gunicorn
would print."""

import json

import pytest

from trustapp.tests.processes import run
from trustapp.tests.test_production_settings import PRODUCTION, PRODUCTION_CLIENT

REQUEST = (
    PRODUCTION_CLIENT
    + """
print(client.get("/missing/", secure=True)["X-Request-ID"])
print(client.get("/missing/", secure=True, HTTP_X_REQUEST_ID="proxy-id-1234")["X-Request-ID"])
print(client.get("/accounts/login/", secure=True)["X-Request-ID"])
"""
)


@pytest.fixture(scope="module")
def logged():
    """The request ids the three requests were answered with, and the JSON lines logged."""
    result = run(["-c", REQUEST], PRODUCTION)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    return result.stdout.split(), lines


def test_production_log_lines_are_json_with_the_request_id(logged):
    (made, forwarded, _), lines = logged

    not_found = [line for line in lines if line["message"] == "Not Found: /missing/"]
    assert [line["request_id"] for line in not_found] == [made, forwarded]
    assert forwarded == "proxy-id-1234"
    assert {"time", "level", "logger"} <= set(not_found[0])
    assert not_found[0]["level"] == "WARNING"


def test_each_request_is_logged_once_with_its_route_and_duration(logged):
    (_, _, login), lines = logged

    access = [line for line in lines if line["logger"] == "trustapp.access"]
    assert [line["message"] for line in access] == [
        "GET (unresolved) 404",
        "GET (unresolved) 404",
        "GET /accounts/login/ 200",
    ]
    assert access[2]["request_id"] == login
    assert access[2]["duration_ms"] > 0
