import io
import json
import zipfile
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from directory.models import Agent
from directory.personal_data import registry
from tests.directory.profile_helpers import profile_data
from tests.factories import AgentFactory, ServiceFactory

pytestmark = pytest.mark.django_db

EXPORT_URL = "/compte/mes-donnees.zip"
CLOSE_URL = "/compte/fermer/"


def download(client):
    response = client.get(EXPORT_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.content))


def give_photo(client, agent):
    buffer = io.BytesIO()
    Image.new("RGB", (600, 400), (0, 0, 145)).save(buffer, format="PNG")
    response = client.post(
        f"/agents/{agent.pk}/modifier/",
        profile_data(agent, photo=SimpleUploadedFile("photo.png", buffer.getvalue(), "image/png")),
    )
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.photo


@pytest.fixture
def full_agent(client):
    service = ServiceFactory(short_name="DDTM 35", name="Direction départementale de test")
    agent = AgentFactory(
        email="anne.martin@ddtm.gouv.fr",
        first_name="Anne",
        last_name="Martin",
        position="Instructrice ADS",
        phone="02 99 00 00 00",
        bio="Instruction des permis.",
        service=service,
        skills=["droit des sols", "urbanisme"],
    )
    client.force_login(agent)
    return agent


# --- Export -------------------------------------------------------------------------------------


