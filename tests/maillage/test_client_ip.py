"""The client's address behind the reverse proxies (maillage.net.client_ip) and the sign-in
lockout that counts by it: a forged X-Forwarded-For never makes a new client."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory

from maillage.net import client_ip

ROOT = Path(__file__).resolve().parents[2]
LOGIN_URL = "/connexion/"
BAD_LOGIN_MESSAGE = "Adresse électronique ou mot de passe incorrect."

# (trusted proxies, REMOTE_ADDR, X-Forwarded-For as received or None, the client's address)
TABLE = [
    # No proxy (make run): the connection's peer, whatever the header says.
    (0, "192.0.2.10", None, "192.0.2.10"),
    (0, "192.0.2.10", "203.0.113.66", "192.0.2.10"),
    (0, "192.0.2.10", "203.0.113.66, 198.51.100.7", "192.0.2.10"),
    # One proxy: the entry it appended, the right-most.
    (1, "172.18.0.5", "198.51.100.7", "198.51.100.7"),
    (1, "172.18.0.5", "203.0.113.66, 198.51.100.7", "198.51.100.7"),
    (1, "172.18.0.5", "10.0.0.1, 203.0.113.66, 198.51.100.7", "198.51.100.7"),
    (1, "172.18.0.5", "203.0.113.66,198.51.100.7", "198.51.100.7"),
    (1, "172.18.0.5", "  198.51.100.7  ", "198.51.100.7"),
    # One proxy, but the header is missing, empty or its entry is no address: the peer.
    (1, "172.18.0.5", None, "172.18.0.5"),
    (1, "172.18.0.5", "", "172.18.0.5"),
    (1, "172.18.0.5", "unknown", "172.18.0.5"),
    (1, "172.18.0.5", "198.51.100.7, ", "172.18.0.5"),
    (1, "172.18.0.5", "198.51.100.7:4711", "172.18.0.5"),
    (1, "172.18.0.5", "198.51.100.7, <script>", "172.18.0.5"),
    # Two proxies: the entry the outer one appended, second from the right.
    (2, "172.18.0.5", "198.51.100.7, 10.1.2.3", "198.51.100.7"),
    (2, "172.18.0.5", "203.0.113.66, 198.51.100.7, 10.1.2.3", "198.51.100.7"),
    (2, "172.18.0.5", "10.1.2.3", "172.18.0.5"),
    (2, "172.18.0.5", None, "172.18.0.5"),
    (2, "172.18.0.5", "garbage, 10.1.2.3", "172.18.0.5"),
    # IPv6, written in its canonical form whatever the spelling (one address, one counter).
    (1, "::1", "2001:db8::7", "2001:db8::7"),
    (1, "::1", "203.0.113.66, 2001:DB8:0:0::0007", "2001:db8::7"),
    (1, "172.18.0.5", "2001:db8::7, 198.51.100.7", "198.51.100.7"),
    (0, "2001:db8::1", "198.51.100.7", "2001:db8::1"),
]


@pytest.mark.parametrize(("proxies", "remote_addr", "forwarded", "expected"), TABLE)
def test_client_ip(settings, proxies, remote_addr, forwarded, expected):
    """The client is the entry the outermost trusted proxy appended, else the connection's peer."""
    settings.TRUSTED_PROXY_COUNT = proxies
    headers = {} if forwarded is None else {"X-Forwarded-For": forwarded}
    request = RequestFactory().get("/", REMOTE_ADDR=remote_addr, headers=headers)
    assert client_ip(request) == expected


def test_the_lockout_counts_by_this_address(settings):
    """django-axes asks maillage.net.client_ip for the client's address."""
    assert settings.AXES_CLIENT_IP_CALLABLE == "maillage.net.client_ip"


def _settings_with(value):
    env = {key: val for key, val in os.environ.items() if key != "TRUSTED_PROXY_COUNT"}
    if value is not None:
        env["TRUSTED_PROXY_COUNT"] = value
    return subprocess.run(
        [sys.executable, "-c", "import maillage.settings.base as s; print(s.TRUSTED_PROXY_COUNT)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(("value", "expected"), [(None, "0"), ("", "0"), ("2", "2")])
def test_trusted_proxy_count_from_the_environment(value, expected):
    """TRUSTED_PROXY_COUNT is read from the environment; no proxy when it is unset."""
    result = _settings_with(value)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.mark.parametrize("value", ["-1", "1.5", "un", "١"])
def test_trusted_proxy_count_refuses_what_is_not_a_count(value):
    """A negative, fractional or non-numeric TRUSTED_PROXY_COUNT stops the settings."""
    result = _settings_with(value)
    assert result.returncode != 0
    assert "ImproperlyConfigured: TRUSTED_PROXY_COUNT must be a number of proxies" in result.stderr


# --- The lockout behind one proxy -------------------------------------------------------------

PROXY = "172.18.0.5"  # the reverse proxy's address: every request comes from it


def sign_in(client, email, password, forwarded):
    """A sign-in POST as the proxy passes it on: ``forwarded`` is its X-Forwarded-For."""
    return client.post(
        LOGIN_URL,
        {"username": email, "password": password},
        headers={"X-Forwarded-For": forwarded},
    )


def fail_five_times_with_forged_addresses(client, agent, real_address):
    """Five wrong passwords from ``real_address``, each claiming another address in front: the
    first four get the form and its error back, the fifth locks the address out (axes answers
    it with the lockout page)."""
    for number in range(5):
        response = sign_in(
            client, agent.email, "wrong-password", f"203.0.113.{number}, {real_address}"
        )
        if number < 4:
            assert response.status_code != 429
            assert BAD_LOGIN_MESSAGE in response.content.decode()
        else:
            assert response.status_code == 429
        assert "_auth_user_id" not in client.session


def test_forged_addresses_do_not_escape_the_lockout(settings, agent, password):
    """Behind one proxy, five failures from one address lock it whatever X-Forwarded-For claims."""
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client(REMOTE_ADDR=PROXY)
    fail_five_times_with_forged_addresses(client, agent, "198.51.100.7")
    # One counter, for the address the proxy saw.
    attempts = AccessAttempt.objects.filter(username=agent.email)
    assert [(a.ip_address, a.failures_since_start) for a in attempts] == [("198.51.100.7", 5)]

    response = sign_in(client, agent.email, password, "203.0.113.99, 198.51.100.7")
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_another_client_behind_the_proxy_is_not_locked(settings, agent, password):
    """The lockout holds the client's address, not the proxy's: another client still signs in."""
    settings.TRUSTED_PROXY_COUNT = 1
    fail_five_times_with_forged_addresses(Client(REMOTE_ADDR=PROXY), agent, "198.51.100.7")

    elsewhere = Client(REMOTE_ADDR=PROXY)
    response = sign_in(elsewhere, agent.email, password, "198.51.100.8")
    assert response.status_code == 302
    assert elsewhere.session["_auth_user_id"] == str(agent.pk)


def test_without_a_proxy_the_header_is_ignored(settings, agent, password):
    """With no trusted proxy, X-Forwarded-For is the client's own text: the peer is locked."""
    settings.TRUSTED_PROXY_COUNT = 0
    client = Client(REMOTE_ADDR="198.51.100.7")
    for number in range(5):
        sign_in(client, agent.email, "wrong-password", f"203.0.113.{number}")

    response = sign_in(client, agent.email, password, "203.0.113.99")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
