"""The messaging laid out as a chat, in real browsers: the agent's rooms and conversations in a
side menu beside the open room with their unread badges (live), the composer pinned at the
bottom of the viewport with the messages scrolling above it, « / » and Alt+Shift+M to the
composer, Escape closing the reactions picker, a picture sent shown as the server's thumbnail;
on a phone, the side menu collapsed above the room.

Uses agent03, agent04 and agent06@demo.gouv.fr, whom no other browser test signs in as: the
direct conversations written here are theirs only (the demo data is shared by the package).
"""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.accounts import PASSWORD
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.pages import wait_until_disclosed, wait_until_live, wait_until_room_live
from tests.e2e.test_chat_flow import message, watch

pytestmark = pytest.mark.e2e

WRITER = "agent03@demo.gouv.fr"
READER = "agent04@demo.gouv.fr"
OTHER = "agent06@demo.gouv.fr"
ROOM_URL = re.compile(r"/messagerie/(\d+)/(#.*)?$")
VIEWPORT = {"width": 1280, "height": 900}


def new_page(chromium, server, **options):
    """A page in a browser context of its own; close its ``.context`` after."""
    context = chromium.new_context(
        base_url=server, locale="fr-FR", **{"viewport": VIEWPORT, **options}
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def sign_in_any(page, email):
    """Sign an agent in whatever their first name (the demo's agents are drawn at random)."""
    page.goto("/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Bonjour "))


def profile_of(chromium, server, email):
    """The address of an agent's profile (the header's link once they are signed in)."""
    page = new_page(chromium, server)
    try:
        sign_in_any(page, email)
        return page.get_by_test_id("header-profile").get_attribute("href")
    finally:
        page.context.close()


def open_direct(page, profile_url):
    """From an agent's profile, « Envoyer un message »: the direct conversation; its id."""
    page.goto(profile_url)
    page.get_by_test_id("profile-message").click()
    expect(page).to_have_url(ROOM_URL)
    wait_until_room_live(page)
    return ROOM_URL.search(page.url).group(1)


def send(page, text):
    composer = page.locator("#chat-body")
    composer.fill(text)
    composer.press("Enter")
    expect(message(page, text.splitlines()[0])).to_have_attribute("data-id", re.compile(r"\d"))


def box(page, selector):
    return page.locator(selector).bounding_box()


def assert_composer_at_the_bottom(page, *, newest_shown=True):
    """The composer's bottom edge is at the viewport's bottom (within the room's margin), the
    page itself not scrolled away from it, and (unless the agent scrolled up) the newest
    message visible above it."""
    height = page.viewport_size["height"]
    composer = box(page, "#chat-composer")
    assert height - 40 <= composer["y"] + composer["height"] <= height, composer
    if not newest_shown:
        return
    last = page.get_by_test_id("chat-message").last
    expect(last).to_be_in_viewport()
    last_box = last.bounding_box()
    assert last_box["y"] + last_box["height"] <= composer["y"] + 2, (last_box, composer)


