from django.apps import AppConfig


class ForumsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "forums"
    verbose_name = "Forums"

    def ready(self):
        # Each module registers what it owns with the platform's floor (policy, content
        # contract, menu and tool, notification kinds, real time, personal data, demo).
        from forums import registrations

        registrations.register()
