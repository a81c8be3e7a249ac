import io
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from directory.models import Agent
from tests.directory.profile_helpers import profile_data
from tests.factories import AgentFactory, ServiceFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"


def png_upload(width=1200, height=800, name="photo.png", color=(0, 0, 145)):
    """A real PNG made with Pillow."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def noisy_png_upload(width=300, height=300, name="photo.png"):
    """A real PNG that compresses badly, so that it weighs some tens of kilobytes."""
    import random

    rng = random.Random(42)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3)).save(
        buffer, format="PNG"
    )
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def edit_url(agent):
    return f"/agents/{agent.pk}/modifier/"


def page_text(response):
    return unescape(response.content.decode())


@pytest.fixture
def agent_with_photo(agent, client):
    client.force_login(agent)
    response = client.post(edit_url(agent), profile_data(agent, photo=png_upload()))
    assert response.status_code == 302, page_text(response)
    client.logout()
    agent.refresh_from_db()
    assert agent.photo
    return agent


# --- Viewing ------------------------------------------------------------------------------------


def test_profile_requires_sign_in(client, agent):
    """An anonymous visitor is sent to the sign-in page, with the profile as next."""
    response = client.get(f"/agents/{agent.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/connexion/?next=/agents/{agent.pk}/"


def test_profile_shows_name_position_and_service(client, other_agent):
    """The profile shows the agent's name, position, service and ministry."""
    service = ServiceFactory(short_name="DDTM 35", name="Direction départementale de test")
    agent = AgentFactory(
        first_name="Anne",
        last_name="Martin",
        position="Instructrice ADS",
        service=service,
        skills=["urbanisme", "droit des sols"],
    )
    client.force_login(other_agent)
    response = client.get(f"/agents/{agent.pk}/")
    assert response.status_code == 200
    text = page_text(response)
    assert '<h1 class="fr-mb-1w">Anne Martin</h1>' in text
    assert "Instructrice ADS" in text
    assert "DDTM 35" in text
    assert "Direction départementale de test" in text
    assert "Ille-et-Vilaine" in text
    assert text.index("droit des sols") < text.index("urbanisme")
    assert "Modifier le profil" not in text


def test_own_profile_offers_the_edit_button(agent_client, agent):
    """The agent sees a link to edit their own profile."""
    response = agent_client.get(f"/agents/{agent.pk}/")
    assert f'href="/agents/{agent.pk}/modifier/"' in response.content.decode()


def test_unknown_profile_is_404(agent_client):
    """A profile that does not exist answers 404."""
    assert agent_client.get("/agents/999999/").status_code == 404


# --- Editing ------------------------------------------------------------------------------------


def test_owner_gets_the_edit_form(agent_client, agent):
    """The agent opens the edit form of their own profile, filled in."""
    response = agent_client.get(edit_url(agent))
    assert response.status_code == 200
    text = page_text(response)
    assert "Modifier le profil" in text
    assert 'value="Anne"' in text
    assert 'name="photo"' in text


