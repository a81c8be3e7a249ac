from django.db import migrations

THEMES = [
    "Eau et milieux aquatiques", "Sécurité alimentaire", "Emploi et insertion", "Politique de la ville",
    "Fonctions de contrôle", "Risques naturels", "Urbanisme et droit des sols", "Agriculture",
    "Forêt", "Biodiversité", "Littoral et mer", "Logement et hébergement", "Cohésion sociale",
    "Culture et patrimoine", "Jeunesse et sports", "Fonds européens", "Numérique et innovation",
    "Simplification administrative", "Travail à distance et nomadisme", "Covoiturage et mobilité",
    "Vie de site", "Gestion de crise",
]


def load(apps, schema_editor):
    from django.utils.text import slugify

    Theme = apps.get_model("communities", "Theme")
    for name in THEMES:
        Theme.objects.update_or_create(slug=slugify(name), defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("communities", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
