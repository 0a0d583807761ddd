"""The list pages cost a fixed number of queries whatever the portfolio size, and the progress
page stays within 16 queries with 5,000 events and a year of daily snapshots."""

import datetime as dt

import pytest
from django.utils import timezone

from assessments.demo.synthetic import build_portfolio
from assessments.models import AssessmentInvitation, LevelChange, MaturitySnapshot
from partners.models import Contact, Engagement, EngagementEvent

from .factories import SelfAssessmentFactory, store_facts

# Session, user, role groups, then the page's own reads (see insights.py and portfolio.py):
# the disputed evidence list, the trust barriers (of the stored latest ratings: no policy
# read), the table page's ids, then its rows, and the table's 12-month sparklines.
DASHBOARD_QUERIES = 19
DASHBOARD_FILTERED_QUERIES = 20
MY_ENGAGEMENTS_QUERIES = 7
PROGRESS_PAGE_MAX_QUERIES = 16  # with the removed events of the audit trail


@pytest.fixture
def portfolio(am, other_am):
    """build(n): n engagements of ``am`` with events, ratings, 95 days of snapshots, level
    changes both ways and open invitations, so that every list on the pages has rows."""

    def build(size):
        today = timezone.localdate()
        ids = build_portfolio(
            engagements=size,
            events_per_engagement=3,
            assessments_per_engagement=3,
            snapshot_days=95,
            account_manager=am,
            prefix=f"size{size}",
        )
        LevelChange.objects.bulk_create(
            LevelChange(
                engagement_id=pk,
                from_level=3 if n % 2 else 1,
                to_level=2,
                as_of=today - dt.timedelta(days=n % 60),
            )
            for n, pk in enumerate(ids)
        )
        contacts = dict(Contact.objects.values_list("partner_id", "pk"))
        AssessmentInvitation.objects.bulk_create(
            AssessmentInvitation(
                engagement=engagement,
                contact_id=contacts[engagement.partner_id],
                token_hash=f"hash-{engagement.pk}",
                expires_at=timezone.now() + dt.timedelta(days=7),
            )
            for engagement in Engagement.objects.filter(pk__in=ids[::3])
        )
        Engagement.objects.filter(pk__in=ids[::4]).update(account_manager=other_am)
        Engagement.team.through.objects.bulk_create(
            Engagement.team.through(engagement_id=pk, user_id=am.pk) for pk in ids[::4]
        )
        store_facts()
        return ids

    return build


@pytest.fixture
def get_counted(client, django_assert_num_queries):
    """get_counted(user, url, queries): the page as `user`, in exactly `queries` queries."""

    def get(user, url, queries):
        client.force_login(user)
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200
        return response

    return get


@pytest.mark.parametrize("size", [3, 30])
def test_dashboard_queries_do_not_grow(leader, portfolio, size, get_counted):
    portfolio(size)

    response = get_counted(leader, "/dashboard/", DASHBOARD_QUERIES)

    assert len(response.context["page"].object_list) == size


@pytest.mark.parametrize("size", [3, 30])
def test_filtered_dashboard_queries_do_not_grow(leader, am, portfolio, size, get_counted):
    portfolio(size)
    url = f"/dashboard/?manager={am.pk}&industry=Synthetic&status=active"

    response = get_counted(leader, url, DASHBOARD_FILTERED_QUERIES)

    assert response.context["page"].paginator.count == size - len(range(0, size, 4))


@pytest.mark.parametrize("size", [3, 30])
def test_my_engagements_queries_do_not_grow(am, portfolio, size, get_counted):
    portfolio(size)

    response = get_counted(am, "/engagements/mine/", MY_ENGAGEMENTS_QUERIES)

    assert len(response.context["rows"]) == min(size, 25)


@pytest.fixture
def heavy_engagement(am):
    """5,000 events, a year of daily snapshots, ratings from both sides, level changes."""
    today = timezone.localdate()
    [pk] = build_portfolio(
        engagements=1,
        events_per_engagement=5000,
        assessments_per_engagement=8,
        snapshot_days=365,
        account_manager=am,
    )
    engagement = Engagement.objects.get(pk=pk)
    SelfAssessmentFactory(engagement=engagement, rater_user=am)
    LevelChange.objects.bulk_create(
        LevelChange(
            engagement=engagement,
            from_level=n % 4 + 1,
            to_level=(n + 1) % 4 + 1,
            as_of=today - dt.timedelta(days=30 * n),
        )
        for n in range(1, 12)
    )
    return engagement


@pytest.mark.parametrize("query", ["", "?page=3", "?show=domain&page=2", "?show=ratings"])
def test_progress_page_queries(client, am, heavy_engagement, query, django_assert_max_num_queries):
    assert EngagementEvent.objects.filter(engagement=heavy_engagement).count() == 5000
    assert MaturitySnapshot.objects.filter(engagement=heavy_engagement).count() == 365
    client.force_login(am)

    with django_assert_max_num_queries(PROGRESS_PAGE_MAX_QUERIES):
        response = client.get(heavy_engagement.get_absolute_url() + query)

    assert response.status_code == 200
    assert response.context["page"].object_list
