import re
from html import unescape

import pytest

pytestmark = pytest.mark.django_db

RESET_URL = "/mot-de-passe/oubli/"
NEW_PASSWORD = "Nouveau-mot-de-passe-2026"
LINK = re.compile(r"https?://testserver(/mot-de-passe/reinitialiser/[^/\s\"]+/[^/\s\"]+/)")


def request_reset(client, email):
    return client.post(RESET_URL, {"email": email}, follow=True)


def reset_path(message):
    """The path of the reset link, found in both the text and the HTML versions."""
    text_links = LINK.findall(message.body)
    html = next(content for content, mimetype in message.alternatives if mimetype == "text/html")
    assert len(text_links) == 1, message.body
    assert LINK.findall(unescape(html)) == text_links
    return text_links[0]


def test_reset_request_page_renders_in_french(client):
    """The request page is in French with its e-mail field."""
    response = client.get(RESET_URL)
    assert response.status_code == 200
    text = unescape(response.content.decode())
    assert "Mot de passe oublié" in text
    assert 'name="email"' in text


def test_known_address_gets_one_email_with_a_link(client, agent, mailoutbox):
    """A known address gets one French e-mail, text and HTML, holding a reset link."""
    response = request_reset(client, "agent@dreal.gouv.fr")
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/mot-de-passe/oubli/envoye/"
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["agent@dreal.gouv.fr"]
    assert message.subject == "[Maillage] Réinitialisation de votre mot de passe"
    assert "Bonjour Anne" in message.body
    assert [mimetype for _, mimetype in message.alternatives] == ["text/html"]
    assert reset_path(message).startswith("/mot-de-passe/reinitialiser/")


def test_address_case_does_not_matter(client, agent, mailoutbox):
    """The address is matched whatever its case."""
    request_reset(client, "AGENT@Dreal.Gouv.fr")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["agent@dreal.gouv.fr"]


def test_following_the_link_sets_a_new_password(client, agent, password, mailoutbox):
    """Following the link and posting a new password lets the agent sign in with it only."""
    request_reset(client, agent.email)
    path = reset_path(mailoutbox[0])

    response = client.get(path)
    # Django moves the token from the URL to the session, then shows the form.
    assert response.status_code == 302
    set_password_url = response["Location"]
    assert set_password_url.endswith("/set-password/")
    response = client.get(set_password_url)
    assert response.status_code == 200
    assert "Choisir un nouveau mot de passe" in response.content.decode()
    assert 'name="new_password1"' in response.content.decode()

    response = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/mot-de-passe/reinitialise/"

    agent.refresh_from_db()
    assert agent.check_password(NEW_PASSWORD)
    assert not agent.check_password(password)
    response = client.post("/connexion/", {"username": agent.email, "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(agent.pk)


def test_link_works_only_once(client, agent, mailoutbox):
    """Once used, the reset link is refused."""
    request_reset(client, agent.email)
    path = reset_path(mailoutbox[0])
    set_password_url = client.get(path)["Location"]
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    response = client.get(path, follow=True)
    assert "Ce lien de réinitialisation est invalide" in unescape(response.content.decode())


def test_unknown_address_sends_nothing_but_shows_the_same_page(client, db, mailoutbox):
    """An unknown address sends nothing, and the visitor sees the same page as for a known one."""
    response = request_reset(client, "inconnu@dreal.gouv.fr")
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/mot-de-passe/oubli/envoye/"
    assert "Vérifiez votre messagerie" in response.content.decode()
    assert mailoutbox == []


def test_known_address_shows_the_check_your_mail_page(client, agent, mailoutbox):
    """A known address lands on the same « Vérifiez votre messagerie » page."""
    response = request_reset(client, agent.email)
    assert "Vérifiez votre messagerie" in response.content.decode()


def test_tampered_token_shows_invalid_link(client, agent, mailoutbox):
    """A link whose token was altered is refused with the invalid-link message."""
    request_reset(client, agent.email)
    path = reset_path(mailoutbox[0])
    uidb64, token = path.rstrip("/").split("/")[-2:]
    tampered = f"/mot-de-passe/reinitialiser/{uidb64}/{token[:-3]}xyz/"
    assert tampered != path

    response = client.get(tampered, follow=True)
    assert response.status_code == 200
    text = unescape(response.content.decode())
    assert "Ce lien de réinitialisation est invalide" in text
    assert 'name="new_password1"' not in text
    agent.refresh_from_db()
    assert agent.check_password("maillage-demo")


def test_weak_new_password_is_refused(client, agent, password, mailoutbox):
    """The new password goes through the password validators."""
    request_reset(client, agent.email)
    set_password_url = client.get(reset_path(mailoutbox[0]))["Location"]
    response = client.post(set_password_url, {"new_password1": "123", "new_password2": "123"})
    assert response.status_code == 400
    assert "Ce mot de passe est trop court" in unescape(response.content.decode())
    agent.refresh_from_db()
    assert agent.check_password(password)