def test_owner_saves_fields_and_skills(agent_client, agent):
    """A POST saves the fields; skills typed with commas become separate skills with spaces."""
    service = ServiceFactory()
    response = agent_client.post(
        edit_url(agent),
        profile_data(
            agent,
            first_name="Annie",
            position="Cheffe de l'unité ADS",
            phone="02 99 00 00 00",
            bio="Instruction des permis de construire.",
            service=service.pk,
            skills="droit des sols, urbanisme",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/agents/{agent.pk}/"
    agent.refresh_from_db()
    assert agent.first_name == "Annie"
    assert agent.position == "Cheffe de l'unité ADS"
    assert agent.phone == "02 99 00 00 00"
    assert agent.bio == "Instruction des permis de construire."
    assert agent.service == service
    assert sorted(agent.skills.names()) == ["droit des sols", "urbanisme"]

    response = agent_client.get(response["Location"])
    assert "Le profil a été enregistré." in page_text(response)


def test_invalid_phone_is_refused(agent_client, agent):
    """A phone number with letters is refused and nothing is saved."""
    response = agent_client.post(edit_url(agent), profile_data(agent, phone="appelez-moi"))
    assert response.status_code == 400
    assert "Un numéro de téléphone ne contient que des chiffres" in page_text(response)
    agent.refresh_from_db()
    assert agent.phone == ""


def test_other_agent_cannot_edit(client, agent, other_agent):
    """Another agent gets 403, on GET as on POST, and the profile is unchanged."""
    client.force_login(other_agent)
    response = client.get(edit_url(agent))
    assert response.status_code == 403
    assert "Seul l'agent lui-même ou un administrateur" in page_text(response)
    response = client.post(edit_url(agent), profile_data(agent, first_name="Piratée"))
    assert response.status_code == 403
    agent.refresh_from_db()
    assert agent.first_name == "Anne"


def test_platform_admin_can_edit(client, agent):
    """A platform administrator may edit an agent's profile."""
    admin = AgentFactory(platform_admin=True)
    client.force_login(admin)
    assert client.get(edit_url(agent)).status_code == 200
    response = client.post(edit_url(agent), profile_data(agent, position="Poste corrigé"))
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.position == "Poste corrigé"


# --- Photo --------------------------------------------------------------------------------------


def test_photo_is_stored_as_a_small_jpeg(agent_client, agent):
    """A 1200x800 PNG is accepted and stored re-encoded as a JPEG within 512x512."""
    response = agent_client.post(edit_url(agent), profile_data(agent, photo=png_upload(1200, 800)))
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.photo.name.endswith(".jpg")
    with agent.photo.open("rb") as handle, Image.open(handle) as image:
        assert image.format == "JPEG"
        assert max(image.size) <= 512
        assert image.size == (512, 341)


def test_photo_is_served_to_signed_in_agents(client, agent_with_photo, other_agent):
    """The photo is served as a JPEG to a signed-in agent and its URL appears on the profile."""
    client.force_login(other_agent)
    response = client.get(f"/agents/{agent_with_photo.pk}/photo/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"]
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as image:
        assert image.format == "JPEG"
    profile = client.get(f"/agents/{agent_with_photo.pk}/").content.decode()
    assert f'src="/agents/{agent_with_photo.pk}/photo/?v=' in profile


def test_photo_not_served_to_anonymous(client, agent_with_photo):
    """An anonymous visitor asking for a photo is sent to the sign-in page."""
    response = client.get(f"/agents/{agent_with_photo.pk}/photo/")
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=")


def test_photo_of_an_agent_without_one_is_404(agent_client, other_agent):
    """Asking for the photo of an agent who has none answers 404."""
    assert agent_client.get(f"/agents/{other_agent.pk}/photo/").status_code == 404


def test_new_photo_replaces_the_old_file(
    client, agent_with_photo, django_capture_on_commit_callbacks
):
    """Uploading a new photo removes the previous file from the storage."""
    agent = agent_with_photo
    old_name = agent.photo.name
    storage = agent.photo.storage
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            edit_url(agent), profile_data(agent, photo=png_upload(color=(200, 0, 0)))
        )
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.photo.name != old_name
    assert storage.exists(agent.photo.name)
    assert not storage.exists(old_name)


def test_saving_without_a_file_keeps_the_photo(client, agent_with_photo):
    """Saving the profile without choosing a file keeps the current photo."""
    agent = agent_with_photo
    name = agent.photo.name
    client.force_login(agent)
    response = client.post(edit_url(agent), profile_data(agent, position="Autre poste"))
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.photo.name == name
    assert agent.position == "Autre poste"


def test_photo_can_be_removed(client, agent_with_photo):
    """Ticking « Supprimer ma photo » removes it."""
    agent = agent_with_photo
    client.force_login(agent)
    response = client.post(edit_url(agent), profile_data(agent, remove_photo="on"))
    assert response.status_code == 302
    agent.refresh_from_db()
    assert not agent.photo
    assert client.get(f"/agents/{agent.pk}/photo/").status_code == 404


def test_non_image_is_refused_and_nothing_is_lost(client, agent_with_photo):
    """A text file named photo.png is refused in French; the saved photo and fields stay."""
    agent = agent_with_photo
    agent.skills.set(["urbanisme"])
    before = Agent.objects.values("first_name", "position", "bio", "photo").get(pk=agent.pk)
    storage = agent.photo.storage
    client.force_login(agent)

    fake = SimpleUploadedFile("photo.png", b"ceci n'est pas une image\n" * 20, "image/png")
    response = client.post(
        edit_url(agent),
        profile_data(
            agent,
            first_name="Changé",
            position="Changé",
            bio="Changé",
            skills="autre chose",
            photo=fake,
        ),
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "Téléversez une image valide" in text
    assert "Le profil n'a pas été enregistré" in text

    assert Agent.objects.values("first_name", "position", "bio", "photo").get(pk=agent.pk) == before
    assert sorted(agent.skills.names()) == ["urbanisme"]
    assert storage.exists(before["photo"])
    assert client.get(f"/agents/{agent.pk}/photo/").status_code == 200


def test_image_of_another_format_is_refused(agent_client, agent):
    """An image Pillow can read but which is neither JPEG, PNG, WebP nor GIF (BMP) is refused."""
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), (10, 20, 30)).save(buffer, format="BMP")
    upload = SimpleUploadedFile("photo.bmp", buffer.getvalue(), content_type="image/bmp")
    response = agent_client.post(edit_url(agent), profile_data(agent, photo=upload))
    assert response.status_code == 400
    assert "Ce fichier n'est pas une image JPEG, PNG ou WebP." in page_text(response)
    agent.refresh_from_db()
    assert not agent.photo


