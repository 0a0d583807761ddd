"""Every partners endpoint × every persona: the status each one gets.

Provider staff see the whole register; only an engagement's managers (and leadership and
staff) change it; client product owners get 403 on the provider's register; a caller without
a token gets 401.
"""

import pytest

from partners.models import Contact, EngagementEvent, Partner
from partners.tests.factories import PERSONAS, TODAY

pytestmark = pytest.mark.django_db

PROVIDERS_READ = {"am": 200, "other_am": 200, "leader": 200, "staff": 200}
CLIENTS_REFUSED = {"anonymous": 401, "client_a": 403, "client_b": 403}
MANAGERS_OF_A = {"am": 200, "other_am": 403, "leader": 200, "staff": 200}


def event_row(w):
    return {
        "engagement": w.engagement_a.pk,
        "kind": "domain_workshop",
        "occurred_on": TODAY.isoformat(),
        "title": "Workshop",
    }


CASES = {
    "partners list": ("get", "/api/v1/partners/", None, PROVIDERS_READ),
    "partner detail": ("get", "/api/v1/partners/{w.partner_a.pk}/", None, PROVIDERS_READ),
    "partner create": (
        "post",
        "/api/v1/partners/",
        lambda w: {"name": "Cobalt Care"},
        dict.fromkeys(PROVIDERS_READ, 201),
    ),
    "partner update": (
        "patch",
        "/api/v1/partners/{w.partner_a.pk}/",
        lambda w: {"notes": "Key account"},
        PROVIDERS_READ,
    ),
    "contacts list": ("get", "/api/v1/contacts/", None, PROVIDERS_READ),
    "contact detail": ("get", "/api/v1/contacts/{w.contact_b.pk}/", None, PROVIDERS_READ),
    "contact create": (
        "post",
        "/api/v1/contacts/",
        lambda w: {"partner": w.partner_a.pk, "name": "Cy", "email": "cy@acme.example"},
        dict.fromkeys(PROVIDERS_READ, 201),
    ),
    # Contacts are changed only by those who work for the partner (issue 16, item 1).
    "contact update": (
        "patch",
        "/api/v1/contacts/{w.contact_a.pk}/",
        lambda w: {"title": "CTO"},
        MANAGERS_OF_A,
    ),
    "contact email change": (
        "patch",
        "/api/v1/contacts/{w.other_contact_a.pk}/",
        lambda w: {"email": "planted@provider.example"},
        MANAGERS_OF_A,
    ),
    "events list": ("get", "/api/v1/events/", None, PROVIDERS_READ),
    "event detail": ("get", "/api/v1/events/{w.event_b.pk}/", None, PROVIDERS_READ),
    "event create": (
        "post",
        "/api/v1/events/",
        event_row,
        {"am": 201, "other_am": 403, "leader": 201, "staff": 201},
    ),
    "event update": (
        "patch",
        "/api/v1/events/{w.event_a.pk}/",
        lambda w: {"title": "Renamed"},
        MANAGERS_OF_A,
    ),
    "event delete": (
        "delete",
        "/api/v1/events/{w.event_a.pk}/?reason=Logged+twice",
        None,
        {"am": 204, "other_am": 403, "leader": 204, "staff": 204},
    ),
    "events bulk": (
        "post",
        "/api/v1/events/bulk/",
        lambda w: [event_row(w)],
        # A row for an engagement one may not change is a row error: nothing is saved.
        {"am": 201, "other_am": 400, "leader": 201, "staff": 201},
    ),
    # The one write of a client: reviewing an event of their own partner. Provider staff may
    # not; client B does not see partner A's event at all.
    "event review": (
        "post",
        "/api/v1/events/{w.event_a.pk}/review/",
        lambda w: {"status": "disputed", "comment": "Not as logged"},
        {
            "anonymous": 401,
            "am": 403,
            "other_am": 403,
            "leader": 403,
            "staff": 403,
            "client_a": 200,
            "client_b": 404,
        },
    ),
}


def register_state():
    return (
        sorted(Partner.objects.values_list("name", "notes")),
        sorted(Contact.objects.values_list("email", "title")),
        sorted(EngagementEvent.objects.values_list("pk", "title", "client_status")),
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", CASES)
def test_status(case, persona, check_case):
    method, url, body, expected = CASES[case]
    check_case((method, url, body, {**CLIENTS_REFUSED, **expected}), persona, register_state)
