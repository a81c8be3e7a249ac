"""The community's blog in the browser: a member writes an article, keeps it as a draft, finds it
under « Mes brouillons » and publishes it; then rates a colleague's article with the star radio
buttons (a plain form). axe-core checks the drafts page and the rated article.

Uses agent31@demo.gouv.fr (Pierre Bernard), a member of « Politique de l'eau en Bretagne » who
accepted its charter, whom no other browser test uses.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.accounts import sign_in
from tests.e2e.axe import assert_accessible
from tests.e2e.pages import goto_ready, wait_until_ready

pytestmark = pytest.mark.e2e

MEMBER = ("agent31@demo.gouv.fr", "Pierre", "Pierre Bernard")
BLOG_URL = "/communautes/politique-de-l-eau-en-bretagne/annonces/"
TITLE = "Nos astuces pour les contrôles de nuit"
COLLEAGUES_ARTICLE = "Algues vertes : un tableau de bord partagé avec l'ARS"


def success_alert(page):
    return page.locator(".fr-alert--success")


def test_a_member_drafts_publishes_and_rates(web_page):
    """Draft, « Mes brouillons », publish, then four stars on a colleague's article."""
    page = web_page
    sign_in(page, MEMBER)
    goto_ready(page, BLOG_URL)
    page.get_by_role("link", name="Écrire un article").click()
    wait_until_ready(page)
    page.get_by_label("Titre").fill(TITLE)
    page.get_by_role("textbox", name="Texte").fill("Prévenir la gendarmerie **avant** la tournée.")
    page.get_by_role("button", name="Enregistrer comme brouillon").click()
    wait_until_ready(page)
    expect(page.get_by_test_id("draft-notice")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name=TITLE)).to_be_visible()

    page.get_by_role("link", name="Mes brouillons").click()
    wait_until_ready(page)
    draft = page.get_by_test_id("draft-item").filter(has_text=TITLE)
    expect(draft).to_have_count(1)
    assert_accessible(page, where="the drafts page")
    draft.get_by_role("button", name=f"Publier « {TITLE} »").click()
    wait_until_ready(page)
    expect(success_alert(page)).to_have_text("Le billet est publié.")
    expect(page.get_by_test_id("draft-notice")).to_have_count(0)

    goto_ready(page, BLOG_URL + "?type=article")
    expect(page.get_by_test_id("announcements")).to_contain_text(TITLE)
    page.get_by_test_id("announcements").get_by_role("link", name=COLLEAGUES_ARTICLE).click()
    wait_until_ready(page)
    rating = page.get_by_test_id("rating-form")
    # The DSFR draws the radio on its label, which takes the click, as for a person.
    rating.locator("label", has_text="4 étoiles").click()
    expect(rating.get_by_label("4 étoiles")).to_be_checked()
    rating.get_by_role("button", name="Noter").click()
    wait_until_ready(page)
    expect(success_alert(page)).to_have_text("Votre note est enregistrée.")
    expect(page.locator("#rating-title")).to_contain_text("Votre note : 4 sur 5")
    expect(page.get_by_test_id("post-rating").first).to_contain_text(",")
    assert_accessible(page, where="a rated article")
