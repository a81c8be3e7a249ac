"""The real-time kernel: one WebSocket per tab, that every app is a client of.

- ``consumer``: the ``/ws/`` endpoint (``PlatformConsumer``), with a handler registry by event
  type prefix (``registry``: ``register("chat", ChatHandlers)`` from the app's ``ready()``);
- ``hub``: one channel-layer subscription per process and group, fanned out to its connections;
- ``groups``: the agent's own group; ``publish``: publication on commit;
- ``sequence``: resume by sequence number (reorder buffer, gap timer, catch-up).

``docs/realtime.md`` tells how an app subscribes, publishes and catches up. This package
imports no app.
"""

from maillage.realtime.groups import agent_group
from maillage.realtime.publish import (
    publish_many_on_commit,
    publish_on_commit,
    send,
    send_async,
)
from maillage.realtime.registry import Handlers, register
from maillage.realtime.sequence import Reset, SequencedStream

__all__ = [
    "Handlers",
    "Reset",
    "SequencedStream",
    "agent_group",
    "publish_many_on_commit",
    "publish_on_commit",
    "register",
    "send",
    "send_async",
]
