"""Wagtail's migrations name the default moderation workflow and its task in English
(« Moderators approval », hence « Soumettre à Moderators approval » in the editor): they get French
names. Names an administrator has chosen are left alone."""

from django.db import migrations

ENGLISH = "Moderators approval"
FRENCH = "Validation par la modération"


def forwards(apps, schema_editor):
    apps.get_model("wagtailcore.Workflow").objects.filter(name=ENGLISH).update(name=FRENCH)
    apps.get_model("wagtailcore.Task").objects.filter(name=ENGLISH).update(name=FRENCH)


def backwards(apps, schema_editor):
    apps.get_model("wagtailcore.Workflow").objects.filter(name=FRENCH).update(name=ENGLISH)
    apps.get_model("wagtailcore.Task").objects.filter(name=FRENCH).update(name=ENGLISH)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0005_remove_homepage_presentation"),
        ("wagtailcore", "0048_add_default_workflows"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
