from django.apps import AppConfig


class IdeasConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ideas"
    verbose_name = "Boîte à idées"

    def ready(self):
        # Each module registers what it owns with the platform's floor (policy, content
        # contract, menu and tool, notification kinds, metrics, personal data, demo).
        from ideas import registrations

        registrations.register()
