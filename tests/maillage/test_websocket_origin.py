"""The WebSocket handshake's Origin check: only this site itself (scheme, host and port) or an
origin listed in CSRF_TRUSTED_ORIGINS may open ``/ws/`` with an agent's session."""

import pytest
from asgiref.sync import async_to_sync

from tests.maillage.test_pages import _handshake, session_headers, websocket_db, ws_agent

# (Host header, Origin header, scheme of the connection, accepted?) — written out.
MATRIX = [
    ("testserver", "http://testserver", "ws", True),
    ("testserver", "http://TestServer", "ws", True),
    ("testserver", "http://testserver:80", "ws", True),
    ("testserver", "http://testserver:9999", "ws", False),
    ("testserver", "https://testserver", "ws", False),
    ("testserver", "https://testserver", "wss", True),
    ("testserver", "http://testserver", "wss", False),
    ("127.0.0.1:8000", "http://127.0.0.1:8000", "ws", True),
    ("127.0.0.1:8000", "http://127.0.0.1:9999", "ws", False),
    ("127.0.0.1:8000", "http://127.0.0.1", "ws", False),
    ("127.0.0.1:8000", "https://127.0.0.1:8000", "ws", False),
    ("127.0.0.1:8000", "http://localhost:8000", "ws", False),
    ("localhost:8000", "http://localhost:8000", "ws", True),
    # A host that is not in ALLOWED_HOSTS, even consistent with its origin.
    ("evil.example", "http://evil.example", "ws", False),
    ("testserver", "http://evil.example", "ws", False),
    ("testserver", "http://testserver.evil.example", "ws", False),
    ("testserver", "null", "ws", False),
    ("testserver", "", "ws", False),
    ("testserver", "http://testserver/chemin", "ws", False),
    ("testserver", "javascript://testserver", "ws", False),
    ("testserver", "http://user@testserver", "ws", False),
    ("testserver", "http://testserver:99999", "ws", False),
    ("testserver", "https://maillage.example.gouv.fr", "ws", False),
]


def _headers(agent, host, origin):
    headers = [(name, value) for name, value in session_headers(agent) if name == b"cookie"]
    headers.append((b"host", host.encode()))
    if origin:
        headers.append((b"origin", origin.encode()))
    return headers


async def _connect(headers, scheme):
    from channels.testing import WebsocketCommunicator

    from maillage.asgi import application

    communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
    communicator.scope["scheme"] = scheme
    connected, _code = await communicator.connect(timeout=5)
    if connected:
        await communicator.disconnect()
    return connected


@websocket_db
@pytest.mark.parametrize(("host", "origin", "scheme", "accepted"), MATRIX)
def test_origin_matrix(settings, host, origin, scheme, accepted):
    """Scheme, host and port of the Origin must be the site's own."""
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
    headers = _headers(ws_agent(), host, origin)
    assert async_to_sync(_connect)(headers, scheme) is accepted


@websocket_db
def test_a_trusted_origin_is_accepted(settings):
    """An origin of CSRF_TRUSTED_ORIGINS (the public address behind the proxy) is accepted,
    with its scheme and port only."""
    settings.CSRF_TRUSTED_ORIGINS = ["https://maillage.example.gouv.fr"]
    agent = ws_agent()
    trusted = _headers(agent, "testserver", "https://maillage.example.gouv.fr")
    other_port = _headers(agent, "testserver", "https://maillage.example.gouv.fr:8443")
    plain = _headers(agent, "testserver", "http://maillage.example.gouv.fr")
    assert async_to_sync(_connect)(trusted, "ws") is True
    assert async_to_sync(_connect)(other_port, "ws") is False
    assert async_to_sync(_connect)(plain, "ws") is False


@websocket_db
def test_behind_the_tls_proxy_the_forwarded_scheme_counts(settings):
    """Behind the proxy (SECURE_PROXY_SSL_HEADER, as in production) the browser's https page
    connects over the proxy's plain connection: the forwarded scheme is the page's."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    agent = ws_agent()
    forwarded = [
        *_headers(agent, "testserver", "https://testserver"),
        (b"x-forwarded-proto", b"https"),
    ]
    assert async_to_sync(_connect)(forwarded, "ws") is True
    # Without the header, the same handshake is cross-scheme.
    assert (
        async_to_sync(_connect)(_headers(agent, "testserver", "https://testserver"), "ws") is False
    )


@websocket_db
def test_the_handshake_helper_still_refuses_a_foreign_origin():
    """The shared helper of the other WebSocket tests goes through the same check."""
    headers = [
        (b"origin", b"http://testserver:9999") if name == b"origin" else (name, value)
        for name, value in session_headers(ws_agent())
    ]
    connected, _code = async_to_sync(_handshake)(headers)
    assert connected is False
