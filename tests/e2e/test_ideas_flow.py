"""The idea box in real browsers, in the demo's « Politique de l'eau en Bretagne »
(ideas/demo.py):

- Erwan Kerjean (agent@demo.gouv.fr) proposes an idea — the demo's close idea shows up while he
  types its title; Pierre Bernard (agent31@demo.gouv.fr), in another browser, supports it and the
  count changes without a reload; Nathalie Moreau (animateur@demo.gouv.fr) moves it to « À
  l'étude » then « Retenue » with an answer; Erwan and Pierre each have the notification;
- a duplicate, supported by Pierre and François Garcia (agent28@demo.gouv.fr), is merged into
  it: its address leads to the first idea, which counts Pierre once;
- Erwan, invited but not a member of the private « Innov@teurs Bourgogne-Franche-Comté », gets
  404 on the idea Nathalie proposed there;
- Erwan reaches « Améliorer Maillage » from the site's navigation, proposes an idea there, and
  Camille Lefèvre (admin@demo.gouv.fr), an administrator, answers it;
- axe-core finds no serious or critical violation on the box, the roadmap, an idea and the
  submit form.

This module runs its own platform (as the forums' test does), so that the accounts it signs in
with change nothing another browser test sees, and it can run the notifications' fan-out
(``db_worker --batch``) when it wants them made. Every wait is on what the page signals.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.accounts import sign_in
from tests.e2e.axe import assert_accessible
from tests.e2e.pages import goto_ready, htmx_swap, wait_until_ready
from tests.e2e.platforms import demo_platform, platform_page

pytestmark = pytest.mark.e2e

ADMIN = ("admin@demo.gouv.fr", "Camille", "Camille Lefèvre")
ANIMATOR = ("animateur@demo.gouv.fr", "Nathalie", "Nathalie Moreau")
AGENT = ("agent@demo.gouv.fr", "Erwan", "Erwan Kerjean")
SUPPORTER = ("agent31@demo.gouv.fr", "Pierre", "Pierre Bernard")
SECOND = ("agent28@demo.gouv.fr", "François", "François Garcia")
BOX = "/communautes/politique-de-l-eau-en-bretagne/idees/"
PRIVATE_BOX = "/communautes/innovateurs-bourgogne-franche-comte/idees/"
PLATFORM_BOX = "/communautes/ameliorer-maillage/idees/"
TITLE = "Un modèle partagé de rapport de contrôle"


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    yield from demo_platform(tmp_path_factory, "ideas")


author = platform_page("author")
supporter = platform_page("supporter")
third = platform_page("third")
animator = platform_page("animator")


def propose(page, box, title, body):
    """Propose an idea in ``box`` through its form; the idea's page is shown. Its address."""
    goto_ready(page, box + "proposer/")
    page.get_by_label("Titre de l'idée").fill(title)
    page.get_by_label("Description").fill(body)
    page.get_by_role("button", name="Proposer l'idée").click()
    expect(page.get_by_test_id("idea-title")).to_have_text(title)
    wait_until_ready(page)
    return page.url.split("?")[0].split("#")[0]


def support(page, url):
    """Support the idea at ``url`` with htmx; the count changes without a reload."""
    goto_ready(page, url)
    page.evaluate("window.__sameDocument = true")
    before = int(page.get_by_test_id("idea-support-count").inner_text())
    page.get_by_test_id("idea-support-button").click()
    expect(page.get_by_test_id("idea-support-count")).to_have_text(str(before + 1))
    expect(page.get_by_test_id("idea-unsupport")).to_be_visible()
    assert page.evaluate("window.__sameDocument") is True, "the page was reloaded"


# The statuses' values in the status form (its options say the move: « Mettre à l'étude »…).
STATUS = {"À l'étude": "studying", "Retenue": "adopted"}


def set_status(page, url, label, answer=""):
    """Move the idea at ``url`` to the status ``label`` (with ``answer``); the history says so."""
    goto_ready(page, url)
    form = page.get_by_test_id("idea-status-form")
    form.get_by_label("Nouveau statut").select_option(value=STATUS[label])
    if answer:
        form.get_by_label("Réponse publique").fill(answer)
    form.get_by_role("button", name="Enregistrer le statut").click()
    expect(page.get_by_test_id("idea-history")).to_contain_text(label)
    wait_until_ready(page)


