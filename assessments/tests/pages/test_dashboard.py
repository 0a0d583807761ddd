"""The leadership dashboard (/dashboard/) and its CSV export."""

import csv
import io

from partners.tests.factories import EngagementFactory, PartnerFactory

from .factories import LevelChangeFactory, store_facts


def dashboard(client, leader, query=""):
    store_facts()
    client.force_login(leader)
    response = client.get("/dashboard/" + query)
    assert response.status_code == 200
    return response


def table(response):
    return [e.name for e in response.context["page"].object_list]


def test_counts_per_rung_cover_the_whole_portfolio(client, leader, portfolio):
    response = dashboard(client, leader)

    bars = {bar["label"]: bar["count"] for bar in response.context["rung_chart"]["bars"]}
    assert bars == {
        "Executor": 2,
        "Skilled provider": 2,
        "Domain expert": 1,
        "Trusted advisor": 1,
    }
    assert "Trusted advisor: 1." in response.content.decode()


def test_filters_combine_and_stay_in_the_page_links(client, leader, am, portfolio):
    for n in range(55):
        EngagementFactory(
            partner=PartnerFactory(industry="Logistics"), account_manager=am, name=f"Extra {n:02d}"
        )

    query = f"?manager={am.pk}&industry=Logistics&status=active&sort=name"
    response = dashboard(client, leader, query)

    assert response.context["page"].paginator.count == 57
    assert table(response)[:2] == ["Depot app", "Route planner"]
    html = response.content.decode()
    assert query.replace("&", "&amp;") + "&amp;page=2" in html
    narrowed = dashboard(client, leader, f"?manager={am.pk}&industry=Logistics&rung=2")
    assert table(narrowed) == ["Depot app"]


def test_an_invalid_filter_is_reported_and_ignored(client, leader, portfolio):
    response = dashboard(client, leader, "?rung=9&status=active")

    assert "Select a valid choice. 9 is not one of the available choices." in (
        response.content.decode()
    )
    assert sorted(table(response)) == [
        "Card rewrite",
        "Depot app",
        "Mobile banking",
        "Route planner",
    ]


def test_the_csv_holds_exactly_the_filtered_rows(client, leader, other_am, portfolio):
    query = f"?manager={other_am.pk}&sort=score"
    page_rows = table(dashboard(client, leader, query))

    response = client.get("/dashboard/export.csv" + query)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="trustapp-portfolio-')
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["engagement"] for row in rows] == page_rows
    assert page_rows == ["Mobile banking", "Fleet data", "Old portal"]
    assert rows[0] == {
        "engagement_id": str(portfolio["Mobile banking"].pk),
        "engagement": "Mobile banking",
        "partner": "Borealis Bank",
        "industry": "Banking",
        "account_manager": "Otto Other",
        "status": "active",
        "rung": "Trusted advisor",
        "score": "88.0",
        "change_30d": "",
        "confidence": "none",
        "last_client_rating": "",
        "stale": "yes",
        "at_risk": "no",
    }


def test_the_csv_neutralises_spreadsheet_formulas(client, leader, partner_a, am):
    EngagementFactory(partner=partner_a, account_manager=am, name='=HYPERLINK("http://x")')
    client.force_login(leader)

    body = b"".join(client.get("/dashboard/export.csv").streaming_content).decode()

    assert "'=HYPERLINK" in body


def test_at_risk_stale_and_movers_are_listed(client, leader, story):
    context = dashboard(client, leader).context

    assert sorted(e.name for e in context["at_risk"]) == ["Card rewrite", "Depot app"]
    assert [e.name for e in context["stale"]] == ["Route planner"]
    assert [c.engagement.name for c in context["movers"]["up"]] == ["Mobile banking"]
    assert [c.engagement.name for c in context["movers"]["down"]] == ["Card rewrite"]
    assert context["mover_totals"] == {"up": 1, "down": 1}
    assert context["summary"]["at_risk"] == 2
    assert [row["engagement"].name for row in context["one_person"]] == [
        "Mobile banking",
        "Fleet data",
        "Depot app",
        "Card rewrite",
    ]


def test_filters_narrow_every_section(client, leader, am, portfolio):
    LevelChangeFactory(engagement=portfolio["Mobile banking"], from_level=3, to_level=4)

    context = dashboard(client, leader, f"?manager={am.pk}").context

    assert context["movers"]["up"] == []
    assert context["summary"]["total"] == 3
    assert sum(bar["count"] for bar in context["rung_chart"]["bars"]) == 3


def test_empty_states(client, leader):
    html = dashboard(client, leader).content.decode()

    assert "No engagements yet." in html
    assert "No level changed in the last 90 days." in html
    assert "Nothing at risk." in html


def test_no_match_for_the_filters(client, leader, portfolio):
    html = dashboard(client, leader, "?industry=Logistics&rung=4").content.decode()

    assert "No engagement matches these filters." in html
