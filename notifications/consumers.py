"""The notifications' part of the tab's WebSocket: new notifications and the unread count are
pushed to the agent's group (``maillage.realtime.agent_group``) by ``notifications.services.push``,
or, in the embedded default, by this process's relay (``notifications.relay``)."""


class NotificationsConsumerMixin:
    def notifications_connect(self):
        from notifications import relay

        relay.ensure_started()

    async def notifications_event(self, event):
        await self.send(text_data=event["text"])
