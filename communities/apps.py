from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = "Communautés"

    def ready(self):
        from communities import moderation, personal_data, signals  # noqa: F401 - registrations
