"""The platform's demo data: each app loads its own, in the order their data builds on each other.

The apps register their loaders with ``maillage.demo`` from their ``AppConfig.ready()`` (the
directory's agents, then the communities they join, then the conversations in those communities'
rooms); this command runs them, so the kernel names no app. An app's loader is idempotent,
refuses production settings itself, and loads only its own rows, reading those of the apps before
it.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from maillage import demo


class Command(BaseCommand):
    help = (
        "Load the platform's demo data: agents, communities, conversations (idempotent; refused "
        "under production settings)."
    )

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Les données de démonstration sont interdites avec ces réglages.")
        # All or nothing: a loader that fails leaves no half-made demo behind.
        with transaction.atomic():
            for loader in demo.loaders():
                loader.load()
        summaries = demo.summaries()
        self.stdout.write(
            f"Données de démonstration : {', '.join(summaries)}."
            if summaries
            else "Données de démonstration chargées."
        )
