"""The real-time kernel: one WebSocket per tab, that every app is a client of.

- ``hub``: one channel-layer subscription per process and group, fanned out to its connections;
- ``groups``: the agent's own group; ``publish``: publication on commit;
- ``sequence``: resume by sequence number (reorder buffer, gap timer, catch-up).

This package imports no app.
"""

from maillage.realtime.groups import agent_group
from maillage.realtime.publish import (
    publish_many_on_commit,
    publish_on_commit,
    send,
    send_async,
)
from maillage.realtime.sequence import Reset, SequencedStream

__all__ = [
    "Reset",
    "SequencedStream",
    "agent_group",
    "publish_many_on_commit",
    "publish_on_commit",
    "send",
    "send_async",
]
