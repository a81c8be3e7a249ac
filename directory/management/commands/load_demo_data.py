from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from directory.demo import load_demo_data
from directory.models import Agent, Service


class Command(BaseCommand):
    help = "Load the demo services and agents (idempotent; refused under production settings)."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Les données de démonstration sont interdites avec ces réglages.")
        load_demo_data()
        self.stdout.write(
            f"Données de démonstration : {Service.objects.count()} services, "
            f"{Agent.objects.filter(email__endswith='@demo.gouv.fr').count()} agents."
        )
