"""Retire the plain-text API tokens of DRF's authtoken app.

They cannot be carried over: their keys sat in the database in plain text. Each owner gets
a RetiredApiToken row, which makes the token page say that the old token stopped working,
and the old table, keys and all, is dropped. Read with SQL because the authtoken app is no
longer installed.
"""

from django.db import migrations

OLD_TABLE = "authtoken_token"


def retire(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    RetiredApiToken = apps.get_model("accounts", "RetiredApiToken")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT user_id, created FROM {OLD_TABLE}")
        rows = cursor.fetchall()
    RetiredApiToken.objects.bulk_create(
        [RetiredApiToken(user_id=user_id, created=created) for user_id, created in rows]
    )
    schema_editor.execute(f"DROP TABLE {OLD_TABLE}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_api_tokens")]

    operations = [migrations.RunPython(retire, migrations.RunPython.noop)]
