from django.apps import AppConfig


class ChatConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "chat"
    verbose_name = "Messagerie"

    def ready(self):
        from chat import moderation, personal_data, signals  # noqa: F401 - registrations

        moderation.register()
        from chat.models import Message, Room
        from chat.permissions import (
            message_abilities,
            messages_readable_by,
            room_abilities,
            rooms_readable_by,
        )
        from maillage import policy

        policy.register(Room, abilities=room_abilities, readable=rooms_readable_by)
        policy.register(Message, abilities=message_abilities, readable=messages_readable_by)
        from chat import pages

        pages.register()
        from chat import search

        search.register()

        from chat.realtime.handlers import ChatHandlers
        from maillage import realtime

        realtime.register("chat", ChatHandlers)
        from chat import notification_kinds  # noqa: F401 - registrations
        from chat.demo import load_demo_chat
        from maillage import demo

        demo.register(30, load_demo_chat)
