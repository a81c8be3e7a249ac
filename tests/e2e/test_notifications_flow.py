"""Notifications in real browsers: a mention in a community's room lights the mentioned agent's
bell live, without reloading, then the agent opens the centre and lands on the message.

The fan-out of a notification is a background task (notifications.tasks.fan_out): the dev
settings queue it in the database, for a worker. And the worker pushes the new count to the
agent's tabs through the channel layer, so the worker and Daphne must share one: this module
starts its own platform, as ``make run`` does but on a Redis of its own (pytest-redis on a free
port), with a ``manage.py db_worker`` beside Daphne. The package's shared server (conftest.py)
has neither a worker nor a shared channel layer.

The demo data (directory/demo.py, chat/demo.py): Nathalie Moreau (animateur@demo.gouv.fr) and
Erwan Kerjean (agent@demo.gouv.fr) are members of « Politique de l'eau en Bretagne », charter
accepted.
"""

import os
import re
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pytest_redis import factories as redis_factories

from tests.e2e.accounts import sign_in
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import SCREENSHOTS, TIMEOUT_MS, _reports
from tests.e2e.pages import wait_until_live, wait_until_room_live
from tests.integration.servers import (
    PYTHON,
    ROOT,
    Daphne,
    django_env,
    manage,
    migrated_sqlite_database,
)

pytestmark = pytest.mark.e2e

ANIMATOR = ("animateur@demo.gouv.fr", "Nathalie", "Nathalie Moreau")
AGENT = ("agent@demo.gouv.fr", "Erwan", "Erwan Kerjean")
COMMUNITY = "Politique de l'eau en Bretagne"
COMMUNITY_ROOM_URL = "/messagerie/communaute/politique-de-l-eau-en-bretagne/"
ROOM_URL = re.compile(r"/messagerie/(\d+)/")

REDIS_SERVER = (
    "/usr/bin/redis-server"
    if os.path.exists("/usr/bin/redis-server")
    else (shutil.which("redis-server") or "redis-server")
)
notifications_redis = redis_factories.redis_proc(executable=REDIS_SERVER, port=None)


@dataclass
class Platform:
    url: str
    daphne: Daphne
    worker_log: Path

    def logs(self):
        worker = self.worker_log.read_text(errors="replace")[-3000:]
        return f"--- daphne ---\n{self.daphne.log()}\n--- worker ---\n{worker}"


