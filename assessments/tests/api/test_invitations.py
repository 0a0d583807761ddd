"""/api/v1/invitations/: asking a contact for a rating."""

import pytest
from django.core import mail

from assessments.models import AssessmentInvitation

pytestmark = pytest.mark.django_db

URL = "/api/v1/invitations/"


def test_an_invitation_is_emailed_and_its_token_stays_there(
    api, am, world, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    body = {"engagement": world.engagement_a.pk, "contact": world.other_contact_a.pk}

    with django_capture_on_commit_callbacks(execute=True):
        response = api(am).post(URL, body, format="json")

    assert response.status_code == 201, response.content
    invitation = AssessmentInvitation.objects.get(pk=response.json()["id"])
    assert (invitation.contact, invitation.created_by) == (world.other_contact_a, am)
    assert [message.to for message in mail.outbox] == [[world.other_contact_a.email]]
    assert "token" not in str(response.json()).lower()
    assert invitation.token_hash not in response.content.decode()
    assert response.json()["is_open"] is True


def test_the_contact_must_belong_to_the_engagements_partner(api, am, world):
    body = {"engagement": world.engagement_a.pk, "contact": world.contact_b.pk}

    response = api(am).post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["The contact does not belong to this engagement's partner."]
    }


def test_read_only_keys_are_ignored(api, am, other_am, world):
    body = {
        "engagement": world.engagement_a.pk,
        "contact": world.other_contact_a.pk,
        "created_by": other_am.pk,
        "used_at": "2026-06-01T00:00:00Z",
        "expires_at": "2030-01-01T00:00:00Z",
    }

    response = api(am).post(URL, body, format="json")

    invitation = AssessmentInvitation.objects.get(pk=response.json()["id"])
    assert (invitation.created_by, invitation.used_at) == (am, None)
    assert invitation.expires_at.year == 2026


def test_filter_open_invitations(api, leader, world):
    world.invitation_b.used_at = world.invitation_b.created_at
    world.invitation_b.save()

    response = api(leader).get(f"{URL}?open=true")

    assert [i["id"] for i in response.json()["results"]] == [world.invitation_a.pk]
