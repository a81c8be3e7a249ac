"""Who is « en ligne » or « absent », in the shared cache (Redis at scale), not in the database.

Each open tab sends a heartbeat every HEARTBEAT seconds saying whether its person is active; an
agent is online when a tab was active within AWAY_AFTER seconds, away when tabs are open but idle,
offline when no heartbeat came for EXPIRES seconds (a closed tab, a killed process).
"""

import time

from django.core.cache import cache

HEARTBEAT = 30
EXPIRES = 75
AWAY_AFTER = 300
ONLINE, AWAY, OFFLINE = "online", "away", "offline"


def _key(agent_id):
    return f"chat:presence:{agent_id}"


def touch(agent_id, *, active):
    """Record a heartbeat; return the agent's status before and after."""
    now = time.time()
    before = cache.get(_key(agent_id))
    seen, last_active = now, (now if active else (before[1] if before else 0))
    cache.set(_key(agent_id), (seen, last_active), timeout=EXPIRES)
    return _status(before, now), _status((seen, last_active), now)


def _status(entry, now):
    if entry is None or now - entry[0] > EXPIRES:
        return OFFLINE
    return ONLINE if now - entry[1] <= AWAY_AFTER else AWAY


def statuses(agent_ids):
    """``{agent id: "online" | "away"}`` for those not offline."""
    now = time.time()
    found = cache.get_many([_key(pk) for pk in agent_ids])
    result = {}
    for pk in agent_ids:
        status = _status(found.get(_key(pk)), now)
        if status != OFFLINE:
            result[pk] = status
    return result
