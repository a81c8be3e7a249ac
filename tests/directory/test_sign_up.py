import re
from html import unescape

import pytest

from directory.models import Agent
from tests.factories import AgentFactory, ServiceFactory

pytestmark = pytest.mark.django_db

SIGNUP_URL = "/inscription/"
SENT_URL = "/inscription/envoyee/"
PASSWORD = "Un-mot-de-passe-solide-2026"
DOMAIN_ERROR = "L'inscription est réservée aux adresses des domaines"
LINK = re.compile(r"https?://testserver(/inscription/confirmer/[^/\s\"]+/[^/\s\"]+/)")


@pytest.fixture
def sign_up(client, django_capture_on_commit_callbacks):
    """Post the sign-up form; e-mails queued on commit are sent as in production."""

    def post(email, password=PASSWORD, **fields):
        data = {
            "email": email,
            "first_name": "Claire",
            "last_name": "Bernard",
            "position": "Chargée de mission",
            "password1": password,
            "password2": password,
            **fields,
        }
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(SIGNUP_URL, data)

    return post


def page_text(response):
    return unescape(response.content.decode())


def confirmation_path(message):
    links = LINK.findall(message.body)
    assert len(links) == 1, message.body
    html = next(content for content, mimetype in message.alternatives if mimetype == "text/html")
    assert LINK.findall(unescape(html)) == links
    return links[0]


def confirm(client, path, password=PASSWORD):
    """Open the confirmation link, then give the password chosen at sign-up."""
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    assert "Confirmer mon inscription" in page_text(page)
    return client.post(path, {"password": password})


def test_sign_up_page_renders_in_french(client, db):
    """The sign-up form is in French with its fields."""
    response = client.get(SIGNUP_URL)
    assert response.status_code == 200
    text = page_text(response)
    assert "Créer mon compte" in text
    for name in ("email", "first_name", "last_name", "service", "password1", "password2"):
        assert f'name="{name}"' in text


@pytest.mark.parametrize(
    "email",
    ["agent@gmail.com", "agent@gouv.fr.evil.com", "agent@evilgouv.fr", "agent@gouv.fr.example"],
)
def test_sign_up_refused_outside_allowed_domains(sign_up, mailoutbox, email):
    """An address outside the allowed domains is refused on the page; nothing is created."""
    response = sign_up(email)
    assert response.status_code == 400
    assert DOMAIN_ERROR in page_text(response)
    assert not Agent.objects.exists()
    assert mailoutbox == []


def test_sign_up_accepted_for_a_gouv_fr_subdomain(client, sign_up, mailoutbox):
    """An address in a sub-domain of gouv.fr creates an inactive account and sends one e-mail."""
    service = ServiceFactory()
    response = sign_up("Claire.Bernard@DREAL.gouv.fr", service=service.pk)
    assert response.status_code == 302
    assert response["Location"] == SENT_URL

    agent = Agent.objects.get()
    assert agent.email == "claire.bernard@dreal.gouv.fr"
    assert (agent.first_name, agent.last_name, agent.service) == ("Claire", "Bernard", service)
    assert agent.is_active is False
    assert agent.check_password(PASSWORD)

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["claire.bernard@dreal.gouv.fr"]
    assert "Confirmez votre adresse" in message.subject
    assert [mimetype for _, mimetype in message.alternatives] == ["text/html"]
    assert confirmation_path(message).startswith("/inscription/confirmer/")

    response = client.get(SENT_URL)
    text = page_text(response)
    assert "Vérifiez votre messagerie" in text
    assert "claire.bernard@dreal.gouv.fr" in text


