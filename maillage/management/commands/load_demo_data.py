"""The platform's demo data: each app loads its own, in the order their data builds on each other.

This command is a composition root (like maillage/urls.py): it is the one place that knows every
app with demo data. An app's loader is idempotent, refuses production settings itself, and loads
only its own rows, reading those of the apps before it.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

from directory.models import Agent, Service

# In order: the agents and their services, then the communities they join, then the
# conversations in those communities' rooms.
DEMO_LOADERS = (
    "directory.demo.load_demo_agents",
    "communities.demo.load_demo_communities",
    "chat.demo.load_demo_chat",
)


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
            for loader in DEMO_LOADERS:
                import_string(loader)()
        self.stdout.write(
            f"Données de démonstration : {Service.objects.count()} services, "
            f"{Agent.objects.filter(email__endswith='@demo.gouv.fr').count()} agents."
        )