def stop(process):
    """SIGTERM the process we started, SIGKILL after 10 s."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def platform(notifications_redis, tmp_path_factory):
    """Daphne and a task worker on one SQLite database with the demo data and one Redis."""
    folder = tmp_path_factory.mktemp("e2e-notifications")
    database = migrated_sqlite_database(folder / "notifications.sqlite3", tmp_path_factory)
    env = django_env(
        "maillage.settings.dev",
        DATABASE_URL=f"sqlite:///{database}",
        MAILLAGE_VAR_DIR=folder,
        REDIS_URL=f"redis://{notifications_redis.host}:{notifications_redis.port}/0",
    )
    manage("load_demo_data", env=env)
    # What the demo data queued runs now, before any page is open: the counts stay still.
    manage("db_worker", "--batch", "--no-reload", "--no-startup-delay", env=env, timeout=300)
    worker_log = folder / "worker.log"
    with worker_log.open("ab") as log:
        worker = subprocess.Popen(  # noqa: S603 - fixed command line
            [
                PYTHON,
                "manage.py",
                "db_worker",
                "--interval",
                "0.2",
                "--no-reload",
                "--no-startup-delay",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        with Daphne(env=env, log_path=folder / "daphne.log") as daphne:
            assert worker.poll() is None, worker_log.read_text(errors="replace")
            yield Platform(url=daphne.url, daphne=daphne, worker_log=worker_log)
    finally:
        stop(worker)


@pytest.fixture
def open_page(request, chromium, platform):
    """``open_page(label)``: a page in a new browser context (another person, another computer)
    on the platform; a screenshot of each on failure, with the servers' logs."""
    contexts = []

    def make(label):
        context = chromium.new_context(
            base_url=platform.url, locale="fr-FR", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        contexts.append((label, context, page))
        return page

    yield make
    reports = request.node.stash.get(_reports, {})
    failed = any(report.failed for report in reports.values())
    if failed:
        SCREENSHOTS.mkdir(exist_ok=True)
        print(platform.logs())  # noqa: T201
    for label, context, page in contexts:
        if failed:
            name = re.sub(r"[^\w.-]+", "_", f"{request.node.name}-{label}")
            try:
                page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
            except Exception as error:  # noqa: BLE001 - a failed screenshot must not hide it
                print(f"No screenshot of {label}: {error}")  # noqa: T201
        context.close()


def watch(page):
    """Record the page's console errors and uncaught exceptions (a CSP violation is one)."""
    problems = []
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    return problems


def badge_count(page):
    """The bell's count as the page shows it (0 when hidden)."""
    badge = page.locator("#notifications-badge")
    return int(badge.get_attribute("data-count") or "0")


def test_a_mention_lights_the_bell_live_then_leads_to_the_message(open_page):
    """B's bell goes from N to N+1 without reloading when A mentions B in the community's room;
    B opens the centre, sees the mention, opens it and lands on the message."""
    animator, agent = open_page("animator"), open_page("agent")
    agent_problems = watch(agent)
    text = f"Bonjour @{AGENT[2]}, pouvez-vous relire la note sécheresse ? ({uuid.uuid4().hex[:8]})"
    summary = f"{ANIMATOR[2]} vous mentionne dans « {COMMUNITY} »"

    sign_in(animator, ANIMATOR)
    sign_in(agent, AGENT)

    # B waits on the list of communities, connected for live events.
    agent.goto("/communautes/")
    expect(agent.get_by_role("heading", level=1)).to_have_text("Communautés")
    wait_until_live(agent)
    before = badge_count(agent)
    bell = agent.locator("header .fr-header__tools [data-testid='notifications-bell']")
    # Its accessible name is its text: the visible words and count (« Notifications 3 non lues »).
    expect(bell).not_to_have_attribute("aria-label", re.compile(r"."))
    if before == 0:
        expect(agent.locator("#notifications-badge")).to_be_hidden()
        expect(bell).to_have_accessible_name("Notifications")
    agent.evaluate("window.__sameDocument = true")

    # A writes in the community's room, mentioning B by « @Prénom Nom ».
    animator.goto(COMMUNITY_ROOM_URL)
    expect(animator).to_have_url(ROOM_URL)
    # Before the room is live the form would post without JavaScript: another path.
    wait_until_room_live(animator)
    composer = animator.locator("#chat-composer")
    composer.locator("textarea[name=body]").fill(text)
    composer.get_by_test_id("chat-send").click()
    expect(animator.get_by_test_id("chat-message").filter(has_text=text[-40:])).to_have_count(1)

    # B's bell counts it, live: same document, no reload.
    after = before + 1
    expect(agent.locator("#notifications-badge")).to_have_text(str(after))
    expect(agent.locator("#notifications-badge")).to_be_visible()
    expect(bell).to_have_accessible_name(f"Notifications {after} non lue{'s' if after > 1 else ''}")
    assert agent.evaluate("window.__sameDocument") is True, "the page was reloaded"
    toast = agent.get_by_test_id("notification-toast").filter(has_text=summary)
    expect(toast).to_be_visible()
    # The bell with its count, the toast: axe finds nothing serious (the bell's name once did
    # not contain its visible count: label-content-name-mismatch).
    assert_accessible(agent, where="a page with an unread notification and its toast")
    expect(toast.get_by_role("link")).to_have_attribute(
        "href", re.compile(r"^/notifications/\d+/$")
    )

    # B opens the centre from the bell: the mention is there, unread, under the community.
    bell.click()
    expect(agent).to_have_url(re.compile(r"/notifications/$"))
    expect(agent.get_by_role("heading", level=1)).to_have_text("Notifications")
    item = agent.get_by_test_id("notification").filter(has_text=summary).first
    expect(item.get_by_test_id("notification-unread")).to_have_text("Non lue")
    group = agent.get_by_test_id("notification-group").filter(has=item)
    expect(group.get_by_role("heading", level=2)).to_have_text(COMMUNITY)

    # Opening it marks it read and lands on the message in its room.
    item.get_by_test_id("notification-link").click()
    expect(agent).to_have_url(re.compile(r"/messagerie/\d+/\?autour=\d+#message-\d+$"))
    message_id = agent.url.rsplit("#message-", 1)[1]
    expect(agent.locator(f"#message-{message_id}")).to_contain_text(text[-40:])
    expect(agent.locator("#notifications-badge")).to_have_attribute("data-count", str(before))

    assert agent_problems == []


# --- on a phone ----------------------------------------------------------------------------------

SENDER = ("agent08@demo.gouv.fr", "Sophie", "Sophie Vincent")
RECIPIENT = ("agent09@demo.gouv.fr", "Valérie", "Valérie Martin")
PHONE = {"width": 390, "height": 844}


def assert_in_sight(page, locator):
    """``locator`` is visible on the first screen of the page, the menu closed."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    viewport = page.viewport_size
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], box
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], box
    expect(page.locator("#modal-menu")).to_be_hidden()


def test_on_a_phone_the_unread_counts_show_beside_the_menu_button(open_page):
    """On a phone the header's tools and the navigation fold into the menu: a private message
    to Valérie shows on the bell and on « Messagerie » beside the menu button, live, without
    opening it; after a reload too. (Sophie Vincent writes to her: no other test uses them.)"""
    sender, recipient = open_page("sender"), open_page("recipient")
    recipient_problems = watch(recipient)
    recipient.set_viewport_size(PHONE)
    sign_in(sender, SENDER)
    sign_in(recipient, RECIPIENT)
    wait_until_live(recipient)

    bell = recipient.get_by_test_id("notifications-bell-compact")
    chat = recipient.get_by_test_id("chat-compact-link")
    bell_badge = bell.get_by_test_id("notifications-badge-compact")
    chat_badge = chat.get_by_test_id("chat-unread-badge-compact")
    assert_in_sight(recipient, bell)
    assert_in_sight(recipient, chat)
    assert_in_sight(recipient, recipient.get_by_role("button", name="Menu"))
    # Where the whole header has room (the sender's desktop), the compact links are not shown.
    expect(sender.get_by_test_id("notifications-bell-compact")).to_be_hidden()
    expect(sender.get_by_test_id("chat-compact-link")).to_be_hidden()
    # What the demo data left unread; no message yet (the chat's count is known once the page
    # is live): hidden at zero.
    before = badge_count(recipient)
    expect(bell_badge).to_have_attribute("data-count", str(before))
    expect(chat_badge).to_be_hidden()
    expect(chat).to_have_accessible_name("Messagerie")
    recipient.evaluate("window.__sameDocument = true")

    # Sophie writes to Valérie from her profile.
    profile_url = recipient.get_by_test_id("header-profile").first.get_attribute("href")
    sender.goto(profile_url)
    expect(sender.get_by_role("heading", level=1)).to_have_text(RECIPIENT[2])
    sender.get_by_test_id("profile-message").click()
    expect(sender).to_have_url(ROOM_URL)
    wait_until_room_live(sender)
    text = "Valérie, as-tu la liste des référents pour jeudi ?"
    sender.locator("#chat-body").fill(text)
    sender.locator("#chat-body").press("Enter")
    expect(sender.get_by_test_id("chat-message").filter(has_text=text)).to_have_attribute(
        "data-id", re.compile(r"^\d+$")
    )

    # On the phone, without opening the menu or reloading: both counts, with their words.
    expect(chat_badge).to_have_text("1")
    assert_in_sight(recipient, chat_badge)
    expect(chat).to_have_accessible_name("Messagerie 1 message non lu")
    after = before + 1
    expect(bell_badge).to_have_text(str(after))
    assert_in_sight(recipient, bell_badge)
    expect(bell).to_have_accessible_name(f"Notifications {after} non lue{'s' if after > 1 else ''}")
    assert recipient.evaluate("window.__sameDocument") is True, "the page was reloaded"
    assert_accessible(recipient, where="a phone's page with unread counts")

    # After a reload the bell's count comes with the page, the chat's once the page is live.
    recipient.reload()
    expect(bell_badge).to_have_text(str(after))
    assert_in_sight(recipient, bell_badge)
    wait_until_live(recipient)
    expect(chat_badge).to_have_text("1")
    assert_in_sight(recipient, chat_badge)

    # Each leads to its page.
    chat.click()
    expect(recipient).to_have_url(re.compile(r"/messagerie/$"))
    bell.click()
    expect(recipient).to_have_url(re.compile(r"/notifications/$"))
    assert recipient_problems == []
