"""The plan to the next rung on the provider's side, the review tally and disputed evidence."""

import datetime as dt

import pytest
from django.utils import timezone

from assessments import services
from assessments.models import PlanItem
from partners.services import event_review
from partners.tests.factories import EventFactory

from .factories import snapshot

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def progress(client, user, engagement):
    client.force_login(user)
    response = client.get(f"/engagements/{engagement.pk}/")
    assert response.status_code == 200
    return response


def test_the_progress_page_counts_the_clients_reviews(client, am, client_a, engagement_a):
    events = [EventFactory(engagement=engagement_a, occurred_on=today()) for _ in range(4)]
    event_review(event=events[0], contact=client_a.contact, status="confirmed")
    event_review(event=events[1], contact=client_a.contact, status="disputed")
    event_review(event=events[2], contact=client_a.contact, status="disputed", comment="No")

    response = progress(client, am, engagement_a)

    assert response.context["review_counts"] == {"unreviewed": 1, "confirmed": 1, "disputed": 2}


def test_the_timeline_shows_the_review_and_the_clients_comment(client, am, client_a, engagement_a):
    event = EventFactory(engagement=engagement_a, occurred_on=today(), title="Roadmap day")
    event_review(event=event, contact=client_a.contact, status="disputed", comment="Not invited")

    page = progress(client, am, engagement_a).content.decode()

    assert "Disputed by the client" in page
    assert "Not invited" in page


def test_suggestions_come_from_the_unmet_conditions_and_adopting_one_plans_it(
    client, am, engagement_a
):
    snapshot(
        engagement_a,
        days_ago=0,
        score=30,
        explanation={
            "next_level": 2,
            "unmet": [
                {"condition": "delivery", "current": 51.4, "required": 60},
                {"condition": "technical", "current": 40.0, "required": 60},
            ],
        },
    )
    suggestions = progress(client, am, engagement_a).context["plan_suggestions"]
    assert [(s["why"], s["owner_side"]) for s in suggestions] == [
        ("delivery 51 / 60", "provider"),
        ("technical skill 40 / 60", "provider"),
    ]

    form = client.get(suggestions[0]["adopt_url"])
    assert form.context["form"]["title"].value() == suggestions[0]["title"]
    client.post(
        f"/engagements/{engagement_a.pk}/plan/new/",
        {
            "title": suggestions[0]["title"],
            "dimension": "delivery",
            "owner_side": "provider",
            "owner_user": am.pk,
            "due_on": "2030-01-31",
        },
    )

    item = PlanItem.objects.get()
    assert (item.title, item.owner_user, item.created_by) == (suggestions[0]["title"], am, am)
    left = progress(client, am, engagement_a).context["plan_suggestions"]
    assert [s["why"] for s in left] == ["technical skill 40 / 60"]


def test_the_manager_completes_and_drops_plan_items(client, am, engagement_a):
    done = PlanItem.objects.create(engagement=engagement_a, title="Workshop")
    dropped = PlanItem.objects.create(engagement=engagement_a, title="Hackathon")
    client.force_login(am)

    for item, status in ((done, "done"), (dropped, "dropped")):
        response = client.post(
            f"/engagements/{engagement_a.pk}/plan/{item.pk}/edit/",
            {"title": item.title, "owner_side": "provider", "status": status},
        )
        assert response.status_code == 302

    done.refresh_from_db()
    dropped.refresh_from_db()
    assert (done.status, done.done_at is not None) == ("done", True)
    assert (dropped.status, dropped.done_at) == ("dropped", None)


def test_the_plan_never_changes_the_score(am, engagement_a):
    EventFactory(engagement=engagement_a, occurred_on=today(), kind="strategy_invitation")
    before = services.engagement_recompute(engagement=engagement_a)
    version = type(engagement_a).objects.get(pk=engagement_a.pk).evidence_version
    item = services.plan_item_create(
        engagement=engagement_a, title="Roadmap", created_by=am, dimension="partnership"
    )
    services.plan_item_update(item=item, data={"status": "done"})

    after = services.engagement_recompute(engagement=engagement_a)
    assert type(engagement_a).objects.get(pk=engagement_a.pk).evidence_version == version
    assert (after.score, after.explanation) == (before.score, before.explanation)


def test_an_overdue_plan_item_needs_attention_on_my_engagements(client, am, engagement_a):
    PlanItem.objects.create(
        engagement=engagement_a, title="Workshop", due_on=today() - dt.timedelta(days=1)
    )
    PlanItem.objects.create(
        engagement=engagement_a,
        title="Done late",
        status="done",
        due_on=today() - dt.timedelta(days=9),
    )
    client.force_login(am)

    response = client.get("/engagements/mine/")

    row = response.context["rows"][0]["engagement"]
    assert (row.is_overdue, row.attention >= 1) == (True, True)
    assert response.context["summary"]["overdue"] == 1
    assert "Plan overdue" in response.content.decode()


def test_an_item_due_today_is_not_overdue(client, am, engagement_a):
    PlanItem.objects.create(engagement=engagement_a, title="Workshop", due_on=today())
    client.force_login(am)

    response = client.get("/engagements/mine/")

    assert response.context["summary"]["overdue"] == 0


def test_the_dashboard_lists_disputed_evidence(client, leader, client_a, engagement_a):
    event = EventFactory(engagement=engagement_a, occurred_on=today(), title="Release 3")
    EventFactory(engagement=engagement_a, occurred_on=today(), title="Release 4")
    event_review(event=event, contact=client_a.contact, status="disputed", comment="Late again")
    client.force_login(leader)

    response = client.get("/dashboard/")

    assert [e.title for e in response.context["disputed"]] == ["Release 3"]
    assert response.context["disputed_total"] == 1
    page = response.content.decode()
    assert "Late again" in page
    assert "Route planner" in page


def test_the_clients_barriers_suggest_what_helps(client, am, client_a, engagement_a):
    from assessments.models import BARRIER_HINTS, TrustAssessment, TrustBarrier
    from assessments.tests.factories import LIKERT_ANSWERS

    services.assessment_submit(
        engagement=engagement_a,
        side=TrustAssessment.Side.CLIENT,
        answers=LIKERT_ANSWERS,
        rater_contact=client_a.contact,
        barriers=["losing_control"],
    )

    suggestions = progress(client, am, engagement_a).context["plan_suggestions"]

    hint = BARRIER_HINTS[TrustBarrier.LOSING_CONTROL].rstrip(".")
    barrier_rows = [s for s in suggestions if s["why"].startswith("the client says")]
    assert [(s["title"], s["owner_side"]) for s in barrier_rows] == [(hint, "provider")]
    assert barrier_rows[0]["why"] == f"the client says: {TrustBarrier.LOSING_CONTROL.label}"
