from html import unescape

import pytest
from django.conf import settings

from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/connexion/"
LOGOUT_URL = "/deconnexion/"
BAD_LOGIN_MESSAGE = "Adresse électronique ou mot de passe incorrect."


def is_signed_in(client):
    """True when the client's session belongs to an authenticated agent."""
    return "_auth_user_id" in client.session


def sign_in(client, email, password, **extra):
    return client.post(LOGIN_URL, {"username": email, "password": password}, **extra)


def test_sign_in_page_renders_in_french(client):
    """The sign-in page is in French: title, labels, button and the links to the other pages."""
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert "Connexion à Maillage" in html
    assert "Adresse électronique" in html
    assert "Mot de passe" in html
    assert "Se connecter" in html
    assert 'href="/mot-de-passe/oubli/"' in html
    assert 'href="/inscription/"' in html


def test_sign_in_with_email_and_password(client, agent, password):
    """The right e-mail and password sign the agent in and redirect to the home page."""
    response = sign_in(client, "agent@dreal.gouv.fr", password)
    assert response.status_code == 302
    assert response["Location"] == settings.LOGIN_REDIRECT_URL
    assert client.session["_auth_user_id"] == str(agent.pk)


def test_sign_in_email_is_case_insensitive(client, agent, password):
    """The e-mail address is matched whatever its case."""
    response = sign_in(client, "Agent@DREAL.Gouv.FR", password)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(agent.pk)


def test_sign_in_follows_a_safe_next(client, agent, password):
    """After sign-in the agent lands on the page they asked for."""
    response = client.post(
        LOGIN_URL, {"username": agent.email, "password": password, "next": "/compte/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/compte/"


def test_sign_in_ignores_an_external_next(client, agent, password):
    """A next pointing to another site is ignored (no open redirect)."""
    response = client.post(
        LOGIN_URL,
        {"username": agent.email, "password": password, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == settings.LOGIN_REDIRECT_URL


def test_bad_password_shows_french_error(client, agent):
    """A wrong password leaves the agent signed out with the French error on the page."""
    response = sign_in(client, agent.email, "not-the-password")
    assert response.status_code == 400
    assert BAD_LOGIN_MESSAGE in response.content.decode()
    assert not is_signed_in(client)


def test_unknown_address_shows_the_same_error(client, db):
    """An unknown address gets the same message as a wrong password (no account disclosure)."""
    response = sign_in(client, "personne@dreal.gouv.fr", "whatever-password")
    assert response.status_code == 400
    assert BAD_LOGIN_MESSAGE in response.content.decode()
    assert not is_signed_in(client)


def test_inactive_account_cannot_sign_in(client, password):
    """An inactive account is refused even with the right password."""
    inactive = AgentFactory(email="inactif@dreal.gouv.fr", is_active=False)
    response = sign_in(client, inactive.email, password)
    assert response.status_code == 400
    text = unescape(response.content.decode())
    assert "Ce compte n'est pas encore actif" in text
    assert not is_signed_in(client)


def test_lockout_after_five_failures(client, agent, password):
    """After 5 failures, the 6th attempt is locked out even with the right password."""
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(5):
        response = sign_in(client, agent.email, "wrong-password")
        assert not is_signed_in(client)
    response = sign_in(client, agent.email, password)
    assert response.status_code == settings.AXES_HTTP_RESPONSE_CODE == 429
    html = response.content.decode()
    assert "Trop de tentatives" in html
    assert '<html lang="fr"' in html
    assert not is_signed_in(client)


def test_lockout_ignores_the_case_of_the_address(client, agent, password):
    """Changing the case of the address does not buy more attempts."""
    variants = [
        "agent@dreal.gouv.fr",
        "Agent@dreal.gouv.fr",
        "AGENT@dreal.gouv.fr",
        "agent@DREAL.gouv.fr",
        "aGeNt@dreal.GOUV.fr",
    ]
    for variant in variants:
        sign_in(client, variant, "wrong-password")
    response = sign_in(client, "agent@Dreal.Gouv.Fr", password)
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    assert not is_signed_in(client)


def test_lockout_is_per_address_and_client(client, agent, other_agent, password):
    """The lockout holds one address from one client: other addresses and clients still sign in."""
    for _ in range(5):
        sign_in(client, agent.email, "wrong-password")
    response = sign_in(client, other_agent.email, password)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other_agent.pk)

    from django.test import Client

    elsewhere = Client(REMOTE_ADDR="192.0.2.44")
    response = sign_in(elsewhere, agent.email, password)
    assert response.status_code == 302
    assert elsewhere.session["_auth_user_id"] == str(agent.pk)


def test_four_failures_do_not_lock(client, agent, password):
    """Fewer failures than the limit do not lock: the right password still works."""
    for _ in range(4):
        sign_in(client, agent.email, "wrong-password")
    response = sign_in(client, agent.email, password)
    assert response.status_code == 302
    assert is_signed_in(client)


def test_sign_out_refuses_get(agent_client):
    """Sign-out is POST only: a GET answers 405 and leaves the session alone."""
    response = agent_client.get(LOGOUT_URL)
    assert response.status_code == 405
    assert is_signed_in(agent_client)


def test_sign_out_ends_the_session(agent_client):
    """A POST to sign-out ends the session and leads to the sign-in page."""
    response = agent_client.post(LOGOUT_URL)
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert not is_signed_in(agent_client)
    assert agent_client.get("/compte/").status_code == 302
