"""The forums in real browsers, in the demo's « Politique de l'eau en Bretagne » (forums/demo.py):

- Erwan Kerjean (agent@demo.gouv.fr) asks a question in the help forum « Entraide
  réglementaire »; Nathalie Moreau (animateur@demo.gouv.fr), in another browser, answers it, and
  the answer appears on Erwan's page without a reload (static/js/forum-live.js); Erwan marks it
  as the solution; Camille Lefèvre (admin@demo.gouv.fr), who follows the category, has a
  notification of the new topic;
- Nathalie merges a duplicate into the demo's question and moves that question to another
  category;
- axe-core finds no serious or critical violation on the forum's home, a category and a topic.

The fan-out of the notifications is a background task: this module runs its own platform (as
the package's shared server, plus the database it can run the worker on, ``db_worker --batch``,
when the test wants the queued notifications made). Every wait is on what the page signals.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.accounts import sign_in
from tests.e2e.axe import assert_accessible
from tests.e2e.pages import goto_ready, wait_until_live, wait_until_ready
from tests.e2e.platforms import demo_platform, platform_page

pytestmark = pytest.mark.e2e

ADMIN = ("admin@demo.gouv.fr", "Camille", "Camille Lefèvre")
ANIMATOR = ("animateur@demo.gouv.fr", "Nathalie", "Nathalie Moreau")
AGENT = ("agent@demo.gouv.fr", "Erwan", "Erwan Kerjean")
FORUM = "/communautes/politique-de-l-eau-en-bretagne/forum/"
HELP = "Entraide réglementaire"
DEMO_QUESTION = "Forage agricole : déclaration ou autorisation ?"


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    yield from demo_platform(tmp_path_factory, "forum")


asker = platform_page("asker")
helper = platform_page("helper")
follower = platform_page("follower")


def watch(page):
    """The page's console errors and uncaught exceptions (a CSP violation is one)."""
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def open_category(page, name):
    goto_ready(page, FORUM)
    page.locator("main").get_by_role("link", name=name, exact=True).first.click()
    expect(page.get_by_role("heading", level=2).filter(has_text=name).first).to_be_visible()
    wait_until_ready(page)


def test_a_question_answered_live_solved_and_its_category_followers_notified(
    platform, asker, helper, follower
):
    """Erwan's question gets Nathalie's answer live, Erwan marks it solved, and Camille, who
    follows the category, is notified of the new topic."""
    problems = watch(asker)
    sign_in(follower, ADMIN)
    open_category(follower, HELP)
    follower.get_by_test_id("category-follow").click()
    expect(follower.get_by_test_id("category-follow")).to_have_attribute("aria-pressed", "true")

    sign_in(asker, AGENT)
    open_category(asker, HELP)
    asker.get_by_test_id("topic-new").click()
    wait_until_ready(asker)
    asker.get_by_label("Titre du sujet").fill("Station d'épuration : qui contrôle le rejet ?")
    asker.get_by_label("Message").fill(
        "Le rejet d'une station de 2 000 EH relève-t-il de la DDTM ?"
    )
    asker.get_by_role("button", name="Publier le sujet").click()
    expect(asker.get_by_test_id("topic-title")).to_have_text(
        "Station d'épuration : qui contrôle le rejet ?"
    )
    wait_until_live(asker)
    topic = asker.get_by_test_id("forum-topic-page")
    expect(topic).to_have_attribute("data-forum-live", "open")
    asker.evaluate("window.__sameDocument = true")

    sign_in(helper, ANIMATOR)
    goto_ready(helper, asker.url)
    helper.get_by_label("Votre réponse").fill("Oui : c'est le service police de l'eau de la DDTM.")
    helper.get_by_role("button", name="Publier la réponse").click()
    expect(
        helper.get_by_test_id("forum-post").filter(has_text="service police de l'eau")
    ).to_be_visible()

    answer = asker.get_by_test_id("forum-post").filter(has_text="service police de l'eau")
    expect(answer).to_be_visible()
    expect(asker.get_by_test_id("forum-live-status")).to_have_text("1 nouvelle réponse.")
    assert asker.evaluate("window.__sameDocument") is True, "the page was reloaded"
    answer.get_by_test_id("mark-solution").click()
    expect(asker.get_by_test_id("topic-solved")).to_have_text("Résolu")
    expect(asker.get_by_test_id("solution-box")).to_contain_text("service police de l'eau")
    assert problems == []

    platform.run_tasks()
    goto_ready(follower, "/notifications/")
    expect(
        follower.locator("main").get_by_role(
            "link", name="Nouveau sujet dans « Entraide réglementaire » : Station d'épuration"
        )
    ).to_be_visible()


def test_an_animator_merges_a_duplicate_and_moves_a_topic(platform, helper):
    """Nathalie merges a duplicate into the demo's question (its post follows the question's
    replies, its address leads there), then moves the question to « Questions diverses »."""
    sign_in(helper, ANIMATOR)
    open_category(helper, HELP)
    helper.get_by_test_id("topic-new").click()
    wait_until_ready(helper)
    helper.get_by_label("Titre du sujet").fill("Forage agricole (doublon)")
    helper.get_by_label("Message").fill("Même question que le forage : déclaration ?")
    helper.get_by_role("button", name="Publier le sujet").click()
    expect(helper.get_by_test_id("topic-title")).to_have_text("Forage agricole (doublon)")
    duplicate_url = helper.url

    helper.get_by_test_id("topic-merge").click()
    wait_until_ready(helper)
    helper.get_by_label("Fusionner dans le sujet").select_option(label=f"{DEMO_QUESTION} ({HELP})")
    helper.get_by_role("button", name="Fusionner").click()
    expect(helper.get_by_test_id("topic-title")).to_have_text(DEMO_QUESTION)
    target_url = helper.url.split("?")[0].split("#")[0]
    goto_ready(helper, duplicate_url)
    expect(helper).to_have_url(re.compile(re.escape(target_url)))
    expect(
        helper.get_by_test_id("forum-post").filter(has_text="Même question que le forage")
    ).to_be_visible()

    helper.get_by_test_id("topic-move").first.click()
    wait_until_ready(helper)
    helper.get_by_label("Nouvelle catégorie").select_option(label="Questions diverses")
    helper.get_by_role("button", name="Déplacer le sujet").click()
    expect(helper.get_by_test_id("topic-title")).to_have_text(DEMO_QUESTION)
    expect(helper.locator(".fr-breadcrumb")).to_contain_text("Questions diverses")


def test_the_forum_pages_are_accessible(platform, asker):
    """axe-core: no serious or critical violation on the forum's home, a category and a topic
    (with the animators' buttons and the live notice in place)."""
    sign_in(asker, ANIMATOR)
    goto_ready(asker, FORUM)
    assert_accessible(asker, where="forum home")
    open_category(asker, HELP)
    assert_accessible(asker, where="category")
    asker.get_by_role("link", name="Arrêté sécheresse : quel délai de publication ?").first.click()
    wait_until_ready(asker)
    wait_until_live(asker)
    expect(asker.get_by_test_id("forum-topic-page")).to_have_attribute("data-forum-live", "open")
    assert_accessible(asker, where="topic")
