"""The notifications' part of the tab's WebSocket, a client of the real-time kernel
(``maillage.realtime``, registered for the ``notifications`` prefix from ``notifications.apps``).

New notifications and the unread count are pushed to the agent's group
(``maillage.realtime.agent_group``) by ``notifications.services.push``, or, in the embedded
default, by this process's relay (``notifications.relay``), as ``notifications.event`` messages
carrying the client's event ready to send (``notifications.unread``). The client sends no event
of its own.
"""

from maillage import realtime


class NotificationsHandlers(realtime.Handlers):
    async def connect(self):
        from notifications import relay

        relay.ensure_started()

    async def notifications_event(self, message):
        await self.connection.send(message["text"])