def test_cannot_sign_in_before_confirming(client, sign_up):
    """Until the address is confirmed, the account cannot sign in."""
    sign_up("claire@dreal.gouv.fr")
    response = client.post(
        "/connexion/", {"username": "claire@dreal.gouv.fr", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_confirmation_link_activates_and_signs_in(client, sign_up, mailoutbox):
    """The confirmation link activates the account, signs the agent in and opens their profile."""
    sign_up("claire@dreal.gouv.fr")
    agent = Agent.objects.get()
    response = confirm(client, confirmation_path(mailoutbox[0]))
    assert response.status_code == 302
    assert response["Location"] == f"/agents/{agent.pk}/modifier/"
    agent.refresh_from_db()
    assert agent.is_active is True
    assert client.session["_auth_user_id"] == str(agent.pk)
    response = client.get(response["Location"])
    assert response.status_code == 200
    assert "Votre adresse est confirmée" in page_text(response)


def test_confirmation_link_works_once(client, sign_up, mailoutbox):
    """Reusing the confirmation link answers 400 « Lien de confirmation invalide »."""
    sign_up("claire@dreal.gouv.fr")
    path = confirmation_path(mailoutbox[0])
    assert confirm(client, path).status_code == 302
    client.post("/deconnexion/")

    response = client.get(path)
    assert response.status_code == 400
    assert "Lien de confirmation invalide" in page_text(response)
    assert "_auth_user_id" not in client.session


def test_tampered_confirmation_link_is_refused(client, sign_up, mailoutbox):
    """A confirmation link with an altered token activates nothing."""
    sign_up("claire@dreal.gouv.fr")
    path = confirmation_path(mailoutbox[0])
    uidb64, token = path.rstrip("/").split("/")[-2:]
    response = client.get(f"/inscription/confirmer/{uidb64}/{token[:-3]}abc/")
    assert response.status_code == 400
    assert "Lien de confirmation invalide" in page_text(response)
    assert Agent.objects.get().is_active is False


def test_allowed_domains_setting_is_honoured(sign_up, settings, mailoutbox):
    """SIGNUP_ALLOWED_DOMAINS decides which domains may sign up, with their sub-domains."""
    settings.SIGNUP_ALLOWED_DOMAINS = ["interieur.fr"]

    response = sign_up("claire@dreal.gouv.fr")
    assert response.status_code == 400
    assert "interieur.fr" in page_text(response)
    assert not Agent.objects.exists()

    response = sign_up("claire@pref.interieur.fr")
    assert response.status_code == 302
    assert Agent.objects.get().email == "claire@pref.interieur.fr"
    assert len(mailoutbox) == 1


def test_existing_active_account_gets_an_email_not_a_new_account(client, sign_up, mailoutbox):
    """An already active address: nothing created, the same page shown, the owner e-mailed."""
    owner = AgentFactory(email="claire@dreal.gouv.fr", first_name="Claire")
    response = sign_up("Claire@dreal.gouv.fr", first_name="Intrus")
    assert response.status_code == 302
    assert response["Location"] == SENT_URL
    assert "Vérifiez votre messagerie" in page_text(client.get(SENT_URL))

    assert Agent.objects.count() == 1
    owner.refresh_from_db()
    assert owner.first_name == "Claire"
    assert owner.check_password("maillage-demo")
    assert owner.is_active

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["claire@dreal.gouv.fr"]
    assert "déjà un compte" in message.subject
    assert "/mot-de-passe/oubli/" in message.body
    assert "/inscription/confirmer/" not in message.body


def test_unconfirmed_account_can_sign_up_again(client, sign_up, mailoutbox):
    """Signing up again before confirming sends a new link; still one account."""
    sign_up("claire@dreal.gouv.fr")
    sign_up("claire@dreal.gouv.fr", first_name="Clara")
    agent = Agent.objects.get()
    assert agent.first_name == "Clara"
    assert not agent.is_active
    assert len(mailoutbox) == 2
    response = confirm(client, confirmation_path(mailoutbox[1]))
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.is_active


def test_a_new_sign_up_ends_the_earlier_link(client, sign_up, mailoutbox):
    """After a second sign-up with the same address, the first link is refused."""
    sign_up("claire@dreal.gouv.fr", password="Premier-mot-de-passe-2026")
    sign_up("claire@dreal.gouv.fr")
    response = client.get(confirmation_path(mailoutbox[0]))
    assert response.status_code == 400
    assert "Lien de confirmation invalide" in page_text(response)
    assert Agent.objects.get().is_active is False


def test_confirmation_needs_the_password_chosen_at_sign_up(client, sign_up, mailoutbox):
    """Someone who signed up with another person's address cannot have them activate it: the
    link asks for the password chosen at sign-up, and a wrong one activates nothing."""
    sign_up("claire@dreal.gouv.fr", password="Mot-de-passe-de-l-intrus-2026")
    response = confirm(client, confirmation_path(mailoutbox[0]), password=PASSWORD)
    assert response.status_code == 400
    assert "Ce n'est pas le mot de passe choisi à l'inscription" in page_text(response)
    assert Agent.objects.get().is_active is False
    assert "_auth_user_id" not in client.session


def test_unconfirmed_account_is_told_to_confirm(client, sign_up):
    """Signing in with the right password before confirming explains what to do."""
    sign_up("claire@dreal.gouv.fr")
    response = client.post(
        "/connexion/", {"username": "claire@dreal.gouv.fr", "password": PASSWORD}
    )
    assert "ouvrez le lien de confirmation" in page_text(response)
    response = client.post(
        "/connexion/", {"username": "claire@dreal.gouv.fr", "password": "faux-2026-x"}
    )
    assert "ouvrez le lien de confirmation" not in page_text(response)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("court", "Ce mot de passe est trop court"),
        ("1234567890123", "Ce mot de passe est entièrement numérique"),
        ("motdepasse", "Ce mot de passe est trop courant"),
    ],
)
def test_weak_password_refused(sign_up, mailoutbox, password, message):
    """A weak password is refused with the validator's French message; nothing is created."""
    response = sign_up("claire@dreal.gouv.fr", password=password)
    assert response.status_code == 400
    assert message in page_text(response)
    assert not Agent.objects.exists()
    assert mailoutbox == []


def test_password_mismatch_refused(sign_up):
    """The two passwords must match."""
    response = sign_up("claire@dreal.gouv.fr", password2="Autre-mot-de-passe-2026")
    assert response.status_code == 400
    assert "Les deux mots de passe ne correspondent pas" in page_text(response)
    assert not Agent.objects.exists()
