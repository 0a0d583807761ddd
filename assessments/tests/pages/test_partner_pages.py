"""The partner page, the partner list and the dashboard's partners view; barriers on the
rating form and the progress page."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.demo.synthetic import build_portfolio
from assessments.engine.organisation import lower_median
from assessments.models import AssessmentBarrier, MaturitySnapshot, TrustAssessment
from assessments.pages.partner import organisation_points
from assessments.tests.factories import LIKERT_ANSWERS, as_posted, local_noon
from partners.models import Contact, Engagement, Partner
from partners.tests.factories import ContactFactory, EngagementFactory, PartnerFactory, UserFactory

from .factories import RatingFactory, snapshot, store_facts

pytestmark = pytest.mark.django_db

# Trust 87 (C5 R5 I4 S1) trusts us; neutral answers (trust 50) do not.
WARM = {"credibility": 5, "reliability": 5, "intimacy": 4, "self_orientation": 1}
COOL = {"credibility": 3, "reliability": 3, "intimacy": 3, "self_orientation": 3}


def rate(engagement, contact, answers, *, days_ago=10, barriers=()):
    rating = RatingFactory(
        engagement=engagement,
        rater_contact=contact,
        submitted_at=local_noon(timezone.localdate() - dt.timedelta(days=days_ago)),
        **answers,
    )
    AssessmentBarrier.objects.bulk_create(
        AssessmentBarrier(assessment=rating, code=code) for code in barriers
    )
    return rating


@pytest.fixture
def acme(partner_a, engagement_a, am, other_am):
    """Acme: Ada trusts us on the route planner; Grace rates it coolly and names barriers;
    Hal never rated; the warehouse app (other_am, team: Tia) has no trusted rater."""
    app = EngagementFactory(partner=partner_a, name="Warehouse app", account_manager=other_am)
    app.team.add(UserFactory(username="tia", first_name="Tia", last_name="Team"))
    ada = ContactFactory(partner=partner_a, name="Ada Lovelace", title="Head of product")
    grace = ContactFactory(partner=partner_a, name="Grace Hopper")
    ContactFactory(partner=partner_a, name="Hal Never")
    rate(engagement_a, ada, WARM, barriers=["internal_perception"])
    rate(engagement_a, grace, COOL, barriers=["losing_control", "internal_perception"])
    rate(app, grace, COOL, days_ago=200)
    for engagement, scores in ((engagement_a, (55, 66)), (app, (30, 40))):
        for days_ago, score in zip((200, 0), scores, strict=True):
            snapshot(engagement, days_ago=days_ago, score=score, level=1 + (score >= 60))
    return partner_a


def test_partner_page_shows_stage_map_and_barriers(client, am, acme):
    client.force_login(am)

    response = client.get(acme.get_absolute_url())

    assert response.status_code == 200
    context = response.context
    assert context["stage_sentence"] == "Trust rests with 1 person: Ada Lovelace"
    assert (context["maturity"].level, context["maturity"].score) == (1, 53.0)
    rows = {row["contact"].name: row for row in context["contact_rows"]}
    assert list(rows) == ["Ada Lovelace", "Grace Hopper", "Hal Never"]
    assert rows["Ada Lovelace"]["trusted"] is True
    assert [e.name for e in rows["Ada Lovelace"]["engagements"]] == ["Route planner"]
    assert [u.username for u in rows["Ada Lovelace"]["people"]] == ["am"]
    assert [e.name for e in rows["Grace Hopper"]["engagements"]] == [
        "Route planner",
        "Warehouse app",
    ]
    assert rows["Hal Never"]["people"] == [] and rows["Hal Never"]["stale"] is True
    people = {row["user"].username: row for row in context["people_rows"]}
    assert [c.name for c in people["am"]["trusted"]] == ["Ada Lovelace"]
    assert people["other_am"]["trusted"] == [] and people["tia"]["trusted"] == []
    assert [(b["code"], b["count"]) for b in context["barriers"]] == [
        ("internal_perception", 2),
        ("losing_control", 1),
    ]
    text = response.text
    assert "Trust rests with 1 person: Ada Lovelace" in text
    assert "no bond" in text and "no trusted counterpart" in text
    assert "What helps: Make the product owner look good" in text
    assert "Organisation trend over 12 months" in text


def test_team_stage_says_what_the_organisation_stage_needs(client, am, acme, engagement_a):
    bo = ContactFactory(partner=acme, name="Bo Brown")
    rate(engagement_a, bo, WARM)
    client.force_login(am)

    context = client.get(acme.get_absolute_url()).context

    assert context["maturity"].stage == "team"
    assert context["stage_sentence"] == (
        "Trusted by 2 of 4 product owners on 1 of 2 rated engagements"
    )
    assert context["stage_next"] == (
        "The organisation stage needs a trusted person on Warehouse app."
    )


@pytest.fixture
def partner_pages(am):
    """build(n): n partners of three engagements with ratings, barriers and snapshots."""

    def build(size):
        build_portfolio(
            engagements=3 * size,
            engagements_per_partner=3,
            contacts_per_partner=3,
            assessments_per_engagement=3,
            snapshot_days=30,
            account_manager=am,
            prefix=f"size{size}",
        )
        partners = Partner.objects.filter(slug__startswith=f"size{size}-")
        Engagement.team.through.objects.bulk_create(
            Engagement.team.through(engagement=e, user=am)
            for e in Engagement.objects.filter(partner__in=partners)
        )
        store_facts()
        return partners.order_by("pk").first()

    return build


@pytest.mark.parametrize("size", [2, 12])
def test_partner_page_queries_do_not_grow(
    client, am, partner_pages, size, django_assert_num_queries
):
    # A partner with 3 or 36 engagements and 3 or 36 contacts.
    partner = partner_pages(1)
    extra = build_portfolio(
        engagements=size * 3 - 3,
        engagements_per_partner=size * 3,
        contacts_per_partner=size * 3,
        assessments_per_engagement=3,
        prefix=f"extra{size}",
        account_manager=am,
    )
    Contact.objects.filter(partner__engagements__in=extra).update(partner=partner)
    Engagement.objects.filter(pk__in=extra).update(partner=partner)
    client.force_login(am)

    # Session, user, groups, partner; policy and four facts; engagements, team, contacts,
    # barriers, trend.
    with django_assert_num_queries(14):
        response = client.get(partner.get_absolute_url())

    assert response.status_code == 200
    assert len(response.context["engagements"]) == size * 3
    assert len(response.context["contact_rows"]) == size * 3 + 3


def listed_partners(context):
    return len(context["page"].object_list)


def staged_partners(context):
    return sum(stage["count"] for stage in context["stages"])


@pytest.mark.parametrize("size", [2, 20])
@pytest.mark.parametrize(
    ("persona", "url_name", "query", "partners_shown", "queries"),
    [
        # Session, user, groups; count, the page of partners with their stored maturity,
        # their engagement counts.
        ("am", "assessments:partner_list", {"sort": "stage"}, listed_partners, 6),
        # The same, then the rungs and stages of all partners.
        ("leader", "assessments:dashboard_partners", {}, staged_partners, 7),
    ],
)
def test_partner_lists_queries_do_not_grow(
    client,
    request,
    partner_pages,
    size,
    django_assert_num_queries,
    persona,
    url_name,
    query,
    partners_shown,
    queries,
):
    partner_pages(size)
    client.force_login(request.getfixturevalue(persona))

    with django_assert_num_queries(queries):
        response = client.get(reverse(url_name), query)

    assert response.status_code == 200
    assert partners_shown(response.context) == size


def test_partner_list_sorts_by_rung_and_stage(client, am, acme):
    rising = PartnerFactory(name="Zeta Rising")
    for level, score in ((3, 70.0), (4, 90.0)):
        EngagementFactory(partner=rising, level=level, score=score)
    PartnerFactory(name="Bare Partner")
    store_facts()
    client.force_login(am)

    def names(**params):
        response = client.get(reverse("assessments:partner_list"), params)
        return [p.name for p in response.context["page"].object_list]

    assert names() == ["Acme Logistics", "Bare Partner", "Zeta Rising"]
    assert names(sort="rung") == ["Zeta Rising", "Acme Logistics", "Bare Partner"]
    assert names(sort="stage") == ["Acme Logistics", "Zeta Rising", "Bare Partner"]
    assert names(sort="stage", q="zeta") == ["Zeta Rising"]
    assert names(sort="no-such-sort") == names()


def test_partner_search(client, am, partner_a, partner_b):
    client.force_login(am)
    response = client.get(reverse("assessments:partner_list"), {"q": "bore"})
    assert "Borealis Bank" in response.text
    assert "Acme Logistics" not in response.text


def test_dashboard_partners_view_and_csv(client, leader, acme, partner_b):
    store_facts()
    client.force_login(leader)

    response = client.get(reverse("assessments:dashboard_partners"))

    assert [s["count"] for s in response.context["stages"]] == [1, 1, 0, 0]
    assert response.context["unrated"] == 1
    assert "Partners per organisation rung" in response.text
    export = client.get(reverse("assessments:dashboard_partners_export"))
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert [(r["partner"], r["organisation_rung"], r["stage"]) for r in rows] == [
        ("Acme Logistics", "Executor", "individual"),
        ("Borealis Bank", "", "none"),
    ]
    assert rows[0]["organisation_score"] == "53.0"


def test_dashboard_shows_the_portfolios_barriers(client, leader, acme, other_am):
    store_facts()
    client.force_login(leader)

    response = client.get(reverse("assessments:dashboard"))

    assert [(b["code"], b["count"]) for b in response.context["barriers"]] == [
        ("internal_perception", 2),
        ("losing_control", 1),
    ]
    # Filtered to the warehouse app: Grace's latest rating is of the route planner.
    filtered = client.get(reverse("assessments:dashboard"), {"manager": other_am.pk})
    assert filtered.context["barriers"] == []


def test_progress_page_shows_the_engagements_barriers(client, am, acme, engagement_a):
    client.force_login(am)

    response = client.get(engagement_a.get_absolute_url())

    assert [(b["code"], b["count"]) for b in response.context["barriers"]] == [
        ("internal_perception", 2),
        ("losing_control", 1),
    ]
    assert "What helps: Shared roadmap and decision log" in response.text


def test_client_names_barriers_on_the_rating_form(client, client_a, engagement_a):
    client.force_login(client_a)
    url = reverse("assessments:rate_engagement", args=[engagement_a.pk])
    answers = as_posted(LIKERT_ANSWERS)

    refused = client.post(url, {**answers, "barriers": ["nothing", "provider_skills"]})
    assert "cannot be chosen together with a barrier" in refused.text
    assert not TrustAssessment.objects.exists()

    response = client.post(url, {**answers, "barriers": ["provider_skills", "provider_domain"]})
    assert response.status_code == 302
    assert TrustAssessment.objects.get().barrier_codes == ["provider_skills", "provider_domain"]


def test_self_assessment_asks_no_barriers(client, am, engagement_a):
    client.force_login(am)
    response = client.get(reverse("assessments:self_assessment", args=[engagement_a.pk]))
    assert "holds you back" not in response.text


def test_the_organisation_trend_is_the_mean_and_lower_median_of_each_days_snapshots(
    partner_pages,
):
    partner = partner_pages(1)
    engagements = list(partner.engagements.order_by("pk"))
    Engagement.objects.filter(pk=engagements[0].pk).update(status="closed")
    today = timezone.localdate()
    for n, engagement in enumerate(engagements):  # rungs that differ between engagements
        MaturitySnapshot.objects.filter(
            engagement=engagement, as_of__gte=today - dt.timedelta(5)
        ).update(level=1 + n)

    points = organisation_points(partner, start=today - dt.timedelta(days=29), end=today)

    rows = MaturitySnapshot.objects.filter(
        engagement__in=engagements[1:], as_of__gte=today - dt.timedelta(days=29)
    ).values_list("as_of", "score", "level")
    days = {}
    for day, score, level in rows:
        days.setdefault(day, []).append((score, level))
    expected = [
        (day, sum(s for s, _ in v) / len(v), lower_median([lv for _, lv in v]))
        for day, v in sorted(days.items())
    ]
    assert points == pytest.approx(expected)
    assert {level for _, _, level in points} == {1, 2}
