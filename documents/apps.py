from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"
    verbose_name = "Bibliothèque de documents"

    def ready(self):
        # Each module registers what it owns with the platform's floor (policy, content
        # contract, menu and tool, notification kinds, personal data, demo).
        from documents import registrations

        registrations.register()
