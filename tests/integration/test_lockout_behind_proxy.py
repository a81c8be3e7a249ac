"""The sign-in lockout through the real chain: nginx with deploy/nginx.conf in front of two Daphne
processes started as the Dockerfile starts them, on PostgreSQL and Redis.

A client who writes another X-Forwarded-For on each attempt is still one client: the fifth failure
locks it out, and the right password is refused afterwards. A client connecting from another
address (127.0.0.2) is not locked. Redis and PostgreSQL are the servers started by
tests/integration/conftest.py; nginx is the system's (bin/system-packages).
"""

import http.client
import json
import re
import urllib.parse
from html import unescape
from http.cookies import SimpleCookie

import pytest

from tests.integration.servers import Daphne, Nginx, django_env, django_shell, manage

pytestmark = pytest.mark.integration

LOGIN_URL = "/connexion/"
EMAIL = "anne.martin@developpement-durable.gouv.fr"
PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - a test account's
BAD_LOGIN_MESSAGE = "Adresse électronique ou mot de passe incorrect."
LOCKED_OUT_MESSAGE = "Trop de tentatives de connexion échouées"

SEED = f"""
from directory.models import Agent

Agent.objects.create_user({EMAIL!r}, password={PASSWORD!r}, first_name="Anne", last_name="Martin")
"""

ATTEMPTS = """
import json

from axes.models import AccessAttempt

print(json.dumps([
    [attempt.ip_address, attempt.failures_since_start]
    for attempt in AccessAttempt.objects.order_by("ip_address")
]))
"""


class Visitor:
    """A browser reduced to what the sign-in form needs: its cookies, from one source address."""

    def __init__(self, server, source):
        self.server = server
        self.source = source
        self.cookies = {}

    def request(self, method, path, *, body=None, headers=()):
        """Send one request on a new connection from ``source``; return (status, headers, text)."""
        connection = http.client.HTTPConnection(
            self.server.host, self.server.port, timeout=30, source_address=(self.source, 0)
        )
        try:
            sent = dict(headers)
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{key}={value}" for key, value in self.cookies.items())
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            for header in response.headers.get_all("Set-Cookie") or ():
                for key, morsel in SimpleCookie(header).items():
                    self.cookies[key] = morsel.value
            return response.status, response.headers, response.read().decode()
        finally:
            connection.close()

    def sign_in(self, password, forwarded=None):
        """Open the sign-in page, then post the form (``forwarded``: an X-Forwarded-For of the
        visitor's own making); return (status, headers, text) of the POST."""
        status, _, page = self.request("GET", LOGIN_URL)
        assert status == 200, page[-2000:]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": EMAIL, "password": password}
        )
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if forwarded is not None:
            headers["X-Forwarded-For"] = forwarded
        return self.request("POST", LOGIN_URL, body=body, headers=headers)


@pytest.fixture(scope="module")
def chain(redis_url, postgresql_database_url, tmp_path_factory):
    """A migrated PostgreSQL database with one agent, two Daphne processes on Redis trusting one
    proxy, and nginx with deploy/nginx.conf in front of them: (nginx, the Django environment)."""
    folder = tmp_path_factory.mktemp("lockout-behind-proxy")
    env = django_env(
        "maillage.settings.dev",
        DATABASE_URL=postgresql_database_url,
        MAILLAGE_VAR_DIR=folder,
        LOG_LEVEL="WARNING",
    )
    manage("migrate", "--noinput", env=env)
    django_shell(SEED, env=env)
    server_env = dict(env, REDIS_URL=redis_url, TRUSTED_PROXY_COUNT="1")
    servers = [
        Daphne(env=server_env, log_path=folder / f"daphne-{number}.log") for number in (1, 2)
    ]
    proxy = None
    try:
        for server in servers:
            server.start()
        proxy = Nginx(
            upstreams=[f"{server.host}:{server.port}" for server in servers],
            log_path=folder / "nginx.log",
        )
        yield proxy.start(), env
    finally:
        if proxy is not None:
            proxy.stop()
        for server in servers:
            server.stop()


def test_forged_forwarded_addresses_do_not_escape_the_lockout(chain):
    """Through nginx, five failures each claiming another address lock the client out; the right
    password is then refused, while a client from another address signs in."""
    proxy, env = chain
    client = Visitor(proxy, "127.0.0.1")
    for number in range(5):
        status, _, text = client.sign_in("wrong-password", forwarded=f"203.0.113.{number}")
        if number < 4:  # the form again, with its error (whatever its status)
            assert status != 429, proxy.log()
            assert BAD_LOGIN_MESSAGE in unescape(text)
        else:  # the fifth failure locks out: axes answers it with the lockout page
            assert status == 429, proxy.log()
            assert LOCKED_OUT_MESSAGE in unescape(text)
    # One counter, for the address nginx saw, not one per forged address.
    attempts = json.loads(django_shell(ATTEMPTS, env=env))
    assert attempts == [["127.0.0.1", 5]], attempts

    status, headers, text = client.sign_in(PASSWORD, forwarded="203.0.113.99")
    assert status == 429, proxy.log()
    assert LOCKED_OUT_MESSAGE in unescape(text)
    assert "Location" not in headers

    elsewhere = Visitor(proxy, "127.0.0.2")
    status, headers, text = elsewhere.sign_in(PASSWORD)
    assert status == 302, text[-2000:]
    assert headers["Location"] == "/"
    status, _, text = elsewhere.request("GET", "/compte/")
    assert status == 200, "the agent signed in from 127.0.0.2 does not reach their account page"
