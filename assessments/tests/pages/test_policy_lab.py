"""The policy lab pages: versions, drafts, back-tests and activation."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import selectors, services
from assessments.models import Backtest, MaturitySnapshot, ScoringPolicy

pytestmark = pytest.mark.django_db


def parameters(**changes):
    return {**selectors.active_policy().params().__dict__, **changes}


def test_list_marks_the_active_version_and_counts_its_snapshots(client, leader, scored):
    services.policy_draft_create(values=parameters(threshold=50), created_by=leader)
    client.force_login(leader)
    response = client.get(reverse("assessments:policy_list"))
    rows = [
        (r["policy"].version, r["policy"].is_active, r["snapshots"])
        for r in response.context["rows"]
    ]
    assert rows == [(2, False, 0), (1, True, 2)]
    assert "active" in response.content.decode()


def test_draft_form_starts_from_the_active_policy(client, leader):
    client.force_login(leader)
    response = client.get(reverse("assessments:policy_create"))
    form = response.context["form"]
    assert form["threshold"].value() == 60
    assert form["weight_trust"].value() == 0.2
    assert "A rung once won is kept until a gate drops" in response.content.decode()


def test_draft_weights_must_add_up_to_one(client, leader):
    client.force_login(leader)
    response = client.post(reverse("assessments:policy_create"), parameters(weight_trust=0.5))
    assert response.status_code == 200
    assert "The five dimension weights must add up to 1 (now 1.3)." in response.content.decode()
    assert ScoringPolicy.objects.count() == 1


def test_draft_bounds_are_checked(client, leader):
    client.force_login(leader)
    response = client.post(reverse("assessments:policy_create"), parameters(threshold=120))
    assert response.context["form"].errors["threshold"] == [
        "Ensure this value is less than or equal to 100."
    ]
    assert ScoringPolicy.objects.count() == 1


def test_saved_draft_is_inactive_and_shows_what_differs(client, leader):
    client.force_login(leader)
    response = client.post(
        reverse("assessments:policy_create"), parameters(threshold=50, min_raters_advisor=3)
    )
    draft = ScoringPolicy.objects.get(version=2)
    assert response.url == reverse("assessments:policy_detail", args=[2])
    assert (draft.is_active, draft.threshold, draft.created_by) == (False, 50, leader)
    detail = client.get(response.url)
    differing = [(r["name"], r["active"], r["value"]) for r in detail.context["differing"]]
    assert differing == [("threshold", 60, 50), ("min_raters_advisor", 2, 3)]


def test_backtest_runs_and_shows_the_diff(
    client, leader, scored, django_capture_on_commit_callbacks
):
    draft = services.policy_draft_create(values=parameters(threshold=40), created_by=leader)
    client.force_login(leader)
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("assessments:backtest_create", args=[draft.version]),
            {"start": today - dt.timedelta(days=21), "end": today, "step_days": 7},
        )
    backtest = Backtest.objects.get()
    assert response.url == reverse("assessments:backtest_detail", args=[backtest.pk])
    assert (backtest.status, backtest.created_by) == ("done", leader)
    page = client.get(response.url)
    assert "Refresh" not in page.headers
    differing = page.context["differing"]
    assert [(r.engagement_id, r.level_active, r.level_draft) for r in differing] == [
        (scored.pk, 1, 2)
    ]
    assert differing[0].deciding_gate.endswith("/ 60 (active)")
    assert page.context["distribution"][-2] == {
        "label": "Skilled provider",
        "active": 0,
        "draft": 1,
        "delta": 1,
    }


def test_backtest_page_refreshes_while_running(client, leader, scored):
    draft = services.policy_draft_create(values=parameters(), created_by=leader)
    today = timezone.localdate()
    backtest = services.backtest_create(policy=draft, start=today - dt.timedelta(days=7), end=today)
    Backtest.objects.filter(pk=backtest.pk).update(status="running", progress=42)
    client.force_login(leader)
    page = client.get(reverse("assessments:backtest_detail", args=[backtest.pk]))
    assert page.headers["Refresh"] == "2"
    assert '<progress max="100" value="42"' in page.content.decode()
    assert client.get(reverse("assessments:backtest_export", args=[backtest.pk])).status_code == 404


def test_backtest_form_refuses_a_future_end(client, leader):
    client.force_login(leader)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        reverse("assessments:backtest_create", args=[1]),
        {"start": tomorrow - dt.timedelta(days=30), "end": tomorrow, "step_days": 7},
    )
    assert response.context["backtest_form"].errors["end"] == ["The end cannot be in the future."]
    assert Backtest.objects.count() == 0


def test_backtest_csv_has_every_engagement(client, leader, scored, engagement_b):
    draft = services.policy_draft_create(values=parameters(threshold=40), created_by=leader)
    today = timezone.localdate()
    backtest = services.backtest_run(policy=draft, start=today - dt.timedelta(days=14), end=today)
    client.force_login(leader)
    response = client.get(reverse("assessments:backtest_export", args=[backtest.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:5] == ["engagement_id", "partner", "engagement", "level_active", "level_draft"]
    assert sorted((int(r[0]), r[3], r[4]) for r in rows[1:]) == sorted(
        [(scored.pk, "Executor", "Skilled provider"), (engagement_b.pk, "Executor", "Executor")]
    )


def test_activate_asks_first_then_switches_and_recomputes(
    client, leader, scored, django_capture_on_commit_callbacks
):
    draft = services.policy_draft_create(values=parameters(threshold=40), created_by=leader)
    client.force_login(leader)
    url = reverse("assessments:policy_activate", args=[draft.version])
    confirm = client.get(url)
    assert "Yes, activate version 2" in confirm.content.decode()
    assert ScoringPolicy.objects.get(is_active=True).version == 1
    old_snapshot = MaturitySnapshot.objects.get(engagement=scored)
    MaturitySnapshot.objects.filter(pk=old_snapshot.pk).update(
        as_of=old_snapshot.as_of - dt.timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.url == reverse("assessments:policy_list")
    draft.refresh_from_db()
    assert (draft.is_active, draft.activated_by) == (True, leader)
    assert draft.activated_at is not None
    assert list(ScoringPolicy.objects.filter(is_active=True)) == [draft]
    versions = list(
        MaturitySnapshot.objects.filter(engagement=scored)
        .order_by("as_of")
        .values_list("policy__version", "level")
    )
    assert versions == [(1, 1), (2, 2)]
    progress = client.get(scored.get_absolute_url())
    assert "version 2" in progress.content.decode()
