"""The browser's CSV import of events: upload, preview, confirm, summary."""

import datetime as dt
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from partners.models import Engagement, EngagementEvent
from partners.tests.factories import TODAY
from partners.views_import import SESSION_KEY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

URL = "/events/import/"
HEADER = "engagement,kind,occurred_on,title,impact,notes\n"


def csv_file(text, name="events.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def good_rows(engagement_a, engagement_b):
    return (
        HEADER
        + "acme-logistics/Route planner,domain_workshop,2026-06-01,Workshop,high,\n"
        + f"{engagement_a.pk},milestone_delivered,2026-06-02,Release 2.4,,On time\n"
        + f"{engagement_b.pk},scope_expanded,2026-06-03,New team,low,\n"
    )


def preview(client, text, url=URL):
    return client.post(url, {"file": csv_file(text)})


def confirm(client, url=URL):
    return client.post(f"{url}confirm/", {"import_id": client.session[SESSION_KEY]["id"]})


def test_the_upload_page(client, am):
    client.force_login(am)

    page = client.get(URL).content.decode()

    assert page.count("<h1>") == 1
    assert '<label for="id_file">CSV file' in page
    assert 'enctype="multipart/form-data"' in page
    assert "<code>competitor_analysis_shared</code>" in page
    assert 'href="/events/import/template.csv"' in page


def test_the_template_starts_with_one_of_my_engagements(client, am, engagement_a, engagement_b):
    client.force_login(am)

    response = client.get("/events/import/template.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="trustapp-events.csv"'
    lines = response.content.decode().splitlines()
    assert lines[0] == "engagement,kind,occurred_on,title,impact,notes"
    assert lines[1].startswith("acme-logistics/Route planner,milestone_delivered,2026-06-30,")


def test_preview_saves_nothing_and_confirm_saves_everything(
    client, leader, engagement_a, engagement_b, django_capture_on_commit_callbacks
):
    client.force_login(leader)

    checked = preview(client, good_rows(engagement_a, engagement_b))

    assert "Ready to import 3 events" in checked.content.decode()
    assert not EngagementEvent.objects.exists()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        done = confirm(client)

    page = done.content.decode()
    assert "3 events imported" in page
    assert 'Acme Logistics: Route planner</a></td><td class="num">2' in page
    assert sorted(EngagementEvent.objects.values_list("title", "impact", "logged_by")) == [
        ("New team", "low", leader.pk),
        ("Release 2.4", "normal", leader.pk),
        ("Workshop", "high", leader.pk),
    ]
    assert len(callbacks) == 2
    for engagement in Engagement.objects.all():
        assert (engagement.evidence_version, engagement.scored_version) == (1, 1)
    assert SESSION_KEY not in client.session


def test_rows_with_problems_are_listed_and_nothing_can_be_confirmed(
    client, am, engagement_a, engagement_b
):
    client.force_login(am)
    text = good_rows(engagement_a, engagement_b) + (
        "acme-logistics/Route planer,escalation,2026-06-04,Typo in the name,,\n"
        f"{engagement_a.pk},coffee,31-12-2026,,huge,\n"
    )

    page = preview(client, text).content.decode()

    assert "3 of 5 rows cannot be imported" in page
    assert "You may not log events for Borealis Bank: Mobile banking." in page
    assert "There is no engagement “Route planer” of partner “acme-logistics”." in page
    assert "kind: “coffee” is not a kind of event; use a code from the list." in page
    assert "occurred_on: Enter the date as YYYY-MM-DD, for example 2026-06-30." in page
    assert "impact: Use low, normal or high (empty means normal)." in page
    assert 'name="import_id"' not in page
    assert SESSION_KEY not in client.session
    assert not EngagementEvent.objects.exists()


def test_model_rules_are_checked_in_the_preview(client, am, engagement_a):
    client.force_login(am)
    text = HEADER + f"{engagement_a.pk},domain_workshop,2026-07-01,Tomorrow,,\n"

    page = preview(client, text).content.decode()

    assert '<td class="num">2</td>' in page
    assert "occurred_on: The date cannot be in the future." in page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"title;when\nx;y\n", "The first row must name the columns engagement, kind"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00", "This is not a CSV file."),
        (HEADER.encode(), "The file has a header but no events under it."),
        (b"", "The submitted file is empty."),
    ],
)
def test_files_that_cannot_be_read(client, am, content, message):
    client.force_login(am)

    response = client.post(URL, {"file": SimpleUploadedFile("x.csv", content)})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'class="error"' in response.content.decode()


