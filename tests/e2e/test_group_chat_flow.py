"""A group conversation started from the directory: ticking an agent selects them at once (the
count follows, « Créer la conversation » is enabled), with JavaScript; without it, the search's
button carries the ticks over to the selection, and the conversation is created all the same.

Uses agent10@demo.gouv.fr (Thomas Morel) and agent11@demo.gouv.fr (Valérie Moreau), whom no
other browser test uses; they write to agents named Vincent.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.accounts import PASSWORD, sign_in
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.pages import goto_ready, wait_until_ready

pytestmark = pytest.mark.e2e

WITH_SCRIPT = ("agent10@demo.gouv.fr", "Thomas", "Thomas Morel")
WITHOUT_SCRIPT = ("agent11@demo.gouv.fr", "Valérie", "Valérie Moreau")
ROOM_URL = re.compile(r"/messagerie/\d+/(#.*)?$")


def search(page, text):
    page.get_by_label("Chercher un agent dans l'annuaire").fill(text)
    page.get_by_role("button", name="Rechercher et mettre à jour la sélection").click()
    expect(page.get_by_test_id("chat-chooser-results")).to_be_visible()


def test_ticking_agents_selects_them_at_once(web_page):
    """From « Écrire à plusieurs » in the directory: each tick updates « Sélection (N) » and the
    button, no second press; the conversation has the ticked agents."""
    page = web_page
    sign_in(page, WITH_SCRIPT)
    goto_ready(page, "/annuaire/")
    page.get_by_test_id("search-group-message").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle conversation de groupe")
    wait_until_ready(page)
    count = page.get_by_test_id("chat-chosen-count")
    create = page.get_by_test_id("chat-group-submit")
    expect(count).to_have_text("Sélection (0)")
    expect(create).to_be_disabled()

    search(page, "Vincent")
    wait_until_ready(page)
    found = page.get_by_test_id("chat-chooser-found")
    expect(found.first).to_be_visible()
    names = page.get_by_test_id("chat-chooser-results").locator("label")
    first, second = names.nth(0), names.nth(1)
    first_name = first.inner_text().splitlines()[0].strip()
    second_name = second.inner_text().splitlines()[0].strip()

    first.click()
    expect(found.nth(0)).to_be_checked()
    expect(count).to_have_text("Sélection (1)")
    expect(create).to_be_enabled()
    second.click()
    expect(count).to_have_text("Sélection (2)")
    first.click()
    expect(count).to_have_text("Sélection (1)")
    expect(create).to_be_enabled()
    second.click()
    expect(count).to_have_text("Sélection (0)")
    expect(create).to_be_disabled()
    first.click()
    second.click()
    expect(count).to_have_text("Sélection (2)")

    page.get_by_label("Nom de la conversation").fill("Référents Vincent")
    create.click()
    expect(page).to_have_url(ROOM_URL)
    expect(page.get_by_test_id("chat-room-title")).to_have_text("Référents Vincent")
    participants = page.get_by_test_id("chat-participant-list")
    expect(participants).to_contain_text(first_name)
    expect(participants).to_contain_text(second_name)
    expect(participants).to_contain_text(WITH_SCRIPT[2])


def test_without_javascript_the_search_button_carries_the_ticks_over(chromium, maillage_server):
    """Without JavaScript: tick, « Rechercher et mettre à jour la sélection », then create."""
    context = chromium.new_context(
        base_url=maillage_server, locale="fr-FR", java_script_enabled=False
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto("/connexion/")
        page.get_by_label("Adresse électronique").fill(WITHOUT_SCRIPT[0])
        page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
        page.locator("main").get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Bonjour {WITHOUT_SCRIPT[1]}")
        page.goto("/messagerie/nouveau/")
        count = page.get_by_test_id("chat-chosen-count")
        create = page.get_by_test_id("chat-group-submit")
        expect(count).to_have_text("Sélection (0)")
        expect(create).to_be_disabled()

        search(page, "Vincent")
        label = page.get_by_test_id("chat-chooser-results").locator("label").first
        name = label.inner_text().splitlines()[0].strip()
        label.click()
        page.get_by_role("button", name="Rechercher et mettre à jour la sélection").click()
        expect(count).to_have_text("Sélection (1)")
        expect(page.get_by_test_id("chat-chosen")).to_contain_text(name)
        expect(create).to_be_enabled()
        create.click()
        expect(page).to_have_url(ROOM_URL)
        expect(page.get_by_test_id("chat-participant-list")).to_contain_text(name)
    finally:
        context.close()
