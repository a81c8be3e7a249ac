"""The account forms (sign-in, sign-up, password reset and change) sent back with errors answer
400 with the page and its French message, like every other form of the project; a password reset
asked for an unknown address still answers as for a known one."""

import re
from html import unescape

import pytest
from django.test import Client

from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Nouveau-mot-de-passe-2026"
RESET_LINK = re.compile(r"https?://testserver(/mot-de-passe/reinitialiser/[^/\s\"]+/[^/\s\"]+/)")


def page_text(response):
    return unescape(response.content.decode())


def signed_in(agent):
    client = Client()
    client.force_login(agent)
    return client


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("wrong_password", "Adresse électronique ou mot de passe incorrect."),
        ("unknown_address", "Adresse électronique ou mot de passe incorrect."),
        ("inactive", "Ce compte n'est pas encore actif"),
        ("empty", "Champ requis."),
    ],
)
def test_sign_in_errors_answer_400(client, agent, password, who, message):
    """A refused sign-in answers 400 with the sign-in page and its French message."""
    AgentFactory(email="inactif@dreal.gouv.fr", is_active=False)
    data = {
        "wrong_password": {"username": agent.email, "password": "pas-le-bon"},
        "unknown_address": {"username": "personne@dreal.gouv.fr", "password": password},
        "inactive": {"username": "inactif@dreal.gouv.fr", "password": password},
        "empty": {},
    }[who]
    response = client.post("/connexion/", data)
    assert response.status_code == 400
    assert "Connexion à Maillage" in page_text(response)
    assert message in page_text(response)
    assert "_auth_user_id" not in client.session


def test_sign_up_errors_answer_400(client):
    """An invalid sign-up answers 400 with the form and the French message."""
    response = client.post(
        "/inscription/",
        {
            "email": "claire@dreal.gouv.fr",
            "first_name": "Claire",
            "last_name": "Bernard",
            "password1": "Un-mot-de-passe-solide-2026",
            "password2": "Un-autre-mot-de-passe-2026",
        },
    )
    assert response.status_code == 400
    assert "Les deux mots de passe ne correspondent pas" in page_text(response)


def test_password_reset_request_errors_answer_400_but_unknown_addresses_do_not(
    client, agent, mailoutbox
):
    """A malformed address answers 400; an unknown well-formed one is answered as a known one
    (no way to tell which addresses have an account)."""
    response = client.post("/mot-de-passe/oubli/", {"email": "pas-une-adresse"})
    assert response.status_code == 400
    assert "Saisissez une adresse de courriel valide." in page_text(response)
    known = client.post("/mot-de-passe/oubli/", {"email": agent.email})
    unknown = client.post("/mot-de-passe/oubli/", {"email": "inconnu@dreal.gouv.fr"})
    assert (known.status_code, known["Location"]) == (302, "/mot-de-passe/oubli/envoye/")
    assert (unknown.status_code, unknown["Location"]) == (302, "/mot-de-passe/oubli/envoye/")
    assert len(mailoutbox) == 1


def test_password_reset_confirm_errors_answer_400(client, agent, password, mailoutbox):
    """Mismatching new passwords answer 400 with the form and the French message; the password
    is unchanged."""
    client.post("/mot-de-passe/oubli/", {"email": agent.email})
    [path] = RESET_LINK.findall(mailoutbox[0].body)
    set_password_url = client.get(path)["Location"]
    response = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": "Autre-chose-2026"}
    )
    assert response.status_code == 400
    assert "Choisir un nouveau mot de passe" in page_text(response)
    assert "Les deux mots de passe ne correspondent pas" in page_text(response)
    agent.refresh_from_db()
    assert agent.check_password(password)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"old_password": "pas-le-bon", "new_password1": NEW_PASSWORD},
            "Votre ancien mot de passe est incorrect.",
        ),
        (
            {"new_password1": NEW_PASSWORD, "new_password2": "Autre-chose-2026"},
            "Les deux mots de passe ne correspondent pas",
        ),
    ],
)
def test_password_change_errors_answer_400(agent, password, data, message):
    """A refused password change answers 400 with the form and the French message."""
    data = {"old_password": password, "new_password2": NEW_PASSWORD, **data}
    response = signed_in(agent).post("/mot-de-passe/changer/", data)
    assert response.status_code == 400
    assert "Changer de mot de passe" in page_text(response)
    assert message in page_text(response)
    agent.refresh_from_db()
    assert agent.check_password(password)


def test_password_change_still_works(agent, password):
    """The right old password and two matching new ones change the password."""
    response = signed_in(agent).post(
        "/mot-de-passe/changer/",
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.check_password(NEW_PASSWORD)
