"""An index for the dashboard's "how the ladder moved" chart.

That chart counts snapshots per level on thirteen month-end dates across the portfolio. With
10,000 engagements and a year of daily snapshots (3.65 million rows) the only other index on
snapshots, (engagement, as_of), cannot serve a filter on as_of alone, so PostgreSQL scanned
the whole table (about 0.8 s); with (as_of, level) the count is an index-only scan.

Written as SQL, with no change to the model state, so that the model (owned by the scoring
engine) keeps its Meta untouched; moving it into MaturitySnapshot.Meta.indexes later only
needs a state-only migration.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("assessments", "0002_policy_version_1")]

    operations = [
        migrations.RunSQL(
            sql=(
                "CREATE INDEX IF NOT EXISTS snapshot_day_level "
                "ON assessments_maturitysnapshot (as_of, level)"
            ),
            reverse_sql="DROP INDEX IF EXISTS snapshot_day_level",
        ),
    ]
