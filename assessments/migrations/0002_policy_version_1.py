from django.db import migrations


def create_policy(apps, schema_editor):
    # Field defaults are the parameters of policy version 1 in DESIGN.md.
    ScoringPolicy = apps.get_model("assessments", "ScoringPolicy")
    ScoringPolicy.objects.get_or_create(version=1, defaults={"is_active": True})


def delete_policy(apps, schema_editor):
    apps.get_model("assessments", "ScoringPolicy").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(create_policy, delete_policy)]
