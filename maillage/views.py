import asyncio
import uuid

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0] == 1


def _check_cache():
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", 10)
    try:
        return cache.get(key) == "ok"
    finally:
        cache.delete(key)


async def _check_channel_layer():
    layer = get_channel_layer()
    channel = await layer.new_channel("healthz.")
    token = uuid.uuid4().hex
    await layer.send(channel, {"type": "healthz", "token": token})
    message = await layer.receive(channel)
    return message.get("token") == token


async def _run(check, timeout=3):
    try:
        if asyncio.iscoroutinefunction(check):
            ok = await asyncio.wait_for(check(), timeout)
        else:
            # The main sync thread: the database connection it opens is the request's, closed
            # and renewed by Django like any other (a thread of its own would keep a dead one).
            ok = await asyncio.wait_for(sync_to_async(check)(), timeout)
    except Exception as exc:  # noqa: BLE001 - any failure is reported, never raised
        return {"status": "error", "error": exc.__class__.__name__}
    return {"status": "ok" if ok else "error"}


@never_cache
async def healthz(request):
    """The state of the database, the cache and the channel layer: 200 if all answer, else 503."""
    names = ("database", "cache", "channel_layer")
    results = await asyncio.gather(
        _run(_check_database), _run(_check_cache), _run(_check_channel_layer)
    )
    checks = dict(zip(names, results, strict=True))
    healthy = all(check["status"] == "ok" for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks},
        status=200 if healthy else 503,
    )
