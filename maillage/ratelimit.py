"""Limits against floods: at most ``limit`` actions of one kind per agent per ``window`` seconds,
counted in the shared cache (Redis at scale) so that every process and tab counts together.

    ratelimit.check(f"ideas:submit:{agent.pk}", limit=5, window=600,
                    message=_("Vous avez proposé beaucoup d'idées d'affilée : …"))

A refused action raises ``RateLimited`` (a ``Refused``: the French message on the page, 429).
The window is fixed (the counter's key holds the window's number), which is enough against a
flood and costs one cache round trip.
"""

from django.core.cache import cache
from django.utils import timezone

from maillage.http import Refused


class RateLimited(Refused):
    """Too many actions of one kind in a short time."""


def hit(key, *, window):
    """Count one action under ``key`` in the current window; return the window's count."""
    bucket = f"rate:{key}:{int(timezone.now().timestamp() // window)}"
    if cache.add(bucket, 1, timeout=window * 2):
        return 1
    try:
        return cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, timeout=window * 2)
        return 1


def check(key, *, limit, window, message):
    """Count one action and refuse it, with ``message``, past ``limit`` in the window."""
    if hit(key, window=window) > limit:
        raise RateLimited(message, "rate_limited")
