import itertools
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.demo.seed import BARRIER_MIX
from assessments.management.commands._cpu import CpuMeter
from assessments.models import AssessmentBarrier, LevelChange, MaturitySnapshot, TrustAssessment
from assessments.selectors import barrier_counts, latest_client_ratings, partners_maturity
from partners.models import Contact, Engagement, EngagementEvent, Partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def development(settings):
    """seed_demo is for development: pytest-django runs tests with DEBUG off."""
    settings.DEBUG = True


def demo_state():
    return {
        "partners": list(Partner.objects.order_by("name").values_list("name", "slug")),
        "contacts": Contact.objects.count(),
        "engagements": list(
            Engagement.objects.order_by("name").values_list("name", "level", "score")
        ),
        "events": list(
            EngagementEvent.objects.order_by("id").values_list("kind", "occurred_on", "title")
        ),
        "ratings": TrustAssessment.objects.count(),
        "snapshots": MaturitySnapshot.objects.count(),
        "changes": LevelChange.objects.count(),
        "barriers": AssessmentBarrier.objects.count(),
    }


def test_seed_demo_is_idempotent_and_prints_credentials(development):
    out = StringIO()
    call_command("seed_demo", history_days=3, stdout=out)
    first = demo_state()
    call_command("seed_demo", history_days=3, stdout=StringIO())
    assert demo_state() == first
    assert len(first["partners"]) >= 8
    assert len(first["engagements"]) >= 12
    assert len(first["events"]) > 300
    assert "lena" in out.getvalue() and "password: trustapp-demo" in out.getvalue()
    assert {"Logistics", "Energy", "Banking"} <= set(
        Partner.objects.values_list("industry", flat=True)
    )


def test_seed_demo_refuses_production_unless_told(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--i-know-this-is-production"):
        call_command("seed_demo", history_days=1, stdout=StringIO())
    assert not Partner.objects.exists()

    call_command("seed_demo", history_days=1, i_know_this_is_production=True, stdout=StringIO())
    assert Partner.objects.exists()


def test_seed_demo_then_recompute_reaches_all_rungs(development):
    call_command("seed_demo", history_days=1, stdout=StringIO())
    out = StringIO()
    call_command("recompute_scores", stdout=out)
    assert set(Engagement.objects.values_list("level", flat=True)) == {1, 2, 3, 4}
    assert "Trusted advisor: 2" in out.getvalue()


def test_seed_demo_shows_every_stage_and_different_barriers(development):
    call_command("seed_demo", history_days=1, stdout=StringIO())
    partners = dict(Partner.objects.values_list("pk", "name"))

    maturity = partners_maturity(partner_ids=partners)

    assert {m.stage for m in maturity.values()} == {"none", "individual", "team", "organisation"}
    mixes = {}
    for pk, name in partners.items():
        ratings = latest_client_ratings(
            TrustAssessment.objects.filter(engagement__partner_id=pk),
            as_of=timezone.localdate(),
            window_days=365,
        )
        mixes[name] = tuple(row["code"] for row in barrier_counts(ratings))
    assert mixes["Cobalt Bank"] == ("nothing",)
    assert all(set(mixes[name]) <= set(BARRIER_MIX[name]) for name in mixes)
    assert len(set(mixes.values())) >= 6, mixes


def test_recompute_scores_history(engagement_a):
    call_command("recompute_scores", history=4, engagement=[engagement_a.pk], stdout=StringIO())
    assert MaturitySnapshot.objects.filter(engagement=engagement_a).count() == 4


def test_recompute_scores_unknown_engagement():
    with pytest.raises(CommandError, match="No engagement with id 999"):
        call_command("recompute_scores", engagement=[999])


def test_admin_event_edit_marks_engagement_dirty(client, engagement_a, django_user_model):
    from partners.tests.factories import EventFactory

    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    event = EventFactory(engagement=engagement_a)
    client.force_login(admin)
    url = reverse("admin:partners_engagementevent_delete", args=[event.pk])
    client.post(url, {"post": "yes"})
    engagement_a.refresh_from_db()
    assert not EngagementEvent.objects.exists()
    assert engagement_a.evidence_version == 1


def test_seed_demo_keeps_the_30_day_rating_rule(development):
    call_command("seed_demo", history_days=1, stdout=StringIO())
    ratings = TrustAssessment.objects.filter(side="client").order_by(
        "engagement_id", "rater_contact_id", "submitted_at"
    )
    too_close = [
        (a.pk, b.pk)
        for a, b in itertools.pairwise(ratings)
        if (a.engagement_id, a.rater_contact_id) == (b.engagement_id, b.rater_contact_id)
        and b.submitted_at - a.submitted_at < services.RATING_INTERVAL
    ]
    assert ratings.count() > 100
    assert too_close == []


def test_the_benchmarks_cpu_meter_counts_the_work_postgresql_does():
    meter = CpuMeter().start()
    with connection.cursor() as cursor:
        cursor.execute("SELECT sum(x) FROM generate_series(1, 3000000) AS x")

    # Three million rows summed: a tenth of a second of the server's CPU or more, while this
    # process only waited.
    assert meter.postgres > 0.05
    assert meter.python < meter.postgres
    assert meter.summary().startswith("Python ") and "s, PostgreSQL " in meter.summary()
