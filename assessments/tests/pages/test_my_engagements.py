"""The account manager's worklist (/engagements/mine/)."""

import datetime as dt

from django.contrib.messages import get_messages
from django.utils import timezone

from assessments.pages.worklist import next_rung_text
from partners.models import Engagement, EngagementEvent
from partners.tests.factories import EngagementFactory, EventFactory

from .factories import InvitationFactory, RatingFactory, snapshot, store_facts


def worklist(client, user):
    store_facts()
    client.force_login(user)
    response = client.get("/engagements/mine/")
    assert response.status_code == 200
    return response


def names(response):
    return [row["engagement"].name for row in response.context["rows"]]


def test_lists_what_the_user_manages_or_works_on(
    client, am, other_am, engagement_a, engagement_b, partner_b
):
    teamwork = EngagementFactory(partner=partner_b, name="Card rewrite", account_manager=other_am)
    teamwork.team.add(am)

    assert sorted(names(worklist(client, am))) == ["Card rewrite", "Route planner"]


def test_what_needs_attention_comes_first_and_closed_last(client, am, partner_a):
    def engagement(name, before, now, rated=True, status="active"):
        made = EngagementFactory(partner=partner_a, name=name, account_manager=am, status=status)
        snapshot(made, days_ago=30, score=before)
        snapshot(made, days_ago=0, score=now)
        if rated:
            RatingFactory(engagement=made)
        return made

    engagement("Steady", 50.0, 55.0)
    engagement("Closed and falling", 80.0, 20.0, rated=False, status="closed")
    engagement("Slipping", 50.0, 48.0)
    engagement("Unrated", 50.0, 50.0, rated=False)
    engagement("Falling hard", 70.0, 55.0)

    assert names(worklist(client, am)) == [
        "Falling hard",
        "Unrated",
        "Slipping",
        "Steady",
        "Closed and falling",
    ]


def test_each_row_shows_rung_trend_change_confidence_and_activity(client, am, engagement_a):
    today = timezone.localdate()
    for days, score in ((40, 40.0), (30, 42.0), (10, 50.0), (0, 52.5)):
        snapshot(engagement_a, days_ago=days, score=score, level=2, confidence="medium")
    EventFactory(engagement=engagement_a, occurred_on=today - dt.timedelta(days=4))
    InvitationFactory(engagement=engagement_a)
    InvitationFactory(engagement=engagement_a, used_at=timezone.now())

    response = worklist(client, am)

    [row] = response.context["rows"]
    e = row["engagement"]
    assert (e.change_30d, e.confidence, e.open_invitations) == (10.5, "medium", 1)
    assert e.last_event_on == today - dt.timedelta(days=4)
    assert row["spark"]["direction"] == "up"
    html = response.content.decode()
    assert '<span class="badge level-2">Skilled provider</span>' in html
    assert "+10.5" in html
    assert '<span class="flag flag-stale">Stale</span>' in html
    assert f"{e.last_event_on.day} {e.last_event_on:%b %Y}" in html


def test_the_quick_log_form_posts_to_the_event_form(client, am, engagement_a):
    html = worklist(client, am).content.decode()
    action = f'action="/engagements/{engagement_a.pk}/events/new/"'
    assert action in html
    assert f'<label for="log-{engagement_a.pk}-kind">What happened' in html

    response = client.post(
        f"/engagements/{engagement_a.pk}/events/new/",
        {
            "kind": "domain_workshop",
            "title": "Depot workshop",
            "impact": "normal",
            "occurred_on": timezone.localdate().isoformat(),
        },
    )

    assert response.status_code == 302
    assert EngagementEvent.objects.get(engagement=engagement_a).title == "Depot workshop"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Event “Depot workshop” logged. The score will update shortly."
    ]


def test_a_rejected_quick_log_keeps_the_input_and_shows_the_error(client, am, engagement_a):
    client.force_login(am)

    response = client.post(
        f"/engagements/{engagement_a.pk}/events/new/",
        {"kind": "domain_workshop", "title": "", "impact": "high", "occurred_on": "2025-03-01"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert '<p class="error" id="id_title_error">This field is required.</p>' in html
    assert '<option value="domain_workshop" selected>' in html
    assert EngagementEvent.objects.count() == 0


def test_closed_engagements_have_no_quick_log(client, am, engagement_a):
    Engagement.objects.filter(pk=engagement_a.pk).update(status="closed")

    html = worklist(client, am).content.decode()

    assert f"/engagements/{engagement_a.pk}/events/new/" not in html


def test_empty_state(client, am):
    response = worklist(client, am)

    assert "You do not manage or work on any engagement yet." in response.content.decode()


def test_next_rung_text_lists_each_unmet_condition():
    gap = [
        {"condition": "domain", "current": 48.2, "required": 60},
        {"condition": "raters", "current": 1, "required": 2},
        {"condition": "trust", "current": None, "required": 65},
    ]

    assert next_rung_text(gap) == "domain 48 / 60, raters 1 / 2, trust none / 65"


def test_each_row_says_what_the_next_rung_needs(client, am, grown_a):
    unmet = grown_a.snapshots.latest().explanation["unmet"]

    html = worklist(client, am).content.decode()

    assert unmet
    assert f"<dt>Next rung needs</dt><dd>{next_rung_text(unmet)}</dd>" in html
