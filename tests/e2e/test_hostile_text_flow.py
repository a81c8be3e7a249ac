"""Hostile text in a real browser: a control character typed in the chat is refused on the spot
(an error over the WebSocket, the connection kept), a right-to-left override arrives shown as its
code point, and an address with NUL gets the French 400 page.

Uses agent12@demo.gouv.fr (animator of « Emploi et insertion en Bourgogne-Franche-Comté »), whom
no other browser test signs in as: the demo data is shared by every browser test.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.accounts import PASSWORD
from tests.e2e.pages import wait_until_room_live

pytestmark = pytest.mark.e2e

ANIMATOR = "agent12@demo.gouv.fr"
ROOM = "/messagerie/communaute/emploi-et-insertion-en-bourgogne-franche-comte/"
ROOM_URL = re.compile(r"/messagerie/(\d+)/(#.*)?$")


def _sign_in(page):
    page.goto("/connexion/")
    page.get_by_label("Adresse électronique").fill(ANIMATOR)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Bonjour "))


def test_hostile_text_in_the_chat_and_in_an_address(web_page):
    page = web_page
    _sign_in(page)
    page.goto(ROOM)
    expect(page).to_have_url(ROOM_URL)
    wait_until_room_live(page)
    composer = page.locator("#chat-body")

    # A control character (as pasted from another program): refused before any write, the
    # connection stays open and the text stays in the composer's place as an alert says why.
    composer.fill("Sonnerie\u0007 du standard")
    composer.press("Enter")
    alert = page.get_by_test_id("chat-live-error")
    expect(alert).to_contain_text("Envoi refusé : le texte contient un caractère de contrôle")
    expect(page.get_by_test_id("chat-message").filter(has_text="du standard")).to_have_count(0)
    expect(page.locator("#chat-room")).to_have_attribute("data-connection", "open")

    # A right-to-left override is text: sent, and shown as its code point, not obeyed.
    composer.fill("La pièce jointe facture\u202efdp.exe est douteuse")
    composer.press("Enter")
    sent = page.get_by_test_id("chat-message").filter(has_text="est douteuse")
    expect(sent).to_have_count(1)
    expect(sent).to_have_attribute("data-id", re.compile(r"^\d+$"))
    expect(sent.get_by_test_id("chat-message-body")).to_contain_text(
        "facture⟨U+202E⟩fdp.exe est douteuse"
    )
    # The same after a reload: the page's server-side rendering agrees with the live one.
    page.reload()
    body = page.get_by_test_id("chat-message").filter(has_text="est douteuse")
    expect(body).to_contain_text("facture⟨U+202E⟩fdp.exe")
    assert "\u202e" not in page.content()

    # NUL in an address: the French 400 page, in the platform's look, the agent still signed in.
    response = page.goto("/annuaire/?q=ab%00cd")
    assert response.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text("Requête invalide")
    expect(page.get_by_role("alert")).to_contain_text("« q » contient un caractère nul")
    expect(page.get_by_role("navigation", name="Menu principal")).to_be_visible()
