from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Annuaire"

    def ready(self):
        # personal_data registers the profile's export sections; receivers keep endorsements in
        # step with skills.
        from directory import personal_data, receivers  # noqa: F401
        from directory.models import Agent
        from directory.permissions import agents_readable_by, profile_abilities
        from maillage import policy

        policy.register(Agent, abilities=profile_abilities, readable=agents_readable_by)
        from directory import pages

        pages.register()
        self.register_search()
        from directory import search

        search.register()
        from directory import demo
        from maillage import demo as platform_demo

        platform_demo.register(10, demo.load_demo_agents, summary=demo.summary)
        platform_demo.register_accounts(demo.ACCOUNT_DESCRIPTIONS)

    @staticmethod
    def register_search():
        """The agents' search: the database backend and the engine's (on the search over
        everything's index), and the database's text kept up to date on every save of an
        agent's row (the search core imports no app: the directory registers)."""
        from django.db.models.signals import post_save, pre_save

        from directory import facet_labels, facet_tags, whole_counts
        from directory.search_backend import DatabaseBackend
        from directory.search_engine import EngineBackend
        from directory.search_index import (
            keep_search_text,
            refresh_service_agents,
            save_search_text,
        )
        from search import backends

        backends.register("database", DatabaseBackend)
        backends.register("engine", EngineBackend)
        facet_labels.connect()
        facet_tags.connect()
        whole_counts.connect()
        pre_save.connect(keep_search_text, sender="directory.Agent", dispatch_uid="search_text")
        post_save.connect(save_search_text, sender="directory.Agent", dispatch_uid="search_text")
        post_save.connect(
            refresh_service_agents, sender="directory.Service", dispatch_uid="search_text"
        )
