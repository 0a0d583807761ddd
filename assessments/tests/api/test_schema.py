"""The OpenAPI description: it validates, its pages are self-hosted, and the API keeps to it.

The Schemathesis tests generate requests from the schema the app serves and send them to the
app in-process, authenticated with an account manager's token.
"""

import re

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, assume, settings
from schemathesis import DataGenerationMethod
from schemathesis.checks import (
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.api_tokens import api_token_create
from trustapp.wsgi import application

pytestmark = pytest.mark.django_db

WRITES = ["POST", "PUT", "PATCH"]
FEW_EXAMPLES = settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def test_the_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))


@pytest.mark.parametrize("url", ["/api/docs/", "/api/docs/?script=", "/api/redoc/"])
def test_the_documentation_loads_nothing_from_other_sites(client, url):
    response = client.get(url)

    assert response.status_code == 200
    page = response.content.decode()
    assert "http://" not in page
    assert "https://" not in page
    assert "<script>" not in page
    for asset in re.findall(r'(?:src|href)="/static/([^"]+)"', page):
        assert finders.find(asset), asset


@pytest.fixture
def app():
    """The WSGI app, as Django's test client runs it: without closing the database connection
    at the end of each request, which would end the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(app, world):
    return schemathesis.from_wsgi("/api/schema/", app)


@pytest.fixture
def auth(am):
    _, key = api_token_create(user=am, name="schemathesis")
    return {"Authorization": f"Token {key}"}


def aim_at_real_objects(case, world):
    """Swap generated ids for ids of objects that exist, so that the success responses (not
    only 404s and 400s) are generated and checked against the schema too."""
    resource = case.path.split("/")[3]
    real = {
        "token": None,
        "partners": world.partner_a,
        "contacts": world.contact_a,
        "engagements": world.engagement_a,
        "events": world.event_a,
        "assessments": world.assessment_a,
        "invitations": world.invitation_a,
        "level-changes": world.level_change_a,
        "plan-items": world.plan_item_a,
    }
    for name in case.path_parameters or {}:
        obj = world.engagement_a if name == "engagement_id" else real[resource]
        case.path_parameters[name] = obj.pk
    references = {
        "engagement": world.engagement_a.pk,
        "partner": world.partner_a.pk,
        "contact": world.other_contact_a.pk,
    }
    rows = case.body if isinstance(case.body, list) else [case.body]
    for row in rows:
        if isinstance(row, dict):
            row.update({key: value for key, value in references.items() if key in row})


# Revoking the token would sign the rest of the run out; tests/api/test_tokens.py covers it.
valid_requests = schemathesis.from_pytest_fixture(
    "api_schema", data_generation_methods=[DataGenerationMethod.positive]
).exclude(method="DELETE", path_regex="/token/$")
# JSON bodies only: in a form body every value is a string, so "a number where a string is
# expected" is not invalid there. (The CSV import, multipart only, is tested on its own.)
invalid_writes = (
    schemathesis.from_pytest_fixture(
        "api_schema", data_generation_methods=[DataGenerationMethod.negative]
    )
    .include(method=WRITES)
    .exclude(path_regex="/events/import/$")
)


@valid_requests.parametrize()
@FEW_EXAMPLES
def test_responses_keep_to_the_schema(case, auth, world):
    aim_at_real_objects(case, world)
    response = case.call_wsgi(headers=auth)

    case.validate_response(
        response,
        checks=(not_a_server_error, status_code_conformance, response_schema_conformance),
    )


@invalid_writes.parametrize()
@FEW_EXAMPLES
def test_invalid_bodies_are_rejected(case, auth):
    assume(case.media_type == "application/json")
    response = case.call_wsgi(headers=auth)

    case.validate_response(
        response, checks=(not_a_server_error, negative_data_rejection, status_code_conformance)
    )