def png(width=900, height=600):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(buffer, format="PNG")
    return {"name": "plan-de-masse.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def test_a_room_laid_out_as_a_chat(web_page, second_page, chromium, maillage_server):
    writer, reader = web_page, second_page
    other = new_page(chromium, maillage_server)
    problems = [watch(writer), watch(reader), watch(other)]
    try:
        for page, email in ((writer, WRITER), (reader, READER), (other, OTHER)):
            sign_in_any(page, email)
        reader_profile = reader.get_by_test_id("header-profile").get_attribute("href")

        # Two agents write to the reader, each in their direct conversation.
        direct_id = open_direct(writer, reader_profile)
        send(writer, "Bonjour, voici le dossier de la cité administrative.")
        other_id = open_direct(other, reader_profile)
        send(other, "Une question sur le déménagement, quand tu peux.")

        # The reader opens the first conversation from « Messagerie »: the side menu lists both,
        # the open one current, the other with its unread badge.
        reader.goto("/messagerie/")
        reader.locator(f"[data-testid='chat-room-link'][data-room-id='{direct_id}']").click()
        expect(reader).to_have_url(ROOM_URL)
        wait_until_room_live(reader)
        wait_until_live(reader)
        menu = reader.get_by_test_id("chat-sidebar")
        expect(menu).to_be_visible()
        current = menu.locator(f"[data-testid='chat-room-link'][data-room-id='{direct_id}']")
        expect(current).to_have_attribute("aria-current", "page")
        expect(
            menu.locator(f"[data-testid='chat-unread'][data-room-id='{direct_id}']")
        ).to_be_hidden()
        other_badge = menu.locator(f"[data-testid='chat-unread'][data-room-id='{other_id}']")
        expect(other_badge).to_have_text("1")
        # The menu stands beside the room, not above it.
        assert (
            box(reader, "[data-testid='chat-sidebar']")["x"] + 100 < box(reader, "#chat-room")["x"]
        )

        # A new message in the other conversation lights its badge without a reload.
        reader.evaluate("window.__sameDocument = true")
        send(other, "Et le plan du deuxième étage ?")
        expect(other_badge).to_have_text("2")
        assert reader.evaluate("window.__sameDocument") is True

        # The composer is at the bottom of the viewport, the newest message above it; it stays
        # there while messages pile up and scroll above it.
        assert_composer_at_the_bottom(reader)
        for n in range(4):
            send(reader, "\n".join(f"Ligne {i} du message {n}" for i in range(6)))
        assert_composer_at_the_bottom(reader)
        scroller = reader.locator("#chat-scroller")
        assert scroller.evaluate("s => s.scrollHeight > s.clientHeight + 50")
        assert reader.evaluate("window.scrollY") < 5
        # The writer, live, keeps it too, and sees the newest message.
        expect(message(writer, "Ligne 0 du message 3")).to_have_count(1)
        assert_composer_at_the_bottom(writer)

        # « / » outside a text field, Alt+Shift+M anywhere: the composer gets the focus; in
        # the search field « / » is typed as a character.
        composer = reader.locator("#chat-body")
        reader.get_by_test_id("chat-room-title").click()
        expect(composer).not_to_be_focused()
        reader.keyboard.press("/")
        expect(composer).to_be_focused()
        expect(composer).to_have_value("")
        search = reader.locator("#chat-search-q")
        search.focus()
        reader.keyboard.press("/")
        expect(search).to_have_value("/")
        expect(search).to_be_focused()
        reader.keyboard.press("Alt+Shift+KeyM")
        expect(composer).to_be_focused()
        search.fill("")

        # The reactions picker: open, Escape closes it and gives the focus back to its button.
        received = message(reader, "Bonjour, voici le dossier")
        picker = received.locator("details.chat-react-picker")
        summary = picker.locator("summary")
        summary.click()
        expect(picker).to_have_attribute("open", "")
        expect(picker.locator("button[value='👍']")).to_be_visible()
        reader.keyboard.press("Escape")
        expect(picker).not_to_have_attribute("open", "")
        expect(summary).to_be_focused()

        # A picture sent (the form's own POST): the page comes back with the server's thumbnail,
        # the composer still at the bottom; the writer sees the thumbnail live.
        reader.locator("#chat-attachment").set_input_files(png())
        composer.fill("Le plan de masse")
        reader.get_by_test_id("chat-send").click()
        expect(reader).to_have_url(ROOM_URL)
        sent = message(reader, "Le plan de masse")
        thumbnail = sent.get_by_test_id("chat-thumbnail")
        expect(thumbnail).to_have_attribute(
            "src", re.compile(r"^/messagerie/fichier/\d+/\?miniature=1$")
        )
        expect(thumbnail).to_have_attribute("alt", "Image jointe : plan-de-masse.png")
        reader.wait_for_function(
            "img => img.complete && img.naturalWidth === 320", arg=thumbnail.element_handle()
        )
        expect(sent.get_by_role("link", name="plan-de-masse.png", exact=True)).to_be_visible()
        wait_until_room_live(reader)
        assert_composer_at_the_bottom(reader)
        live = message(writer, "Le plan de masse").get_by_test_id("chat-thumbnail")
        expect(live).to_have_count(1)
        writer.wait_for_function(
            "img => img.complete && img.naturalWidth === 320", arg=live.element_handle()
        )
        assert_composer_at_the_bottom(writer)
        assert_accessible(reader, where="a room with its side menu and a thumbnail")

        # Older messages loaded above keep what is on screen where it is: the conversation
        # opened around its last message (a page of 26, two older ones left), « Messages plus
        # anciens » brings them in over the WebSocket.
        for n in range(11):
            send(writer, f"Historique A {n}")
            send(reader, f"Historique B {n}")
        last = message(reader, "Historique B 10").get_attribute("data-id")
        reader.goto(f"/messagerie/{direct_id}/?autour={last}#message-{last}")
        wait_until_room_live(reader)
        shown = reader.get_by_test_id("chat-message")
        expect(shown).to_have_count(26)
        expect(message(reader, "Historique B 10")).to_be_in_viewport()
        # The agent scrolls up to the link; the first message shown stays put when it is used.
        older = reader.get_by_test_id("chat-older")
        older.scroll_into_view_if_needed()
        first = reader.locator(f"#message-{shown.first.get_attribute('data-id')}")
        expect(first).to_be_in_viewport()
        before = first.bounding_box()["y"]
        older.click()
        expect(shown).to_have_count(28)
        expect(older).to_have_count(0)
        assert abs(first.bounding_box()["y"] - before) <= 2
        assert reader.locator("#chat-scroller").evaluate("s => s.scrollTop") > 0
        assert_composer_at_the_bottom(reader, newest_shown=False)

        assert problems == [[], [], []]
    finally:
        other.context.close()


def test_on_a_phone_the_rooms_are_above_the_room(chromium, maillage_server):
    """On a phone the side menu is collapsed above the room (« Salons et conversations »),
    opens to the rooms' links, and the composer is at the bottom of the screen."""
    profile = profile_of(chromium, maillage_server, WRITER)
    page = new_page(
        chromium,
        maillage_server,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    problems = watch(page)
    try:
        sign_in_any(page, OTHER)
        open_direct(page, profile)
        send(page, "Depuis mon téléphone")
        toggle = page.get_by_role("button", name="Salons et conversations")
        expect(toggle).to_be_visible()
        links = page.get_by_test_id("chat-sidebar").get_by_test_id("chat-room-link")
        expect(links.first).to_be_hidden()
        assert box(page, "[data-testid='chat-sidebar']")["y"] < box(page, "#chat-room")["y"]
        assert_composer_at_the_bottom(page)
        toggle.click()
        expect(links.first).to_be_visible()
        wait_until_disclosed(page, toggle)
        assert_accessible(page, where="a room on a phone, its side menu open")
        assert problems == []
    finally:
        page.context.close()


def test_without_javascript_the_side_menu_is_plain_links(chromium, maillage_server):
    """Without JavaScript the side menu shows its links (nothing to unfold), on a phone too,
    and the composer posts the message."""
    profile = profile_of(chromium, maillage_server, READER)
    page = new_page(
        chromium, maillage_server, viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    try:
        sign_in_any(page, OTHER)
        page.goto(profile)
        page.get_by_test_id("profile-message").click()
        expect(page).to_have_url(ROOM_URL)
        room_id = ROOM_URL.search(page.url).group(1)
        menu = page.get_by_test_id("chat-sidebar")
        link = menu.locator(f"[data-testid='chat-room-link'][data-room-id='{room_id}']")
        expect(link).to_be_visible()
        expect(link).to_have_attribute("aria-current", "page")
        expect(menu.get_by_role("button", name="Salons et conversations")).to_be_hidden()
        page.locator("#chat-body").fill("Envoyé sans JavaScript")
        page.get_by_test_id("chat-send").click()
        expect(page).to_have_url(ROOM_URL)
        expect(message(page, "Envoyé sans JavaScript")).to_have_count(1)
    finally:
        page.context.close()
