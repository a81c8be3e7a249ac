from django.apps import AppConfig


class CallsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "calls"
    verbose_name = "Appels à projets"

    def ready(self):
        # Each module registers what it owns with the platform's floor (policy, navigation,
        # audit labels, notification kinds, demo).
        from calls import registrations

        registrations.register()
