"""The portfolio pages' reads use their indexes on PostgreSQL, which the tests run on: the
dashboard's stale list reads its 8 rows in index order, never-rated first, the movers' counts
come from the level-change index alone, and an account manager's engagements are found without
reading the whole portfolio. Sequential scans (and bitmap scans, where an index must be read
in order) are switched off for the plan, so that the tiny test tables cannot hide a missing
or mismatched index."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partners.access import managed_engagements
from partners.models import Engagement


@pytest.fixture
def dashboard_sql(client, leader, story):
    Engagement.objects.update(stale=True)
    client.force_login(leader)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/dashboard/").status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def plan_of(sql, *, bitmaps=False):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        if not bitmaps:
            cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def the_query(sqls, *fragments):
    matching = [sql for sql in sqls if all(fragment in sql for fragment in fragments)]
    assert len(matching) == 1, matching
    return matching[0]


def test_the_stale_list_is_read_from_its_index_in_list_order(dashboard_sql):
    sql = the_query(dashboard_sql, "NULLS FIRST", '"stale"', "LIMIT 8")

    plan = plan_of(sql)

    assert "engagement_stale" in plan
    assert "Sort" not in plan, plan


def test_the_movers_are_counted_from_the_level_change_index_alone(dashboard_sql):
    sql = the_query(dashboard_sql, "assessments_levelchange", "COUNT(", "FILTER")

    plan = plan_of(sql)

    assert "Index Only Scan using level_change_as_of" in plan, plan


def test_an_account_managers_engagements_are_found_by_index(am, story):
    sql, params = managed_engagements(am).order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        sql = cursor.mogrify(sql, params).decode()

    # Both sides of the OR through an index: the manager's, and the primary key for the team.
    plan = plan_of(sql, bitmaps=True)

    assert "Seq Scan on partners_engagement " not in plan, plan
    assert "partners_engagement_account_manager_id" in plan, plan
