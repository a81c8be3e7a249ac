from django.db import migrations


def create_main_rooms(apps, schema_editor):
    """Every existing community gets its main room (new ones get it when created)."""
    Community = apps.get_model("communities", "Community")
    Room = apps.get_model("chat", "Room")
    have = set(Room.objects.filter(is_main=True).values_list("community_id", flat=True))
    Room.objects.bulk_create(
        Room(kind="community", community_id=pk, name="Général", is_main=True)
        for pk in Community.objects.exclude(pk__in=have).values_list("pk", flat=True)
    )


class Migration(migrations.Migration):
    dependencies = [("chat", "0001_rooms_and_messages")]

    operations = [migrations.RunPython(create_main_rooms, migrations.RunPython.noop)]
