"""/api/v1/events/import/: the browser's CSV import for integrations."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from partners.models import EngagementEvent

pytestmark = pytest.mark.django_db

URL = "/api/v1/events/import/"
GOOD = (
    "engagement,kind,occurred_on,title,impact,notes\n"
    "acme-logistics/Route planner,domain_workshop,2026-06-01,Workshop,high,\n"
    "{a},milestone_delivered,2026-06-02,Release,,Shipped on time\n"
)


def upload(text, name="events.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_import_saves_every_row(api, am, engagement_a):
    csv_text = GOOD.format(a=engagement_a.pk)

    response = api(am).post(URL, {"file": upload(csv_text)}, format="multipart")

    assert response.status_code == 201, response.content
    assert response.json() == {
        "rows": 2,
        "created": 2,
        "engagements": [
            {
                "engagement": engagement_a.pk,
                "name": "Route planner",
                "partner": "Acme Logistics",
                "events": 2,
            }
        ],
    }
    assert sorted(EngagementEvent.objects.values_list("title", "impact")) == [
        ("Release", "normal"),
        ("Workshop", "high"),
    ]


def test_dry_run_saves_nothing(api, am, engagement_a):
    body = {"file": upload(GOOD.format(a=engagement_a.pk)), "dry_run": "true"}

    response = api(am).post(URL, body, format="multipart")

    assert (response.status_code, response.json()["created"]) == (200, 0)
    assert not EngagementEvent.objects.exists()


def test_refused_rows_are_keyed_by_spreadsheet_row(api, am, engagement_a):
    csv_text = GOOD.format(a=engagement_a.pk).replace("2026-06-02", "02/06/2026")

    response = api(am).post(URL, {"file": upload(csv_text)}, format="multipart")

    assert response.status_code == 400
    assert response.json() == {
        "rows": {"3": {"occurred_on": ["Enter the date as YYYY-MM-DD, for example 2026-06-30."]}}
    }
    assert not EngagementEvent.objects.exists()


def test_a_file_that_is_not_csv_is_refused(api, am):
    png = SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png")

    response = api(am).post(URL, {"file": png}, format="multipart")

    assert response.status_code == 400
    assert response.json() == {
        "file": ["This is not a CSV file. Save the sheet as CSV (UTF-8) and upload that."]
    }


def test_scoping_to_an_engagement_one_may_not_change_is_403(api, other_am, engagement_a):
    body = {"file": upload(GOOD.format(a=engagement_a.pk)), "engagement": engagement_a.pk}

    response = api(other_am).post(URL, body, format="multipart")

    assert response.status_code == 403
    assert not EngagementEvent.objects.exists()
    assert response.json() == {"detail": "You may not change this engagement."}


def test_scoping_to_an_engagement_one_cannot_see_is_404(api, am, engagement_a):
    body = {"file": upload(GOOD.format(a=engagement_a.pk)), "engagement": 987654}

    response = api(am).post(URL, body, format="multipart")

    assert response.status_code == 404
    assert not EngagementEvent.objects.exists()
