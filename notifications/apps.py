from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from maillage import realtime, schedule
        from notifications import personal_data  # noqa: F401 - registrations
        from notifications.realtime import NotificationsHandlers

        realtime.register("notifications", NotificationsHandlers)
        schedule.register("notifications.digests", _digests, every=60)


def _digests(now):
    from notifications.services import digest_tick

    return len(digest_tick(now=now))
