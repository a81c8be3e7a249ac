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
