import pytest
from channels.layers import channel_layers

pytestmark = pytest.mark.django_db

UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        # Nothing listens on port 1: the connection is refused at once.
        "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
    }
}


@pytest.fixture
def fresh_channel_layers():
    """Channels caches its layers; drop them before and after so each test builds its own.

    channels' ChannelLayerManager also empties its cache on setting_changed for CHANNEL_LAYERS,
    which the `settings` fixture sends; this makes the test independent of that detail.
    """
    channel_layers.backends = {}
    yield
    channel_layers.backends = {}


def test_healthz_ok(client, fresh_channel_layers):
    """/healthz answers 200 JSON with the database, the cache and the channel layer all ok."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "checks": {
            "database": {"status": "ok"},
            "cache": {"status": "ok"},
            "channel_layer": {"status": "ok"},
        },
    }


def test_healthz_is_never_cached(client, fresh_channel_layers):
    """The answer must not be cached by a proxy."""
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_needs_no_sign_in(client, fresh_channel_layers):
    """A load balancer probes it without a session: no redirect to the sign-in page."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_healthz_503_when_the_channel_layer_is_down(client, settings, fresh_channel_layers):
    """With the channel layer's Redis not listening, /healthz answers 503 and names the culprit."""
    settings.CHANNEL_LAYERS = UNREACHABLE_REDIS
    assert channel_layers.backends == {}
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["channel_layer"]["status"] == "error"
    assert body["checks"]["channel_layer"]["error"]
    assert body["checks"]["database"] == {"status": "ok"}
    assert body["checks"]["cache"] == {"status": "ok"}


def test_healthz_recovers_after_the_setting_is_restored(client, settings, fresh_channel_layers):
    """Once CHANNEL_LAYERS is back to the in-memory layer, /healthz is ok again."""
    original = settings.CHANNEL_LAYERS
    settings.CHANNEL_LAYERS = UNREACHABLE_REDIS
    assert client.get("/healthz").status_code == 503
    settings.CHANNEL_LAYERS = original
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["channel_layer"] == {"status": "ok"}
