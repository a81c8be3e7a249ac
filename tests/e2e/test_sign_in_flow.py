"""A person signs in, completes their profile and signs out, in a real browser."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

EMAIL = "agent@demo.gouv.fr"
PASSWORD = "maillage-demo"
NAVIGATION = [
    "Accueil",
    "Communautés",
    "Annuaire",
    "Messagerie",
]


@pytest.fixture
def photo_png(tmp_path):
    """An 800 × 600 PNG, as a phone or a camera would give (larger than the 512 px box)."""
    path = tmp_path / "portrait.png"
    image = Image.new("RGB", (800, 600), (0, 0, 145))  # the DSFR's "bleu France"
    for x in range(300, 500):
        for y in range(200, 400):
            image.putpixel((x, y), (225, 0, 15))
    image.save(path, format="PNG")
    return path


def test_agent_signs_in_edits_profile_and_signs_out(web_page, maillage_server, photo_png):
    """From the home page: sign in, edit position, skills and photo, see them, sign out."""
    page = web_page

    # A visitor sees the platform's presentation, in the DSFR header and navigation.
    page.goto("/")
    header = page.locator("header.fr-header")
    expect(header.locator(".fr-header__service-title")).to_have_text("Maillage")
    expect(header.locator(".fr-logo")).to_contain_text("République")
    navigation = page.get_by_role("navigation", name="Menu principal")
    for label in NAVIGATION:
        expect(navigation.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maillage")
    expect(page.get_by_text("Le réseau social professionnel des agents de l'État")).to_be_visible()
    expect(page.get_by_role("heading", name="Pourquoi Maillage ?")).to_be_visible()

    # Sign in from the header.
    header.get_by_role("link", name="Se connecter").click()
    expect(page).to_have_url(f"{maillage_server}/connexion/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion à Maillage")
    page.get_by_label("Adresse électronique").fill(EMAIL)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Se connecter").click()

    # The dashboard greets the agent by first name.
    expect(page).to_have_url(f"{maillage_server}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Erwan")

    # Their profile, from the header.
    header.get_by_test_id("header-profile").click()
    expect(page).to_have_url(re.compile(r"/agents/\d+/$"))
    profile_url = page.url
    expect(page.get_by_role("heading", level=1)).to_have_text("Erwan Kerjean")
    expect(page.get_by_test_id("profile-position")).to_have_text("Instructeur en droit des sols")

    # Edit position, skills and photo.
    page.get_by_role("link", name="Modifier le profil").click()
    expect(page).to_have_url(f"{profile_url}modifier/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Modifier le profil")
    page.get_by_label("Fonction").fill("Chef de l'unité application du droit des sols")
    page.get_by_label("Compétences").fill("droit des sols, urbanisme, littoral")
    page.get_by_label("Photo").set_input_files(photo_png)
    page.get_by_role("button", name="Enregistrer").click()

    # Back on the profile: the success alert, the new position, skills and photo.
    expect(page).to_have_url(profile_url)
    expect(page.locator(".fr-alert--success")).to_have_text("Le profil a été enregistré.")
    expect(page.get_by_test_id("profile-position")).to_have_text(
        "Chef de l'unité application du droit des sols"
    )
    expect(page.get_by_test_id("profile-skills").locator(".fr-tag")).to_have_text(
        ["droit des sols", "littoral", "urbanisme"]
    )
    photo = page.get_by_role("img", name="Photo d'Erwan Kerjean")
    expect(photo).to_be_visible()
    expect(photo).to_have_js_property("complete", True)
    assert photo.evaluate("img => img.naturalWidth") > 0  # the browser decoded it

    # The photo URL serves a JPEG, resized into the 512-pixel box, to the signed-in agent.
    photo_url = photo.get_attribute("src")
    response = page.request.get(photo_url)
    assert response.status == 200
    assert response.headers["content-type"] == "image/jpeg"
    served = Image.open(io.BytesIO(response.body()))
    assert served.format == "JPEG"
    assert max(served.size) == 512

    # Sign out with the header button.
    header.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(f"{maillage_server}/connexion/")
    expect(page.locator(".fr-alert--success")).to_have_text(
        "Votre session est fermée : à bientôt sur Maillage."
    )
    expect(header.get_by_role("link", name="Se connecter")).to_be_visible()
    expect(header.get_by_test_id("header-profile")).to_have_count(0)

    # Signed out, the profile and the photo ask to sign in.
    page.goto(profile_url)
    expect(page).to_have_url(re.compile(r"/connexion/\?next=/agents/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion à Maillage")
    response = page.request.get(photo_url, max_redirects=0)
    assert response.status == 302
    assert response.headers["location"].startswith("/connexion/?next=")


def test_wrong_password_shows_french_error(web_page, maillage_server):
    """A wrong password keeps the person on the sign-in page with the French error message."""
    page = web_page
    page.goto("/connexion/")
    page.get_by_label("Adresse électronique").fill(EMAIL)
    page.get_by_label("Mot de passe", exact=True).fill("pas-le-bon-mot-de-passe")
    page.locator("main").get_by_role("button", name="Se connecter").click()

    expect(page).to_have_url(f"{maillage_server}/connexion/")
    expect(page.get_by_text("Adresse électronique ou mot de passe incorrect.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion à Maillage")
    expect(page.locator("header").get_by_test_id("header-profile")).to_have_count(0)
    # Still signed out: the home page is the visitors' one, not a dashboard.
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Maillage")
