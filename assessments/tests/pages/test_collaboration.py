"""The client's home, "Our collaboration" (/rate/): review the evidence, past ratings, the plan."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from assessments import services
from assessments.models import PlanItem
from partners.models import EngagementEvent
from partners.tests.factories import ContactFactory, EngagementFactory, EventFactory

from .factories import RatingFactory

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def home(client, user):
    client.force_login(user)
    response = client.get("/rate/")
    assert response.status_code == 200
    return response


def row_of(response, engagement):
    return next(row for row in response.context["rows"] if row["engagement"] == engagement)


def test_the_page_is_our_collaboration(client, client_a, engagement_a):
    page = home(client, client_a).content.decode()

    assert "<h1>Our collaboration</h1>" in page
    assert ">Our collaboration</a>" in page  # the navigation names it too


def test_shows_the_last_180_days_of_events_without_notes(client, client_a, engagement_a, am):
    recent = EventFactory(
        engagement=engagement_a,
        kind="domain_workshop",
        title="Users workshop",
        occurred_on=today() - dt.timedelta(days=179),
        notes="Internal: they were late",
    )
    EventFactory(
        engagement=engagement_a,
        title="Ancient history",
        occurred_on=today() - dt.timedelta(days=180),
    )

    response = home(client, client_a)

    assert [event for event, _ in row_of(response, engagement_a)["events"]] == [recent]
    page = response.content.decode()
    assert "Users workshop" in page
    assert "Domain workshop with the client" in page  # the kind's label
    assert "Ancient history" not in page
    assert "they were late" not in page


def test_shows_you_rated_this_on_and_only_your_own_ratings(
    client, client_a, engagement_a, partner_a
):
    contact = client_a.contact
    RatingFactory(
        engagement=engagement_a,
        rater_contact=contact,
        rater_user=client_a,
        submitted_at=timezone.now() - dt.timedelta(days=40),
    )
    latest = RatingFactory(engagement=engagement_a, rater_contact=contact, rater_user=client_a)
    RatingFactory(engagement=engagement_a, rater_contact=ContactFactory(partner=partner_a))

    response = home(client, client_a)

    row = row_of(response, engagement_a)
    assert row["last_rating"] == latest
    assert len(row["ratings"]) == 2
    assert f'You rated this on <time datetime="{today():%Y-%m-%d}">' in response.content.decode()


def test_without_a_rating_it_says_so(client, client_a, engagement_a):
    assert "You have not rated this yet." in home(client, client_a).content.decode()


def test_a_client_disputes_an_event_with_a_comment(
    client, client_a, engagement_a, mailoutbox, django_capture_on_commit_callbacks
):
    event = EventFactory(engagement=engagement_a, title="Strategy day", occurred_on=today())
    client.force_login(client_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/rate/events/{event.pk}/review/",
            {f"event-{event.pk}-status": "disputed", f"event-{event.pk}-comment": "We were not"},
        )

    assert response.status_code == 302
    assert response["Location"] == f"/rate/#engagement-{engagement_a.pk}"
    event.refresh_from_db()
    assert (event.client_status, event.client_comment) == ("disputed", "We were not")
    assert [m.message for m in get_messages(response.wsgi_request)] == [
        "You disputed “Strategy day”."
    ]
    assert [mail.to for mail in mailoutbox] == [[engagement_a.account_manager.email]]


def test_a_review_without_a_choice_changes_nothing(client, client_a, engagement_a):
    event = EventFactory(engagement=engagement_a, title="Demo", occurred_on=today())
    client.force_login(client_a)

    response = client.post(f"/rate/events/{event.pk}/review/", {})

    assert response.status_code == 302
    assert EngagementEvent.objects.get(pk=event.pk).client_status == "unreviewed"
    assert [m.message for m in get_messages(response.wsgi_request)] == [
        "“Demo”: Choose confirm or dispute."
    ]


def test_a_client_cannot_review_another_partners_event(client, client_b, engagement_a):
    event = EventFactory(engagement=engagement_a, occurred_on=today())
    client.force_login(client_b)

    response = client.post(
        f"/rate/events/{event.pk}/review/", {f"event-{event.pk}-status": "disputed"}
    )

    assert response.status_code == 404
    assert EngagementEvent.objects.get(pk=event.pk).client_status == "unreviewed"


def test_the_rating_link_does_not_open_the_clients_home(client, engagement_a, am, partner_a):
    contact = ContactFactory(partner=partner_a, name="Link Holder")
    _, token = services.invitation_create(engagement=engagement_a, contact=contact, created_by=am)

    assert client.get(f"/rate/{token}/", follow=True).status_code == 200
    response = client.get("/rate/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_client_sees_the_plan_and_marks_a_client_side_item_done(
    client, client_a, engagement_a, am
):
    mine = PlanItem.objects.create(
        engagement=engagement_a, title="Share the 2027 roadmap", owner_side="client"
    )
    theirs = PlanItem.objects.create(
        engagement=engagement_a, title="Run a domain workshop", owner_side="provider"
    )
    PlanItem.objects.create(engagement=engagement_a, title="Dropped idea", status="dropped")

    page = home(client, client_a).content.decode()
    assert "Share the 2027 roadmap" in page
    assert "Run a domain workshop" in page
    assert "Dropped idea" not in page
    assert f'id="id_plan-{mine.pk}-done"' in page
    assert f'id="id_plan-{theirs.pk}-done"' not in page

    client.post(
        f"/rate/plan/{mine.pk}/",
        {f"plan-{mine.pk}-done": "on", f"plan-{mine.pk}-comment": "Sent on Monday"},
    )
    client.post(f"/rate/plan/{theirs.pk}/", {f"plan-{theirs.pk}-done": "on"})

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, mine.client_comment, mine.done_at is not None) == (
        "done",
        "Sent on Monday",
        True,
    )
    assert theirs.status == "open"


def test_the_page_costs_the_same_queries_for_more_engagements(
    client, client_a, engagement_a, partner_a, am, django_assert_max_num_queries
):
    def grow(engagement):
        EventFactory(engagement=engagement, occurred_on=today())
        RatingFactory(engagement=engagement, rater_contact=client_a.contact, rater_user=client_a)
        PlanItem.objects.create(engagement=engagement, title="Step")

    grow(engagement_a)
    client.force_login(client_a)
    with django_assert_max_num_queries(12) as few:
        client.get("/rate/")
    for n in range(4):
        grow(EngagementFactory(partner=partner_a, name=f"More {n}", account_manager=am))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/rate/")


def test_the_review_fields_show_the_review_on_file(client, client_a, engagement_a):
    reviewed = EventFactory(
        engagement=engagement_a,
        occurred_on=today(),
        client_status=EngagementEvent.ClientStatus.DISPUTED,
        client_comment="<b>Not</b> as described",
    )
    fresh = EventFactory(engagement=engagement_a, occurred_on=today())

    html = home(client, client_a).content.decode()

    # What the form's own widgets would render: the review checked, the comment escaped.
    disputed = f'value="disputed" required id="id_event-{reviewed.pk}-status_1" checked>'
    assert disputed in html
    assert f'value="confirmed" required id="id_event-{reviewed.pk}-status_0">' in html
    assert (
        f'maxlength="2000" id="id_event-{reviewed.pk}-comment">'
        "&lt;b&gt;Not&lt;/b&gt; as described</textarea>"
    ) in html
    assert f'id="id_event-{fresh.pk}-status_0">' in html
    assert f'id="id_event-{fresh.pk}-status_1">' in html
    assert f'id="id_event-{fresh.pk}-comment"></textarea>' in html
