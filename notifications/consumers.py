"""The notifications' part of the tab's WebSocket: new notifications and the unread count are
pushed to the agent's group (``chat.events.agent_group``) by ``notifications.services.push``."""


class NotificationsConsumerMixin:
    async def notifications_event(self, event):
        await self.send(text_data=event["text"])