def test_export_requires_sign_in(client, db):
    """An anonymous visitor asking for the export is sent to the sign-in page."""
    response = client.get(EXPORT_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=")


def test_export_holds_readme_and_profile(client, full_agent):
    """The archive holds LISEZMOI.txt and profil.json with the agent's data."""
    archive = download(client)
    names = archive.namelist()
    assert "LISEZMOI.txt" in names
    assert "profil.json" in names
    assert not any(name.startswith("fichiers/") for name in names)
    assert "anne.martin@ddtm.gouv.fr" in archive.read("LISEZMOI.txt").decode()

    profile = json.loads(archive.read("profil.json"))
    assert profile["adresse_electronique"] == "anne.martin@ddtm.gouv.fr"
    assert profile["prenom"] == "Anne"
    assert profile["nom"] == "Martin"
    assert profile["fonction"] == "Instructrice ADS"
    assert profile["telephone"] == "02 99 00 00 00"
    assert profile["competences"] == ["droit des sols", "urbanisme"]
    assert profile["service"]["sigle"] == "DDTM 35"
    assert profile["service"]["nom"] == "Direction départementale de test"
    assert profile["service"]["departement"] == "Ille-et-Vilaine"
    assert profile["service"]["region"] == "Bretagne"


def test_export_holds_only_the_requesters_data(client, full_agent, other_agent):
    """The archive describes the signed-in agent, never another one."""
    archive = download(client)
    everything = " ".join(archive.read(name).decode() for name in archive.namelist())
    assert other_agent.email not in everything


def test_export_includes_the_photo(client, full_agent):
    """An agent with a photo finds it as fichiers/photo.jpg, a JPEG."""
    give_photo(client, full_agent)
    archive = download(client)
    assert "fichiers/photo.jpg" in archive.namelist()
    with Image.open(io.BytesIO(archive.read("fichiers/photo.jpg"))) as image:
        assert image.format == "JPEG"


@pytest.fixture
def extra_section():
    """A section registered by a test, removed afterwards."""
    name = "test-section-communautes"
    assert name not in registry.section_names

    @registry.section(name)
    def export_test_section(agent):
        return {"adresse": agent.email, "communautes": ["Urbanisme en Bretagne"]}

    yield name
    registry._sections.pop(name, None)
    assert name not in registry.section_names


def test_registry_is_extensible(client, full_agent, extra_section):
    """A section registered by an app adds its JSON file to the archive and to the account page."""
    archive = download(client)
    data = json.loads(archive.read(f"{extra_section}.json"))
    assert data == {"adresse": "anne.martin@ddtm.gouv.fr", "communautes": ["Urbanisme en Bretagne"]}
    assert "profil.json" in archive.namelist()
    assert extra_section in client.get("/compte/").content.decode()


def test_registered_section_is_gone_after_cleanup(client, full_agent):
    """Without the test registration the archive holds no such file (the fixture cleaned up)."""
    assert "test-section-communautes.json" not in download(client).namelist()


# --- Closing the account ------------------------------------------------------------------------


def close(client, password, confirm=True):
    data = {"password": password}
    if confirm:
        data["confirm"] = "on"
    return client.post(CLOSE_URL, data)


def test_close_page_requires_sign_in(client, db):
    """Closing an account needs a signed-in agent."""
    response = client.get(CLOSE_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=")


def test_closing_erases_personal_data(
    client, full_agent, password, django_capture_on_commit_callbacks
):
    """Closing signs out, forbids sign-in, erases personal data and leaves « ancien agent »."""
    give_photo(client, full_agent)
    photo_name = full_agent.photo.name
    storage = full_agent.photo.storage
    assert storage.exists(photo_name)

    with django_capture_on_commit_callbacks(execute=True):
        response = close(client, password)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session
    assert "Votre compte a été fermé" in unescape(client.get("/").content.decode())

    agent = Agent.objects.get(pk=full_agent.pk)
    assert agent.is_closed
    assert not agent.is_active
    assert "anne.martin" not in agent.email
    assert (agent.first_name, agent.last_name, agent.phone, agent.bio, agent.position) == (
        "",
        "",
        "",
        "",
        "",
    )
    assert list(agent.skills.names()) == []
    assert not agent.photo
    assert not storage.exists(photo_name)
    assert not agent.has_usable_password()
    assert agent.display_name == "ancien agent"
    assert str(agent) == "ancien agent"

    response = client.post(
        "/connexion/", {"username": "anne.martin@ddtm.gouv.fr", "password": password}
    )
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_closing_erases_the_sign_in_history(client, full_agent, password):
    """After closing, the sign-in history (connexions.json) no longer holds the address."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    client.logout()
    client.post("/connexion/", {"username": full_agent.email, "password": "mauvais-mot-de-passe"})
    client.post("/connexion/", {"username": full_agent.email, "password": password})
    assert client.session["_auth_user_id"] == str(full_agent.pk)
    history = json.loads(download(client).read("connexions.json"))
    assert history["connexions"]

    close(client, password)
    for model in (AccessLog, AccessAttempt, AccessFailureLog):
        assert not model.objects.filter(username__iexact=full_agent.email).exists(), model


def test_closed_profile_hidden_from_agents(client, full_agent, other_agent, password):
    """Once closed, the profile is no longer shown to other agents."""
    close(client, password)
    client.force_login(other_agent)
    assert client.get(f"/agents/{full_agent.pk}/").status_code == 404


def test_wrong_password_refuses_closing(client, full_agent):
    """A wrong password refuses closing with the French error; nothing changes."""
    response = close(client, "pas-le-bon-mot-de-passe")
    assert response.status_code == 400
    assert "Mot de passe incorrect." in unescape(response.content.decode())
    assert client.session["_auth_user_id"] == str(full_agent.pk)
    agent = Agent.objects.get(pk=full_agent.pk)
    assert not agent.is_closed
    assert agent.is_active
    assert agent.email == "anne.martin@ddtm.gouv.fr"
    assert (agent.first_name, agent.last_name) == ("Anne", "Martin")
    assert sorted(agent.skills.names()) == ["droit des sols", "urbanisme"]


def test_closing_needs_the_confirmation_box(client, full_agent, password):
    """Without the confirmation box ticked, nothing is closed."""
    response = close(client, password, confirm=False)
    assert response.status_code == 400
    agent = Agent.objects.get(pk=full_agent.pk)
    assert not agent.is_closed
    assert agent.is_active
