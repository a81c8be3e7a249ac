"""The community wiki in real browsers, in the demo's « Politique de l'eau en Bretagne »
(wiki/demo.py):

- Erwan Kerjean (agent@demo.gouv.fr) follows the home page's link to a page still to write and
  creates it;
- Erwan and Nathalie Moreau (animateur@demo.gouv.fr), in two browsers, edit that page from the
  same revision: Erwan saves first; Nathalie sees the conflict with both texts and their diff,
  her text still in the form, and saves a text that keeps both;
- the history shows both revisions; the older one is restored as a new one;
- Nathalie moves a question of the FAQ down;
- axe-core finds no serious or critical violation on the wiki's home, a page, its history, a
  diff and the edit page.

Every wait is on what the page signals (``tests.e2e.pages``), never on time.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.accounts import sign_in
from tests.e2e.axe import assert_accessible
from tests.e2e.pages import goto_ready, wait_until_ready

pytestmark = pytest.mark.e2e

ANIMATOR = ("animateur@demo.gouv.fr", "Nathalie", "Nathalie Moreau")
AGENT = ("agent@demo.gouv.fr", "Erwan", "Erwan Kerjean")
WIKI = "/communautes/politique-de-l-eau-en-bretagne/wiki/"
MISSING = "Calendrier des comités de bassin"
FIRST = "Comité de bassin Loire-Bretagne : séance de mars."


def open_edit(page, url):
    goto_ready(page, url)
    page.get_by_test_id("wiki-edit").click()
    expect(page.get_by_test_id("wiki-edit-form")).to_be_visible()
    wait_until_ready(page)


def test_two_agents_edit_one_page_the_conflict_loses_nothing_and_history_restores(
    web_page, second_page
):
    """The missing page is created from its link; two concurrent edits end in a conflict the
    second agent resolves without losing what she typed; the history shows both and the older
    revision is restored; the animator reorders the FAQ; axe passes on the wiki's pages."""
    erwan, nathalie = web_page, second_page
    sign_in(erwan, AGENT)
    goto_ready(erwan, WIKI)
    assert_accessible(erwan)  # the wiki's home
    erwan.get_by_test_id("wiki-body").get_by_role("link", name=MISSING).click()
    wait_until_ready(erwan)
    expect(erwan.get_by_role("textbox", name="Titre de la page", exact=True)).to_have_value(MISSING)
    erwan.get_by_role("textbox", name="Contenu de la page").fill(f"{FIRST}\n\nLes dates suivent.\n")
    erwan.get_by_role("button", name="Créer la page").click()
    expect(erwan.get_by_test_id("wiki-page-title")).to_have_text(MISSING)
    wait_until_ready(erwan)
    url = erwan.url
    assert_accessible(erwan)  # a page

    # Both open the edit page of revision 1.
    open_edit(erwan, url)
    sign_in(nathalie, ANIMATOR)
    open_edit(nathalie, url)
    assert_accessible(nathalie)  # the edit page
    erwan.get_by_role("textbox", name="Contenu de la page").fill(
        f"{FIRST}\n\nLes dates suivent : 12 mars et 8 octobre.\n"
    )
    erwan.get_by_role("textbox", name="Résumé de la modification").fill("Les deux dates")
    erwan.get_by_test_id("wiki-save").click()
    expect(erwan.get_by_test_id("wiki-body")).to_contain_text("12 mars et 8 octobre")

    mine = f"{FIRST}\n\nLes dates sont fixées par le secrétariat du comité.\n"
    nathalie.get_by_role("textbox", name="Contenu de la page").fill(mine)
    nathalie.get_by_test_id("wiki-save").click()
    expect(nathalie.get_by_test_id("wiki-conflict")).to_be_visible()
    wait_until_ready(nathalie)
    expect(nathalie.get_by_test_id("wiki-conflict-theirs")).to_contain_text("12 mars et 8 octobre")
    expect(nathalie.get_by_test_id("wiki-conflict-yours")).to_contain_text("secrétariat du comité")
    # Their diff, word by word: Erwan's words deleted, Nathalie's inserted, on the changed line.
    changed = nathalie.get_by_test_id("wiki-diff").locator("tr.wiki-diff__change")
    expect(changed.locator("ins").filter(has_text="secrétariat")).to_have_count(1)
    expect(changed.locator("del").filter(has_text="octobre")).to_have_count(1)
    body = nathalie.get_by_role("textbox", name="Contenu de la page")
    expect(body).to_have_value(mine)  # nothing typed is lost
    body.fill(
        f"{FIRST}\n\nLes dates suivent : 12 mars et 8 octobre. "
        "Elles sont fixées par le secrétariat du comité.\n"
    )
    nathalie.get_by_role("textbox", name="Résumé de la modification").fill("Qui fixe les dates")
    nathalie.get_by_test_id("wiki-save").click()
    expect(nathalie.get_by_test_id("wiki-body")).to_contain_text(
        "12 mars et 8 octobre. Elles sont fixées par le secrétariat du comité."
    )
    wait_until_ready(nathalie)

    # The history: revision 3 (Nathalie's) and 2 (Erwan's) above the creation.
    nathalie.get_by_role("link", name="Historique").first.click()
    rows = nathalie.get_by_test_id("wiki-revision-row")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Qui fixe les dates")
    expect(rows.nth(0)).to_contain_text("Nathalie Moreau")
    expect(rows.nth(1)).to_contain_text("Les deux dates")
    expect(rows.nth(1)).to_contain_text("Erwan Kerjean")
    wait_until_ready(nathalie)
    assert_accessible(nathalie)  # the history
    nathalie.get_by_test_id("wiki-compare").click()
    changed = nathalie.get_by_test_id("wiki-diff").locator("tr.wiki-diff__change")
    expect(changed.locator("ins").filter(has_text="secrétariat")).to_have_count(1)
    wait_until_ready(nathalie)
    assert_accessible(nathalie)  # a diff

    # Erwan's revision (n° 2) restored as n° 4.
    nathalie.go_back()
    wait_until_ready(nathalie)
    nathalie.get_by_role("link", name="Restaurer la version n° 2").click()
    wait_until_ready(nathalie)
    nathalie.get_by_test_id("wiki-restore").click()
    expect(nathalie.get_by_test_id("wiki-page")).to_have_attribute("data-page-number", "4")
    expect(nathalie.get_by_test_id("wiki-body")).to_contain_text("12 mars et 8 octobre")
    expect(nathalie.get_by_test_id("wiki-body")).not_to_contain_text("secrétariat")

    # The animator moves the FAQ's first question down.
    goto_ready(nathalie, WIKI)
    nathalie.get_by_test_id("wiki-body").get_by_role("link", name="Foire aux questions").click()
    wait_until_ready(nathalie)
    nathalie.get_by_test_id("wiki-faq-reorder").click()
    wait_until_ready(nathalie)
    items = nathalie.get_by_test_id("wiki-faq-order-item")
    first, second = (
        items.nth(0).get_attribute("data-anchor"),
        items.nth(1).get_attribute("data-anchor"),
    )
    items.nth(0).get_by_role("button", name="Descendre").click()
    expect(items.nth(0)).to_have_attribute("data-anchor", second)
    expect(items.nth(1)).to_have_attribute("data-anchor", first)
