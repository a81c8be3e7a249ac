from django.apps import AppConfig


class ChatConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "chat"
    verbose_name = "Messagerie"

    def ready(self):
        from chat import moderation, personal_data, signals  # noqa: F401 - registrations
