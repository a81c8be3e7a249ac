from django.core.management.base import BaseCommand

from directory import facet_tags
from directory.models import Agent
from directory.search_index import refresh_search_text


class Command(BaseCommand):
    help = (
        "Recompute the searchable text and the stored facet tags of every agent (database "
        "search backend)."
    )

    def handle(self, *args, **options):
        count = 0
        agents = Agent.objects.select_related("service").prefetch_related(
            "skills", "expertise", "interests"
        )
        for agent in agents.iterator(chunk_size=500):
            refresh_search_text(agent)
            count += 1
        facet_tags.refresh_all()
        self.stdout.write(f"{count} agents indexés.")
