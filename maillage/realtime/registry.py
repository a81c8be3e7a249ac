"""Which app handles which events on the tab's connection: a registry by event-type prefix.

Each app registers, from its ``AppConfig.ready()``, a class of its own for the prefix of its
events (``chat`` for ``chat.subscribe``, ``chat.event``…)::

    realtime.register("chat", ChatHandlers)

The connection (``maillage.realtime.consumer.PlatformConsumer``) makes one instance of each
registered class when it opens and hands it:

- ``connect()`` once the agent's group is joined, ``disconnect()`` once every group is left;
- the client's events of its prefix (``receive(event)``; False: a type it does not know);
- the channel-layer messages of its prefix sent to a group the connection is in: ``chat.event``
  calls ``chat_event(message)``, as Channels names its handlers.

This module imports no app.
"""

from django.core.exceptions import ImproperlyConfigured

# The endpoint's own event types, and what its JavaScript emits locally.
RESERVED = frozenset({"ping", "pong", "error", "realtime"})

_registry = {}


class Handlers:
    """One app's part of one connection. Subclass it; every hook is optional."""

    def __init__(self, connection):
        self.connection = connection  # the PlatformConsumer: send_event, join, leave, end…
        self.agent = connection.agent

    async def connect(self):
        """The connection is open and in the agent's group."""

    async def receive(self, event):
        """A client event of this prefix; return False when its type is not one of ours. Runs in
        the event's policy scope; a refusal raised (``maillage.http.Refused``: any app's error)
        becomes an ``error`` event."""
        return False

    async def disconnect(self):
        """The connection is closing; it is already out of every group. Store what is pending,
        cancel timers."""


def register(prefix, handlers):
    """Declare ``handlers`` (a ``Handlers`` subclass) for the events whose type starts with
    ``prefix.``."""
    if not prefix or "." in prefix or prefix in RESERVED:
        raise ImproperlyConfigured(f"Real-time prefix {prefix!r} is not allowed.")
    registered = _registry.get(prefix)
    if registered is not None and registered is not handlers:
        raise ImproperlyConfigured(
            f"Real-time prefix {prefix!r} is already handled by {registered.__qualname__}."
        )
    _registry[prefix] = handlers


def registered():
    """``{prefix: Handlers subclass}``, in registration order (``INSTALLED_APPS``)."""
    return dict(_registry)
