"""The platform on a real Redis: the channel layer, the cache, and the whole app under Daphne.

The Redis server is pytest-redis's, started by tests/integration/conftest.py on a free port.
"""

import asyncio

import pytest
import redis
from channels_redis.core import RedisChannelLayer
from django.core.cache.backends.redis import RedisCache

from tests.integration.servers import Daphne, django_env, get_json, migrated_sqlite_database

pytestmark = pytest.mark.integration


async def _closing(*layers):
    for layer in layers:
        await layer.flush()
        await layer.close_pools()


def test_channel_layer_round_trip_between_two_processes(redis_url):
    """A message one channel layer sends to a channel, another layer (process) receives."""

    async def scenario():
        # Two layers with their own connections stand for two Daphne processes.
        sender = RedisChannelLayer(hosts=[redis_url], prefix="integration")
        receiver = RedisChannelLayer(hosts=[redis_url], prefix="integration")
        try:
            await sender.send("notifications.42", {"type": "notify", "text": "Bonjour Erwan"})
            shared = await asyncio.wait_for(receiver.receive("notifications.42"), 5)
            own_channel = await receiver.new_channel("websocket.")
            await sender.send(own_channel, {"type": "chat.message", "text": "Bienvenue"})
            own = await asyncio.wait_for(receiver.receive(own_channel), 5)
            return shared, own
        finally:
            await _closing(sender, receiver)

    shared, own = asyncio.run(scenario())
    assert shared == {"type": "notify", "text": "Bonjour Erwan"}
    assert own == {"type": "chat.message", "text": "Bienvenue"}


def test_channel_layer_group_send_reaches_every_member(redis_url):
    """group_send reaches the two channels added to a group, and no longer a discarded one."""

    async def scenario():
        sender = RedisChannelLayer(hosts=[redis_url], prefix="integration")
        receiver = RedisChannelLayer(hosts=[redis_url], prefix="integration")
        try:
            first = await receiver.new_channel("websocket.")
            second = await receiver.new_channel("websocket.")
            await receiver.group_add("communaute.urbanisme", first)
            await receiver.group_add("communaute.urbanisme", second)

            await sender.group_send("communaute.urbanisme", {"type": "chat.message", "n": 1})
            received = [
                await asyncio.wait_for(receiver.receive(first), 5),
                await asyncio.wait_for(receiver.receive(second), 5),
            ]

            await receiver.group_discard("communaute.urbanisme", second)
            await sender.group_send("communaute.urbanisme", {"type": "chat.message", "n": 2})
            # A direct message queued after the group message: if the discarded channel still
            # got the group message, it would come first.
            await sender.send(second, {"type": "direct", "n": 3})
            received += [
                await asyncio.wait_for(receiver.receive(first), 5),
                await asyncio.wait_for(receiver.receive(second), 5),
            ]
            return received
        finally:
            await _closing(sender, receiver)

    assert asyncio.run(scenario()) == [
        {"type": "chat.message", "n": 1},
        {"type": "chat.message", "n": 1},
        {"type": "chat.message", "n": 2},
        {"type": "direct", "n": 3},
    ]


def test_django_cache_on_redis(redis_url):
    """Django's Redis cache sets, gets, adds, increments and deletes keys in the server."""
    cache = RedisCache(redis_url, {"KEY_PREFIX": "integration"})
    server = redis.Redis.from_url(redis_url)
    try:
        cache.set("profil:erwan", {"position": "Instructeur en droit des sols"}, 60)
        assert cache.get("profil:erwan") == {"position": "Instructeur en droit des sols"}
        # The value lives in Redis itself, under the prefixed and versioned key.
        assert server.exists(cache.make_and_validate_key("profil:erwan")) == 1
        assert 0 < server.ttl(cache.make_and_validate_key("profil:erwan")) <= 60

        assert cache.add("profil:erwan", "autre") is False
        assert cache.get("missing", "absent") == "absent"

        cache.set("connexions", 1)
        assert cache.incr("connexions") == 2
        assert cache.incr("connexions", 10) == 12
        assert cache.get("connexions") == 12

        assert cache.delete("profil:erwan") is True
        assert cache.get("profil:erwan") is None
        assert server.exists(cache.make_and_validate_key("profil:erwan")) == 0
    finally:
        cache.delete_many(["profil:erwan", "connexions"])
        cache.close()
        server.close()


@pytest.fixture(scope="module")
def daphne_on_redis(redis_url, tmp_path_factory):
    """The app as ``make run`` serves it, with REDIS_URL set: channel layer and cache on Redis."""
    folder = tmp_path_factory.mktemp("daphne-redis")
    database = migrated_sqlite_database(folder / "db.sqlite3", tmp_path_factory)
    env = django_env(
        "maillage.settings.dev",
        REDIS_URL=redis_url,
        DATABASE_URL=f"sqlite:///{database}",
        MAILLAGE_VAR_DIR=folder,
    )
    with Daphne(env=env, log_path=folder / "daphne.log") as server:
        yield server


ALL_OK = {
    "status": "ok",
    "checks": {
        "database": {"status": "ok"},
        "cache": {"status": "ok"},
        "channel_layer": {"status": "ok"},
    },
}


def test_healthz_ok_with_redis(daphne_on_redis):
    """/healthz answers 200 with the database, the Redis cache and the channel layer ok."""
    status, body = get_json(f"{daphne_on_redis.url}/healthz")
    assert (status, body) == (200, ALL_OK), daphne_on_redis.log()


def test_healthz_reports_redis_down_then_recovers(daphne_on_redis, redis_server):
    """With Redis stopped /healthz answers 503 (cache and channel layer in error); 200 again
    once it is back."""
    with redis_server.stopped():
        status, body = get_json(f"{daphne_on_redis.url}/healthz", timeout=20)
    assert status == 503, body
    assert body["status"] == "error"
    assert body["checks"]["database"] == {"status": "ok"}
    assert body["checks"]["cache"]["status"] == "error"
    assert body["checks"]["channel_layer"]["status"] == "error"

    status, body = get_json(f"{daphne_on_redis.url}/healthz", timeout=20)
    assert (status, body) == (200, ALL_OK), daphne_on_redis.log()