def test_semicolons_and_a_byte_order_mark_are_fine(client, am, engagement_a):
    client.force_login(am)
    text = "\ufeffKind;Occurred_on;Title;Engagement\ndomain_workshop;2026-06-01;Workshop;{pk}\n"

    page = preview(client, text.format(pk=engagement_a.pk)).content.decode()

    assert "Ready to import 1 event" in page


def test_an_engagements_own_import(client, am, engagement_a, engagement_b):
    client.force_login(am)
    url = f"/engagements/{engagement_a.pk}/events/import/"
    text = (
        HEADER
        + ",domain_workshop,2026-06-01,Workshop,,\n"
        + f"{engagement_b.pk},escalation,2026-06-01,X,,\n"
    )

    page = preview(client, text, url).content.decode()

    assert "This import is for Acme Logistics: Route planner only." in page

    preview(client, HEADER + ",domain_workshop,2026-06-01,Workshop,,\n", url)
    confirm(client, url)

    assert list(engagement_a.events.values_list("title", flat=True)) == ["Workshop"]


@pytest.mark.parametrize(("persona", "status"), [("other_am", 403), ("client_a", 403)])
def test_only_managers_import_into_an_engagement(client, request, engagement_a, persona, status):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(f"/engagements/{engagement_a.pk}/events/import/")

    assert response.status_code == status


def test_a_stale_confirm_imports_nothing(client, am, engagement_a, engagement_b):
    client.force_login(am)

    response = client.post(f"{URL}confirm/", {"import_id": "forged"}, follow=True)

    assert "That preview is no longer available" in response.content.decode()
    assert not EngagementEvent.objects.exists()


def test_confirm_checks_again(client, am, engagement_a):
    client.force_login(am)
    preview(client, HEADER + f"{engagement_a.pk},domain_workshop,2026-06-01,Workshop,,\n")
    Engagement.objects.filter(pk=engagement_a.pk).update(status="closed")

    page = confirm(client).content.decode()

    assert "This engagement is closed; it takes no new evidence." in page
    assert not EngagementEvent.objects.exists()


def big_file(engagements, rows):
    lines = [HEADER]
    for n in range(rows):
        engagement = engagements[n % len(engagements)]
        day = TODAY - dt.timedelta(days=n % 500)
        lines.append(f"{engagement.pk},milestone_delivered,{day},Release {n},normal,\n")
    return "".join(lines)


def timed(action):
    """(result, seconds, queries). Counts queries without recording their SQL, which for
    1,000-row INSERTs would itself take a noticeable share of the time."""
    count = 0

    def counting(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        started = time.perf_counter()
        result = action()
        elapsed = time.perf_counter() - started
    return result, elapsed, count


@pytest.mark.slow
def test_50000_rows_in_one_request(
    client, leader, engagement_a, engagement_b, django_capture_on_commit_callbacks
):
    client.force_login(leader)
    engagements = [engagement_a, engagement_b]
    preview(client, big_file(engagements, 1000))
    _, _, small_queries = timed(lambda: confirm(client))

    checked, check_time, _ = timed(lambda: preview(client, big_file(engagements, 50_000)))
    assert "Ready to import 50,000 events" in checked.content.decode()
    with django_capture_on_commit_callbacks() as callbacks:
        done, import_time, queries = timed(lambda: confirm(client))

    assert "50,000 events imported" in done.content.decode()
    assert EngagementEvent.objects.count() == 51_000
    # One INSERT per 1,000 rows: 49 more batches, nothing else grows with the file.
    assert queries == small_queries + 49
    assert len(callbacks) == 2
    _, recompute_time, recompute_queries = timed(lambda: [callback() for callback in callbacks])
    for engagement in Engagement.objects.all():
        assert (engagement.evidence_version, engagement.scored_version) == (2, 2)
    print(
        f"\nCSV import, 50,000 rows: preview {check_time:.1f} s; confirm {import_time:.1f} s "
        f"and {queries} queries; then 2 recomputes in {recompute_time:.1f} s and "
        f"{recompute_queries} queries"
    )


def test_confirm_without_preview_redirects_with_message(client, am):
    from django.urls import reverse

    client.force_login(am)
    response = client.post(
        reverse("partners:events_import_confirm"), {"import_id": ""}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("partners:events_import")
    assert "That preview is no longer available; upload the file again." in response.text