def test_an_idea_proposed_supported_answered_and_its_people_notified(
    platform, author, supporter, animator
):
    """Erwan's idea (the close demo idea shown while typing), Pierre's support without a
    reload, Nathalie's « À l'étude » then « Retenue » with an answer, and both notified."""
    sign_in(author, AGENT)
    url = propose(
        author, BOX, TITLE, "Un rapport commun aux quatre départements, rempli sur le terrain."
    )
    # The similar ideas: typing the title of a demo idea shows it.
    goto_ready(author, BOX + "proposer/")
    with htmx_swap(author, title="Un modèle partagé d'arrêté"):
        author.get_by_label("Titre de l'idée").press_sequentially("Un modèle partagé d'arrêté")
    expect(author.get_by_test_id("idea-similar")).to_contain_text(
        "Un modèle partagé d'arrêté sécheresse"
    )

    sign_in(supporter, SUPPORTER)
    support(supporter, url)

    sign_in(animator, ANIMATOR)
    set_status(animator, url, "À l'étude")
    set_status(animator, url, "Retenue", "Retenue : le modèle sera prêt pour le comité de juin.")
    expect(animator.get_by_test_id("idea-answer")).to_contain_text("comité de juin")

    platform.run_tasks()
    for page in (author, supporter):
        goto_ready(page, "/notifications/")
        expect(
            page.locator("main").get_by_role(
                "link",
                name=re.compile(rf"L'idée « {re.escape(TITLE)} » est maintenant « Retenue »"),
            )
        ).to_be_visible()


def test_a_duplicate_merged_counts_its_supporters_once(
    platform, author, supporter, third, animator
):
    """A duplicate supported by Pierre and François is merged into Erwan's first idea: its
    address leads there, and the first idea counts Pierre once (2 supports, not 3)."""
    sign_in(author, AGENT)
    first = propose(author, BOX, "Des fiches réflexes pour les astreintes", "Une page par cas.")
    duplicate = propose(author, BOX, "Fiches réflexes d'astreinte", "Le même besoin.")
    sign_in(supporter, SUPPORTER)
    support(supporter, first)
    support(supporter, duplicate)
    sign_in(third, SECOND)
    support(third, duplicate)

    sign_in(animator, ANIMATOR)
    goto_ready(animator, duplicate)
    animator.get_by_test_id("idea-merge-link").click()
    wait_until_ready(animator)
    search = animator.get_by_test_id("idea-merge-search")
    search.get_by_label("Chercher l'idée cible par son titre").fill("astreintes")
    search.get_by_role("button", name="Chercher").click()
    wait_until_ready(animator)
    merge = animator.get_by_test_id("idea-merge-form")
    merge.get_by_text("Des fiches réflexes pour les astreintes").click()
    merge.get_by_role("button", name="Fusionner").click()
    expect(animator.get_by_test_id("idea-title")).to_have_text(
        "Des fiches réflexes pour les astreintes"
    )
    expect(animator.get_by_test_id("idea-support-count")).to_have_text("2")
    goto_ready(author, duplicate)
    expect(author).to_have_url(re.compile(re.escape(first)))


def test_an_outsider_gets_404_on_a_private_communitys_idea(platform, author, animator):
    """Nathalie's idea in the private community answers 404 to Erwan, who is only invited."""
    sign_in(animator, ANIMATOR)
    url = propose(animator, PRIVATE_BOX, "Un hackathon interservices", "Deux jours en mai.")
    sign_in(author, AGENT)
    response = author.goto(url)
    assert response.status == 404
    expect(author.locator("main")).not_to_contain_text("hackathon")


def test_the_platform_box_from_the_navigation_answered_by_an_administrator(
    platform, author, animator
):
    """Erwan follows « Améliorer Maillage » in the navigation, proposes an idea (joining its
    community), and Camille, an administrator, answers it."""
    sign_in(author, AGENT)
    author.get_by_role("link", name="Améliorer Maillage").first.click()
    wait_until_ready(author)
    expect(author).to_have_url(re.compile(re.escape(PLATFORM_BOX) + "$"))
    url = propose(
        author, PLATFORM_BOX, "Épingler une conversation", "Garder une discussion en haut."
    )
    sign_in(animator, ADMIN)
    set_status(animator, url, "À l'étude", "Nous regardons comment l'afficher dans la messagerie.")
    goto_ready(author, url)
    expect(author.get_by_test_id("idea-answer")).to_contain_text("dans la messagerie")


def test_the_idea_box_pages_are_accessible(platform, author):
    """axe-core: no serious or critical violation on the box, the roadmap, an idea (with its
    comments) and the submit form."""
    sign_in(author, AGENT)
    goto_ready(author, BOX)
    assert_accessible(author, where="idea box")
    goto_ready(author, BOX + "feuille-de-route/")
    assert_accessible(author, where="roadmap")
    goto_ready(author, BOX)
    author.locator("main").get_by_role(
        "link", name="Un modèle partagé d'arrêté sécheresse"
    ).first.click()
    wait_until_ready(author)
    expect(author.get_by_test_id("idea-comments")).to_be_visible()
    assert_accessible(author, where="idea")
    goto_ready(author, BOX + "proposer/")
    assert_accessible(author, where="submit form")
