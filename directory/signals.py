"""Signals the directory sends for other apps to follow."""

from django.dispatch import Signal

# Sent inside the transaction that closes an account, with ``agent`` (already anonymised).
agent_closed = Signal()
