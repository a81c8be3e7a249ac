"""The real-time kernel: one WebSocket per tab, that every app is a client of.

- ``sequence``: resume by sequence number (reorder buffer, gap timer, catch-up).

This package imports no app.
"""

from maillage.realtime.sequence import Reset, SequencedStream

__all__ = ["Reset", "SequencedStream"]