def test_photo_over_the_size_limit_is_refused(agent_client, agent, settings):
    """A photo heavier than PHOTO_MAX_UPLOAD_BYTES is refused with the French size message."""
    settings.PHOTO_MAX_UPLOAD_BYTES = 10_000
    upload = noisy_png_upload()
    assert upload.size > 10_000
    response = agent_client.post(edit_url(agent), profile_data(agent, photo=upload))
    assert response.status_code == 400
    text = page_text(response)
    assert "La photo pèse" in text
    assert "la taille maximale est de 9,8\xa0Kio." in text
    agent.refresh_from_db()
    assert not agent.photo


# --- Escaping -----------------------------------------------------------------------------------


def test_html_in_the_profile_is_escaped(agent_client, agent):
    """HTML typed in the bio, position or name is shown as text, never as a live tag."""
    response = agent_client.post(
        edit_url(agent),
        profile_data(
            agent, bio=f"Bonjour {SCRIPT}", position=f"Chef {SCRIPT}", last_name=f"Martin{SCRIPT}"
        ),
    )
    assert response.status_code == 302
    html = agent_client.get(f"/agents/{agent.pk}/").content.decode()
    assert SCRIPT not in html
    assert "<script>alert" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3
    html = agent_client.get("/").content.decode()
    assert "<script>alert" not in html


# --- Permission matrix --------------------------------------------------------------------------

MATRIX = [
    # (viewer, action, expected status)
    ("anonymous", "view", 302),
    ("anonymous", "edit", 302),
    ("anonymous", "photo", 302),
    ("self", "view", 200),
    ("self", "edit", 200),
    ("self", "photo", 200),
    ("other", "view", 200),
    ("other", "edit", 403),
    ("other", "photo", 200),
    ("admin", "view", 200),
    ("admin", "edit", 200),
    ("admin", "photo", 200),
]


@pytest.mark.parametrize(("viewer", "action", "expected"), MATRIX)
def test_permission_matrix(agent_with_photo, viewer, action, expected):
    """Who may view, edit and see the photo of a profile."""
    agent = agent_with_photo
    viewers = {
        "anonymous": None,
        "self": agent,
        "other": AgentFactory(),
        "admin": AgentFactory(platform_admin=True),
    }
    urls = {
        "view": f"/agents/{agent.pk}/",
        "edit": f"/agents/{agent.pk}/modifier/",
        "photo": f"/agents/{agent.pk}/photo/",
    }
    client = Client()
    if viewers[viewer] is not None:
        client.force_login(viewers[viewer])
    response = client.get(urls[action])
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith("/connexion/?next=")
