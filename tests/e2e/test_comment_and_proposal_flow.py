"""In a real browser (issue 13, items 6 and 12): a member edits then deletes their own comment —
« modifié » with its date, then « Commentaire supprimé » — without any script of the page's; the
SGAR officer proposes a community from the communities page, an administrator declines it with a
reason, the officer reads it.

The demo data: Erwan Kerjean (agent@demo.gouv.fr) commented the first announcement of
« Politique de l'eau en Bretagne » (communities/demo.py, ``agent_comment``); nobody else reads that
comment. The proposal made here is declined (no community is created: the other tests' lists of
communities stay as they are)."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.accounts import sign_in
from tests.e2e.pages import goto_ready, wait_until_ready

pytestmark = pytest.mark.e2e

AGENT = ("agent@demo.gouv.fr", "Erwan", "Erwan Kerjean")
SGAR = ("sgar.bretagne@demo.gouv.fr", "Yann", "Yann Le Gall")
ADMIN = ("admin@demo.gouv.fr", "Camille", "Camille Lefèvre")
ANNOUNCEMENTS_URL = "/communautes/politique-de-l-eau-en-bretagne/annonces/"
ANNOUNCEMENT = "Arrêtés sécheresse 2025 : le modèle régional est en ligne"
COMMENT = "Merci pour le modèle : je l'utilise dès les prochains arrêtés."


def test_member_edits_then_deletes_their_comment(web_page):
    """« Modifier » opens the edit page; saved, the comment says « modifié » with its date in
    the title; « Supprimer » leaves « Commentaire supprimé »."""
    page = web_page
    sign_in(page, AGENT)
    goto_ready(page, ANNOUNCEMENTS_URL)
    page.get_by_role("link", name=ANNOUNCEMENT).first.click()
    wait_until_ready(page)
    comment = page.get_by_test_id("comment").filter(has_text=COMMENT)
    expect(comment).to_have_count(1)
    comment.get_by_test_id("comment-edit").click()
    wait_until_ready(page)
    field = page.get_by_label("Votre commentaire modifié")
    expect(field).to_have_value(COMMENT)
    field.fill("Merci pour le modèle, je l'utilise dès lundi.")
    page.get_by_role("button", name="Enregistrer la modification").click()
    wait_until_ready(page)
    expect(page.locator(".fr-alert--success")).to_have_text("Votre commentaire est modifié.")
    comment = page.get_by_test_id("comment").filter(has_text="je l'utilise dès lundi")
    edited = comment.get_by_test_id("comment-edited")
    expect(edited).to_be_visible()
    expect(edited).to_have_attribute("title", re.compile(r"^Modifié le \d{1,2}(er)? .+ \d{4}"))
    comment.get_by_role("button", name=re.compile("^Supprimer")).click()
    wait_until_ready(page)
    expect(page.locator(".fr-alert--success")).to_have_text("Le commentaire est supprimé.")
    expect(page.get_by_text("je l'utilise dès lundi")).to_have_count(0)
    expect(page.get_by_test_id("comment-deleted").first).to_contain_text("Commentaire supprimé")


def test_sgar_officer_proposes_and_an_administrator_declines(web_page, second_page):
    """The officer proposes from the communities page; the administrator finds it under
    « Propositions » and declines it with a reason; the officer reads « Refusée » and why."""
    officer, admin = web_page, second_page
    sign_in(officer, SGAR)
    goto_ready(officer, "/communautes/")
    officer.get_by_role("link", name="Proposer une communauté").click()
    wait_until_ready(officer)
    officer.get_by_label("Nom de la communauté").fill("Référents numériques des SGAR")
    officer.get_by_label("Objectif commun").fill("Partager les projets numériques régionaux.")
    officer.get_by_label("Type de communauté").select_option(label="Expertise métier")
    officer.get_by_text("Sur demande : visible par tous").click()
    officer.get_by_label("Pourquoi cette communauté ?").fill("Nous sommes treize à nous chercher.")
    officer.get_by_role("button", name="Envoyer la proposition").click()
    wait_until_ready(officer)
    expect(officer.locator(".fr-alert--success")).to_contain_text("Votre proposition est transmise")
    expect(officer.get_by_test_id("proposal-status")).to_have_text("En attente")
    proposal_url = officer.url

    sign_in(admin, ADMIN)
    goto_ready(admin, "/communautes/")
    admin.get_by_test_id("proposals-link").click()
    wait_until_ready(admin)
    admin.get_by_test_id("pending-proposals").get_by_role(
        "link", name="Référents numériques des SGAR"
    ).click()
    wait_until_ready(admin)
    decide = admin.get_by_test_id("proposal-decide")
    decide.get_by_role("button", name="Refuser la proposition").click()
    wait_until_ready(admin)
    expect(admin.get_by_text("Indiquez le motif du refus.").first).to_be_visible()
    admin.get_by_label("Motif du refus").fill("Le réseau des SGAR existe déjà.")
    admin.get_by_test_id("proposal-decide").get_by_role(
        "button", name="Refuser la proposition"
    ).click()
    wait_until_ready(admin)
    expect(admin.get_by_test_id("proposal-status")).to_have_text("Refusée")

    goto_ready(officer, proposal_url)
    expect(officer.get_by_test_id("proposal-status")).to_have_text("Refusée")
    expect(officer.get_by_test_id("proposal-answer")).to_contain_text(
        "Motif : Le réseau des SGAR existe déjà."
    )
