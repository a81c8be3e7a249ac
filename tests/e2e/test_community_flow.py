"""Communities in a real browser: asking to join, being accepted, the charter, a comment; the 404
of a secret community; the list's filters through htmx.

The demo data is shared by every browser test of the package (one server), so each test uses
its own demo accounts and writes nothing another test reads:

- agent05@demo.gouv.fr (Laurent Bernard) has no membership in « Contrôleurs sécurité alimentaire
  Occitanie » (on request, animated by animateur@demo.gouv.fr) until the first test asks to join;
- agent02@demo.gouv.fr (Céline Dupont) belongs to no community: she only reads.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.accounts import sign_in
from tests.e2e.pages import (
    fill_and_wait_for_swap,
    goto_ready,
    htmx_swap,
    type_and_wait_for_swap,
    wait_until_ready,
)

pytestmark = pytest.mark.e2e


AGENT = ("agent05@demo.gouv.fr", "Laurent", "Laurent Bernard")
ANIMATOR = ("animateur@demo.gouv.fr", "Nathalie", "Nathalie Moreau")
READER = ("agent02@demo.gouv.fr", "Céline", "Céline Dupont")

COMMUNITY = "Contrôleurs sécurité alimentaire Occitanie"
COMMUNITY_URL = "/communautes/controleurs-securite-alimentaire-occitanie/"
ANNOUNCEMENT = "Grille commune de suites des contrôles en restauration collective"
SECRET_COMMUNITY_URL = "/communautes/cellule-de-crise-bretagne/"

# The 404 page: templates/404.html's « Page introuvable ». The server runs the dev settings, as
# `make run` does, and they show Django's debug pages to nobody (DJANGO_DEBUG is unset).
NOT_FOUND_HEADING = re.compile(r"^Page introuvable$")

ALL_LISTED = [
    # The community of the 2016 call's laureate, created from its dossier (calls/demo.py).
    "ADS-BZH – Réseau des instructeurs du droit des sols de Bretagne",
    # The platform's idea box is an open community the demo creates (ideas/demo.py).
    "Améliorer Maillage",
    "Contrôleurs sécurité alimentaire Occitanie",
    "Covoiturage des agents LRMP",
    "Emploi et insertion en Bourgogne-Franche-Comté",
    "Gestionnaires des fonds européens",
    "Innov@teurs Bourgogne-Franche-Comté",
    "Instructeurs droit des sols d'Ille-et-Vilaine",
    "Politique de l'eau en Bretagne",
    "Politique de la ville en Occitanie",
    "Référents risques naturels du Lot",
    "Télétravail et nomadisme",
    "Vie de la cité administrative de Rennes",
]
IN_OCCITANIE = [
    "Contrôleurs sécurité alimentaire Occitanie",
    "Covoiturage des agents LRMP",
    "Politique de la ville en Occitanie",
    "Référents risques naturels du Lot",
]


def fail_on_dialogs(page):
    """Record (and dismiss) every JavaScript dialog the page opens; the list must stay empty."""
    opened = []

    def record(dialog):
        opened.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", record)
    return opened


def community_menu(page):
    return page.get_by_role("navigation", name="Dans cette communauté")


def success_alert(page):
    return page.locator(".fr-alert--success")


def card_names(page):
    return page.get_by_test_id("community-card").locator(".fr-card__title")


def test_agent_joins_on_request_community_accepts_charter_and_comments(
    web_page, second_page, maillage_server
):
    """An agent asks to join, the animator accepts, the agent accepts the charter and comments."""
    agent, animator = web_page, second_page
    dialogs = fail_on_dialogs(agent)
    animator_dialogs = fail_on_dialogs(animator)
    agent_name, animator_name = AGENT[2], ANIMATOR[2]
    request_message = (
        "Chargé de mission à la DIRECCTE Bretagne, je souhaite comparer nos suites de contrôles "
        "avec celles de l'Occitanie."
    )
    comment_intro = "Merci pour la grille : nous la diffusons en Bretagne dès lundi."
    script = "<script>alert(1)</script>"
    comment_body = f"{comment_intro} {script}\n\nÀ ne pas recopier tel quel : `{script}`"

    # The agent signs in and opens the communities from the header navigation.
    sign_in(agent, AGENT, maillage_server)
    agent.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Communautés", exact=True
    ).click()
    expect(agent).to_have_url(f"{maillage_server}/communautes/")
    expect(agent.get_by_role("heading", level=1)).to_have_text("Communautés")
    wait_until_ready(agent)

    # They search for the community: the list narrows down to it, without a membership badge.
    filters = agent.get_by_test_id("community-filters")
    search = filters.get_by_label("Rechercher", exact=True)
    fill_and_wait_for_swap(agent, search, "sécurité alimentaire", name="q")
    expect(agent.get_by_test_id("community-count")).to_have_text(
        "1 communauté correspond à votre recherche"
    )
    expect(card_names(agent)).to_have_text([COMMUNITY])
    card = agent.get_by_test_id("community-card")
    expect(card.locator(".fr-badge", has_text="Sur demande")).to_be_visible()
    expect(card.get_by_test_id("viewer-state")).to_have_count(0)

    # They open it: the content is for members; they ask to join, with a message.
    card.get_by_role("link", name=COMMUNITY).click()
    expect(agent).to_have_url(f"{maillage_server}{COMMUNITY_URL}")
    expect(agent.get_by_role("heading", level=1)).to_have_text(COMMUNITY)
    expect(agent.get_by_test_id("members-only")).to_contain_text("Contenu réservé aux membres")
    actions = agent.get_by_test_id("membership-actions")
    actions.get_by_role("link", name="Demander à rejoindre").click()
    expect(agent).to_have_url(f"{maillage_server}{COMMUNITY_URL}demander/")
    expect(agent.get_by_role("heading", name="Demander à rejoindre la communauté")).to_be_visible()
    agent.get_by_label("Votre message à l'animation").fill(request_message)
    agent.get_by_role("button", name="Envoyer ma demande").click()

    # Back on the community: the request is pending, the content still closed.
    expect(agent).to_have_url(f"{maillage_server}{COMMUNITY_URL}")
    expect(success_alert(agent)).to_have_text(
        "Votre demande a été envoyée à l'animation de la communauté."
    )
    expect(actions.get_by_text("Demande en attente", exact=True)).to_be_visible()
    expect(actions.get_by_role("button", name="Annuler ma demande")).to_be_visible()
    expect(actions.get_by_role("link", name="Demander à rejoindre")).to_have_count(0)
    expect(agent.get_by_test_id("members-only")).to_be_visible()

    # The animator, in another browser, opens the community's members page.
    sign_in(animator, ANIMATOR, maillage_server)
    animator.goto(COMMUNITY_URL)
    expect(animator.get_by_test_id("membership-actions")).to_contain_text(
        "Vous animez cette communauté"
    )
    community_menu(animator).get_by_role("link", name="Membres", exact=True).click()
    expect(animator).to_have_url(f"{maillage_server}{COMMUNITY_URL}membres/")

    # The request is there, with the agent's message; the animator accepts it.
    request_row = animator.get_by_test_id("request-row").filter(has_text=agent_name)
    expect(request_row).to_have_count(1)
    expect(request_row.locator("blockquote")).to_have_text(request_message)
    request_row.get_by_role("button", name="Accepter").click()
    expect(animator).to_have_url(f"{maillage_server}{COMMUNITY_URL}membres/")
    expect(success_alert(animator)).to_have_text(f"{agent_name} a rejoint la communauté.")
    expect(animator.get_by_test_id("request-row").filter(has_text=agent_name)).to_have_count(0)
    member_row = animator.get_by_test_id("member-row").filter(has_text=agent_name)
    expect(member_row).to_contain_text("Non acceptée")

    # The animator opens the announcement: no comment of the agent yet.
    community_menu(animator).get_by_role("link", name="Blog", exact=True).click()
    animator.get_by_test_id("announcements").get_by_role("link", name=ANNOUNCEMENT).click()
    expect(animator.get_by_role("heading", level=2, name=ANNOUNCEMENT)).to_be_visible()
    expect(animator.get_by_test_id("comment").filter(has_text=agent_name)).to_have_count(0)

    # The agent reloads the community: a member now, asked to accept the charter first.
    agent.reload()
    expect(actions.get_by_text("Vous êtes membre", exact=True)).to_be_visible()
    expect(actions.get_by_text("Demande en attente")).to_have_count(0)
    expect(agent.get_by_test_id("members-only")).to_have_count(0)
    expect(agent.get_by_test_id("home-announcements")).to_contain_text(ANNOUNCEMENT)
    banner = agent.get_by_test_id("charter-banner")
    expect(banner.get_by_role("heading")).to_have_text("Acceptez la charte pour contribuer")

    # They read the charter, tick the acceptance and accept.
    banner.get_by_role("link", name="Lire la charte").click()
    expect(agent).to_have_url(f"{maillage_server}{COMMUNITY_URL}charte/")
    expect(agent.get_by_test_id("charter-version")).to_contain_text("En vigueur")
    expect(agent.get_by_test_id("charter-text")).to_contain_text("je m'engage")
    accept = agent.get_by_test_id("charter-accept")
    # The DSFR draws the checkbox on its label, which takes the click, as for a person.
    accept.locator("label", has_text="J'ai lu la charte et je m'engage à la respecter").click()
    expect(accept.get_by_label("J'ai lu la charte et je m'engage à la respecter")).to_be_checked()
    accept.get_by_role("button", name="Accepter la charte").click()
    expect(agent).to_have_url(f"{maillage_server}{COMMUNITY_URL}")
    expect(success_alert(agent)).to_contain_text("Merci : vous avez accepté la charte")
    expect(agent.get_by_test_id("charter-banner")).to_have_count(0)

    # They open the announcements, then the announcement, and comment.
    community_menu(agent).get_by_role("link", name="Blog", exact=True).click()
    expect(agent).to_have_url(f"{maillage_server}{COMMUNITY_URL}annonces/")
    agent.get_by_test_id("announcements").get_by_role("link", name=ANNOUNCEMENT).click()
    expect(agent).to_have_url(re.compile(rf"{re.escape(COMMUNITY_URL)}annonces/\d+/$"))
    announcement_url = agent.url
    article = agent.get_by_test_id("announcement")
    expect(article.get_by_role("heading", level=2)).to_have_text(ANNOUNCEMENT)
    expect(article).to_contain_text(f"Par {animator_name}")
    expect(agent.get_by_test_id("accept-charter-to-comment")).to_have_count(0)
    comment_form = agent.get_by_test_id("comment-form")
    comment_form.get_by_label("Votre commentaire").fill(comment_body)
    comment_form.get_by_role("button", name="Publier le commentaire").click()

    # The comment is on the page, as text: the script neither ran nor reached the page.
    expect(agent).to_have_url(re.compile(rf"{re.escape(announcement_url)}#commentaire-\d+$"))
    expect(success_alert(agent)).to_have_text("Votre commentaire est publié.")
    comment = agent.get_by_test_id("comment").filter(has_text=comment_intro)
    expect(comment).to_have_count(1)
    expect(comment).to_contain_text(agent_name)
    expect(comment.locator("code")).to_have_text(script)
    expect(comment.locator("script")).to_have_count(0)
    expect(agent.locator("#commentaires script")).to_have_count(0)
    assert dialogs == []

    # The animator reloads the announcement and reads the agent's comment.
    animator.reload()
    comment = animator.get_by_test_id("comment").filter(has_text=agent_name)
    expect(comment).to_have_count(1)
    expect(comment).to_contain_text(comment_intro)
    expect(comment.locator("code")).to_have_text(script)
    expect(comment.locator("script")).to_have_count(0)
    assert animator_dialogs == []
    assert dialogs == []


def test_secret_community_is_not_found_for_an_outsider(web_page, maillage_server):
    """A secret community's address answers the 404 page to an agent who is not a member."""
    page = web_page
    sign_in(page, READER, maillage_server)

    response = page.goto(SECRET_COMMUNITY_URL)
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text(NOT_FOUND_HEADING)
    expect(page.locator("body")).not_to_contain_text("Cellule de crise Bretagne")
    # Not Django's debug page, which lists every route of the platform.
    expect(page.locator("body")).not_to_contain_text("URLconf")

    # What a community that does not exist answers too.
    response = page.goto("/communautes/cette-communaute-n-existe-pas/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text(NOT_FOUND_HEADING)

    # Nor does the list show it.
    page.goto("/communautes/")
    expect(card_names(page)).to_have_text(ALL_LISTED)


def test_community_list_filters_through_htmx_without_reload(web_page, maillage_server):
    """Typing a search or picking a region updates the results and the address, with no reload."""
    page = web_page
    sign_in(page, READER, maillage_server)
    goto_ready(page, "/communautes/")
    count = page.get_by_test_id("community-count")
    expect(count).to_have_text(f"{len(ALL_LISTED)} communautés")
    expect(card_names(page)).to_have_text(ALL_LISTED)
    # A full page load would wipe this mark off the window.
    page.evaluate("window.__sameDocument = true")
    filters = page.get_by_test_id("community-filters")
    search = filters.get_by_label("Rechercher", exact=True)

    # Typing in the search box: after the short delay, only the matching community.
    type_and_wait_for_swap(page, search, "covoiturage", name="q")
    expect(count).to_have_text("1 communauté correspond à votre recherche")
    expect(card_names(page)).to_have_text(["Covoiturage des agents LRMP"])
    expect(page).to_have_url(f"{maillage_server}/communautes/?q=covoiturage")
    assert "q=covoiturage" in page.url

    # Emptying it brings the whole list back, and the address loses the filter.
    fill_and_wait_for_swap(page, search, "", name="q")
    expect(count).to_have_text(f"{len(ALL_LISTED)} communautés")
    expect(page).to_have_url(f"{maillage_server}/communautes/")

    # Picking a region: the communities of Occitanie, its departments' included.
    with htmx_swap(page, region="76"):
        filters.get_by_label("Région").select_option(label="Occitanie")
    expect(count).to_have_text(f"{len(IN_OCCITANIE)} communautés correspondent à votre recherche")
    expect(card_names(page)).to_have_text(IN_OCCITANIE)
    expect(page).to_have_url(f"{maillage_server}/communautes/?region=76")
    assert "region=76" in page.url

    # Both filters at once.
    with htmx_swap(page, q="sécurité", region="76"):
        search.fill("sécurité")
    expect(card_names(page)).to_have_text(["Contrôleurs sécurité alimentaire Occitanie"])
    expect(page).to_have_url(re.compile(r"/communautes/\?.*region=76"))
    expect(page).to_have_url(re.compile(r"/communautes/\?.*q=s%C3%A9curit%C3%A9"))

    assert page.evaluate("window.__sameDocument") is True, "the page was reloaded"

    # The address is shareable: opened afresh, it shows the same filtered results.
    page.goto(page.url)
    assert page.evaluate("window.__sameDocument") is None
    expect(card_names(page)).to_have_text(["Contrôleurs sécurité alimentaire Occitanie"])
    expect(filters.get_by_label("Région")).to_have_value("76")
    expect(search).to_have_value("sécurité")
