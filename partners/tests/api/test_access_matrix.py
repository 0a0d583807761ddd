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
PROVIDERS_CREATE = dict.fromkeys(PROVIDERS_READ, 201)
CLIENTS_REFUSED = {"anonymous": 401, "client_a": 403, "client_b": 403}
MANAGERS_OF_A = {"am": 200, "other_am": 403, "leader": 200, "staff": 200}
MANAGERS_OF_A_CREATE = {"am": 201, "other_am": 403, "leader": 201, "staff": 201}
MANAGERS_OF_A_DELETE = {"am": 204, "other_am": 403, "leader": 204, "staff": 204}
# The one write of a client: reviewing an event of their own partner. Provider staff may
# not; client B does not see partner A's event at all.
CLIENT_A_REVIEWS = {**dict.fromkeys(PROVIDERS_READ, 403), "client_a": 200, "client_b": 404}


def event_row(w):
    return {
        "engagement": w.engagement_a.pk,
        "kind": "domain_workshop",
        "occurred_on": TODAY.isoformat(),
        "title": "Workshop",
    }


# case: ("method path", below /api/v1/, and the statuses that differ from CLIENTS_REFUSED)
CASES = {
    "partners list": ("get partners/", PROVIDERS_READ),
    "partner detail": ("get partners/{w.partner_a.pk}/", PROVIDERS_READ),
    "partner create": ("post partners/", PROVIDERS_CREATE),
    "partner update": ("patch partners/{w.partner_a.pk}/", PROVIDERS_READ),
    "contacts list": ("get contacts/", PROVIDERS_READ),
    "contact detail": ("get contacts/{w.contact_b.pk}/", PROVIDERS_READ),
    "contact create": ("post contacts/", PROVIDERS_CREATE),
    # Contacts are changed only by those who work for the partner (issue 16, item 1).
    "contact update": ("patch contacts/{w.contact_a.pk}/", MANAGERS_OF_A),
    "contact email change": ("patch contacts/{w.other_contact_a.pk}/", MANAGERS_OF_A),
    "events list": ("get events/", PROVIDERS_READ),
    "event detail": ("get events/{w.event_b.pk}/", PROVIDERS_READ),
    "event create": ("post events/", MANAGERS_OF_A_CREATE),
    "event update": ("patch events/{w.event_a.pk}/", MANAGERS_OF_A),
    "event delete": ("delete events/{w.event_a.pk}/?reason=Logged+twice", MANAGERS_OF_A_DELETE),
    # A row for an engagement one may not change is a row error: nothing is saved.
    "events bulk": ("post events/bulk/", {**MANAGERS_OF_A_CREATE, "other_am": 400}),
    "event review": ("post events/{w.event_a.pk}/review/", CLIENT_A_REVIEWS),
}
# What the writes send: a body, or body(world).
BODIES = {
    "partner create": {"name": "Cobalt Care"},
    "partner update": {"notes": "Key account"},
    "contact create": lambda w: {
        "partner": w.partner_a.pk,
        "name": "Cy",
        "email": "cy@acme.example",
    },
    "contact update": {"title": "CTO"},
    "contact email change": {"email": "planted@provider.example"},
    "event create": event_row,
    "event update": {"title": "Renamed"},
    "events bulk": lambda w: [event_row(w)],
    "event review": {"status": "disputed", "comment": "Not as logged"},
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
    request, expected = CASES[case]
    check_case(request, BODIES.get(case), {**CLIENTS_REFUSED, **expected}, persona, register_state)
