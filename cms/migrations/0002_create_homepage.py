from django.db import migrations

PRESENTATION = (
    "<h2>Pourquoi Maillage ?</h2>"
    "<p>Les agents des services territoriaux de l'État travaillent sur les mêmes politiques "
    "publiques dans des services, des ministères et des sites différents. Maillage leur permet de "
    "se connaître, d'échanger et de partager au sein de communautés professionnelles animées, "
    "chacune avec sa charte.</p>"
)


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("cms.HomePage")

    # Replace the placeholder page Wagtail creates with its first migration.
    Page.objects.filter(depth=2, slug="home").delete()
    homepage_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="cms")
    locale = Locale.objects.get_or_create(language_code="fr")[0]
    homepage = HomePage.objects.create(
        title="Maillage",
        draft_title="Maillage",
        slug="accueil",
        content_type=homepage_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/accueil/",
        locale=locale,
        live=True,
        intro="Le réseau social professionnel des agents de l'État dans les territoires.",
        presentation=PRESENTATION,
    )
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", root_page=homepage, is_default_site=True)


def remove_homepage(apps, schema_editor):
    apps.get_model("cms.HomePage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cms", "0001_initial")]

    operations = [migrations.RunPython(create_homepage, remove_homepage)]
