"""User text with HTML in it is shown escaped on every page that shows it."""

import pytest

from assessments import services
from partners.tests.factories import ContactFactory, EngagementFactory, EventFactory, PartnerFactory

from .factories import RatingFactory, SelfAssessmentFactory

PAYLOAD = '<script>alert("x")</script><b>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;"


@pytest.fixture
def hostile(am, client_a):
    partner = PartnerFactory(
        name=f"Evil {PAYLOAD}", slug="evil", industry=f"Ind {PAYLOAD}", notes=f"Notes {PAYLOAD}"
    )
    am.first_name = f"Anna {PAYLOAD}"
    am.save()
    engagement = EngagementFactory(partner=partner, name=f"Project {PAYLOAD}", account_manager=am)
    rater = ContactFactory(partner=partner, name=f"Rater {PAYLOAD}", title=f"PO {PAYLOAD}")
    client_a.contact.partner = partner
    client_a.contact.save()
    EventFactory(engagement=engagement, title=f"Title {PAYLOAD}", notes=f"Notes {PAYLOAD}")
    RatingFactory(engagement=engagement, rater_contact=rater, comment=f"Comment {PAYLOAD}")
    SelfAssessmentFactory(engagement=engagement, rater_user=am, comment=f"Self {PAYLOAD}")
    services.engagement_recompute(engagement=engagement)
    _, token = services.invitation_create(engagement=engagement, contact=rater, created_by=am)
    return {"engagement": engagement, "partner": partner, "token": token}


def pages(hostile, am, leader, client_a):
    engagement, partner = hostile["engagement"], hostile["partner"]
    return [
        (am, engagement.get_absolute_url()),
        (am, engagement.get_absolute_url() + "?show=ratings"),
        (am, "/engagements/mine/"),
        (am, f"/engagements/{engagement.pk}/invitations/new/"),
        (am, f"/engagements/{engagement.pk}/changes/"),
        (am, f"/engagements/{engagement.pk}/events/new/"),
        (am, "/partners/"),
        (am, partner.get_absolute_url()),
        (leader, "/dashboard/"),
        (client_a, "/rate/"),
        (client_a, f"/rate/engagements/{engagement.pk}/"),
        (None, f"/rate/{hostile['token']}/"),
    ]


def test_user_text_is_escaped_everywhere(client, hostile, am, leader, client_a):
    shown = []
    for user, url in pages(hostile, am, leader, client_a):
        client.logout()
        if user:
            client.force_login(user)
        # The rating link redirects to the form once it is traded for the session.
        html = client.get(url, follow=True).content.decode()
        assert PAYLOAD not in html, url
        shown.append((url, ESCAPED in html))

    assert [url for url, escaped in shown if not escaped] == []


def test_the_timeline_escapes_titles_notes_and_comments(client, hostile, am):
    client.force_login(am)

    html = client.get(hostile["engagement"].get_absolute_url()).content.decode()

    for text in ("Title ", "Notes ", "Comment ", "Rater ", "Project ", "Evil "):
        assert text + ESCAPED in html
