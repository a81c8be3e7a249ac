from django.apps import AppConfig


class WikiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "wiki"
    verbose_name = "Wiki"

    def ready(self):
        # Each module registers what it owns with the platform's floor (policy, content
        # contract, menu and tool, notification kinds, personal data, demo).
        from wiki import registrations

        registrations.register()
