"""The messaging in real browsers: two agents in a community's room over the WebSocket, then a
direct conversation and the navigation's unread badge, all without reloading.

The demo data (chat/demo.py) has Nathalie Moreau (animateur@demo.gouv.fr, animator) and Erwan
Kerjean (agent@demo.gouv.fr) as members of « Politique de l'eau en Bretagne » who accepted its
charter, with every demo message read. The other browser tests do not read the messaging.

Both pages must stay free of console errors: a CSP violation (an inline handler, a script
without the nonce, eval) is one.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.accounts import PASSWORD, sign_in
from tests.e2e.pages import wait_until_live, wait_until_ready, wait_until_room_live

pytestmark = pytest.mark.e2e

ANIMATOR = ("animateur@demo.gouv.fr", "Nathalie", "Nathalie Moreau")
AGENT = ("agent@demo.gouv.fr", "Erwan", "Erwan Kerjean")
COMMUNITY = "Politique de l'eau en Bretagne"
COMMUNITY_ROOM_URL = "/messagerie/communaute/politique-de-l-eau-en-bretagne/"
ROOM_URL = re.compile(r"/messagerie/(\d+)/(#.*)?$")


def watch(page):
    """Record the page's console errors, uncaught exceptions and JavaScript dialogs (dismissed);
    the list must stay empty."""
    problems = []

    def console(message):
        if message.type == "error":
            problems.append(f"console: {message.text}")

    def dialog(opened):
        problems.append(f"dialog {opened.type}: {opened.message}")
        opened.dismiss()

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.on("dialog", dialog)
    return problems


def mark_document(page):
    """A mark on the window that a full page load would wipe."""
    page.evaluate("window.__sameDocument = true")


def assert_same_document(page):
    assert page.evaluate("window.__sameDocument") is True, "the page was reloaded"


def message(page, text):
    return page.get_by_test_id("chat-message").filter(has_text=text)


def test_two_agents_chat_live_then_a_direct_message_lights_the_badge(
    web_page, second_page, maillage_server
):
    animator, agent = web_page, second_page
    animator_problems, agent_problems = watch(animator), watch(agent)
    intro = "Point d'étape : la note sur les arrêtés est"
    typed = f"{intro} **validée** <script>alert(1)</script> et `<script>alert(2)</script>`"
    answer = "je la relaie à la DDTM dès ce matin."

    sign_in(animator, ANIMATOR, maillage_server)
    sign_in(agent, AGENT, maillage_server)
    # The badge is hidden until realtime.js has the counts: only then does hidden mean none.
    wait_until_live(agent)
    expect(agent.get_by_test_id("chat-unread-badge")).to_be_hidden()

    # The animator opens the community's room; the agent opens it from « Messagerie ».
    animator.goto(COMMUNITY_ROOM_URL)
    expect(animator).to_have_url(ROOM_URL)
    room_id = ROOM_URL.search(animator.url).group(1)
    expect(animator.get_by_test_id("chat-room-title")).to_have_text(COMMUNITY)
    wait_until_room_live(animator)

    agent.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Messagerie", exact=True
    ).click()
    expect(agent).to_have_url(f"{maillage_server}/messagerie/")
    agent.locator(f"[data-testid='chat-room-link'][data-room-id='{room_id}']").click()
    expect(agent).to_have_url(ROOM_URL)
    assert ROOM_URL.search(agent.url).group(1) == room_id
    wait_until_room_live(agent)
    mark_document(agent)
    mark_document(animator)

    # Each sees the other online.
    expect(animator.locator("#chat-presence")).to_contain_text("Erwan Kerjean · en ligne")
    expect(agent.locator("#chat-presence")).to_contain_text("Nathalie Moreau · en ligne")

    # The animator types: the agent sees it, then the message when Enter sends it.
    composer = animator.locator("#chat-body")
    composer.press_sequentially(typed)
    expect(agent.locator("#chat-typing")).to_have_text("Nathalie Moreau écrit…")
    composer.press("Enter")
    expect(composer).to_have_value("")

    received = message(agent, intro)
    expect(received).to_have_count(1)
    body = received.get_by_test_id("chat-message-body")
    expect(body.locator("strong")).to_have_text("validée")
    expect(body.locator("code")).to_have_text("<script>alert(2)</script>")
    expect(received).to_contain_text("Nathalie Moreau")
    expect(agent.locator("#chat-messages script")).to_have_count(0)
    # Its time in the platform's one date format, as the server writes it (chat.js).
    expect(received.locator("time")).to_have_text(
        re.compile(r"^\d{1,2}(er)? [a-zéû]+ \d{4} à \d{1,2} h \d{2}$")
    )
    # On the animator's side the pending message became the stored one.
    sent = message(animator, intro)
    expect(sent).to_have_count(1)
    expect(sent).to_have_attribute("data-id", re.compile(r"^\d+$"))
    expect(animator.get_by_test_id("chat-message-pending")).to_have_count(0)
    expect(sent.locator("strong", has_text="validée")).to_be_visible()
    # The typing indicator goes away once the message has arrived.
    expect(agent.locator("#chat-typing")).to_have_text("")

    # The agent answers, mentioning the animator through the completion list.
    reply = agent.locator("#chat-body")
    reply.press_sequentially("Merci @nath")
    mentions = agent.get_by_role("listbox", name="Participants à mentionner")
    expect(mentions.get_by_role("option")).to_have_text(["Nathalie Moreau"])
    reply.press("Enter")
    expect(mentions).to_be_hidden()
    expect(reply).to_have_value("Merci @Nathalie Moreau ")
    reply.press_sequentially(answer)
    agent.get_by_test_id("chat-send").click()

    answered = message(animator, answer)
    expect(answered).to_have_count(1)
    expect(answered.get_by_role("link", name="@Nathalie Moreau")).to_be_visible()
    expect(answered).to_contain_text("Erwan Kerjean")
    expect(message(agent, answer)).to_have_count(1)

    assert_same_document(agent)
    assert_same_document(animator)

    # The agent goes to the home page: no unread message.
    agent.goto("/")
    badge = agent.get_by_test_id("chat-unread-badge")
    wait_until_live(agent)
    expect(badge).to_be_hidden()
    mark_document(agent)

    # The animator opens the agent's profile from their message and writes to them.
    answered.locator(".chat-message__author").click()
    expect(animator.get_by_role("heading", level=1)).to_have_text("Erwan Kerjean")
    animator.get_by_test_id("profile-message").click()
    expect(animator).to_have_url(ROOM_URL)
    direct_id = ROOM_URL.search(animator.url).group(1)
    assert direct_id != room_id
    expect(animator.get_by_test_id("chat-room-title")).to_have_text("Erwan Kerjean")
    wait_until_room_live(animator)
    first = "Erwan, peux-tu relire la note avant jeudi ?"
    animator.locator("#chat-body").fill(first)
    animator.locator("#chat-body").press("Enter")
    expect(message(animator, first)).to_have_attribute("data-id", re.compile(r"^\d+$"))

    # The agent's badge shows it, without a reload.
    expect(badge).to_be_visible()
    expect(badge).to_have_text("1")
    assert_same_document(agent)

    # In « Messagerie », the conversation has its badge; a second message adds one, live.
    agent.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Messagerie", exact=True
    ).click()
    expect(agent).to_have_url(f"{maillage_server}/messagerie/")
    room_badge = agent.locator(f"[data-testid='chat-unread'][data-room-id='{direct_id}']")
    expect(room_badge).to_have_text("1")
    wait_until_live(agent)
    mark_document(agent)
    second = "Le comité a avancé la réunion à mercredi."
    animator.locator("#chat-body").fill(second)
    animator.get_by_test_id("chat-send").click()
    expect(room_badge).to_have_text("2")
    expect(badge).to_have_text("2")
    assert_same_document(agent)

    # The agent opens the conversation: both messages, and nothing unread any more.
    agent.locator(f"[data-testid='chat-room-link'][data-room-id='{direct_id}']").click()
    expect(agent).to_have_url(ROOM_URL)
    wait_until_room_live(agent)
    expect(message(agent, first)).to_have_count(1)
    expect(message(agent, second)).to_have_count(1)
    wait_until_live(agent)
    expect(badge).to_be_hidden()

    assert animator_problems == []
    assert agent_problems == []


COLLEAGUE = "agent07@demo.gouv.fr"


def test_reply_react_edit_and_delete_show_live_on_the_other_side(
    web_page, second_page, maillage_server
):
    """In a direct conversation: a reply with its quote, reactions, an edit and a deletion made
    on one side appear on the other without a reload."""
    animator, colleague = web_page, second_page
    animator_problems, colleague_problems = watch(animator), watch(colleague)

    sign_in(animator, ANIMATOR, maillage_server)
    colleague.goto("/connexion/")
    colleague.get_by_label("Adresse électronique").fill(COLLEAGUE)
    colleague.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    colleague.locator("main").get_by_role("button", name="Se connecter").click()
    expect(colleague).to_have_url(f"{maillage_server}/")
    # The heading follows the header in the page: once it is there, the header is whole.
    expect(colleague.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Bonjour "))
    wait_until_ready(colleague)
    profile_link = colleague.get_by_test_id("header-profile").first
    colleague_name = profile_link.inner_text().strip()
    profile_url = profile_link.get_attribute("href")

    # The animator writes to the colleague from their profile.
    animator.goto(profile_url)
    animator.get_by_test_id("profile-message").click()
    expect(animator).to_have_url(ROOM_URL)
    direct_id = ROOM_URL.search(animator.url).group(1)
    wait_until_room_live(animator)
    composer = animator.locator("#chat-body")
    composer.fill("Premier message")
    composer.press("Enter")
    expect(message(animator, "Premier message")).to_have_attribute("data-id", re.compile(r"\d"))
    composer.fill("Deuxième message")
    composer.press("Enter")
    expect(message(animator, "Deuxième message")).to_have_attribute("data-id", re.compile(r"\d"))

    colleague.goto("/messagerie/")
    colleague.locator(f"[data-testid='chat-room-link'][data-room-id='{direct_id}']").click()
    wait_until_room_live(colleague)
    mark_document(colleague)
    mark_document(animator)

    # The colleague replies to the first message: the quote shows on both sides.
    first = message(colleague, "Premier message")
    first.get_by_test_id("chat-action-reply").click()
    preview = colleague.get_by_test_id("chat-reply-preview")
    expect(preview).to_have_text(re.compile(r"En réponse à Nathalie Moreau : Premier message"))
    colleague.locator("#chat-body").fill("Bien reçu")
    colleague.locator("#chat-body").press("Enter")
    expect(preview).to_have_count(0)
    reply = message(animator, "Bien reçu")
    expect(reply.get_by_test_id("chat-quote")).to_have_text("Nathalie Moreau : Premier message")
    expect(reply).to_contain_text(colleague_name)
    expect(message(colleague, "Bien reçu").get_by_test_id("chat-quote")).to_be_visible()

    # The animator reacts to the reply, then the colleague adds theirs.
    reply.locator(".chat-react-picker summary").click()
    reply.get_by_role("button", name="👍").last.click()
    expect(reply.get_by_test_id("chat-reaction")).to_have_text("👍 1")
    expect(reply.get_by_test_id("chat-reaction")).to_have_attribute("aria-pressed", "true")
    their_reply = message(colleague, "Bien reçu")
    expect(their_reply.get_by_test_id("chat-reaction")).to_have_text("👍 1")
    expect(their_reply.get_by_test_id("chat-reaction")).to_have_attribute("aria-pressed", "false")
    their_reply.get_by_test_id("chat-reaction").click()
    expect(their_reply.get_by_test_id("chat-reaction")).to_have_text("👍 2")
    expect(reply.get_by_test_id("chat-reaction")).to_have_text("👍 2")

    # The animator reloads (the raw text of their messages is no longer in the page) and
    # edits the second message inline.
    animator.reload()
    wait_until_room_live(animator)
    second = message(animator, "Deuxième message")
    second.get_by_test_id("chat-action-edit").click()
    editor = second.get_by_label("Modifier le message")
    expect(editor).to_have_value("Deuxième message")
    editor.fill("Deuxième message, **corrigé**")
    editor.press("Enter")
    expect(second.get_by_test_id("chat-edited")).to_have_text("(modifié)")
    expect(second.get_by_test_id("chat-edit-form")).to_have_count(0)
    edited = message(colleague, "Deuxième message, corrigé")
    expect(edited.get_by_test_id("chat-message-body").locator("strong")).to_have_text("corrigé")
    expect(edited.get_by_test_id("chat-edited")).to_have_text("(modifié)")

    # Then deletes it, confirming inline.
    deleted_id = second.get_attribute("data-id")
    second = animator.locator(f"#message-{deleted_id}")
    second.get_by_test_id("chat-action-delete").click()
    second.get_by_test_id("chat-delete-confirm").get_by_role(
        "button", name="Supprimer le message"
    ).click()
    on_colleague = colleague.locator(f"#message-{deleted_id}")
    expect(on_colleague.get_by_test_id("chat-deleted")).to_have_text("Message supprimé")
    expect(on_colleague).not_to_contain_text("corrigé")
    expect(second.get_by_test_id("chat-deleted")).to_be_visible()

    # A last message, read as it arrives: the colleague's read position follows, so that the
    # conversation has nothing unread when they leave it.
    composer = animator.locator("#chat-body")
    composer.fill("Dernier mot pour aujourd'hui")
    composer.press("Enter")
    last = message(colleague, "Dernier mot pour aujourd'hui")
    expect(last).to_have_count(1)
    last_id = last.get_attribute("data-id")
    expect(colleague.locator("#chat-room")).to_have_attribute("data-last-read", last_id)
    assert_same_document(colleague)
    colleague.goto("/messagerie/")
    wait_until_live(colleague)
    expect(
        colleague.locator(f"[data-testid='chat-unread'][data-room-id='{direct_id}']")
    ).to_be_hidden()

    assert animator_problems == []
    assert colleague_problems == []
