"""The editorial pages staff edit in Wagtail (/cms-admin/): the home page's blocks, the legal
pages every visitor may read, and a back-office in French."""

import re
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Task, Workflow

from cms.blocks import validate_link
from cms.models import HomePage, LegalPage
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db

LEGAL_PAGES = {
    "/mentions-legales/": "Mentions légales",
    "/donnees-personnelles/": "Données personnelles",
    "/accessibilite/": "Déclaration d'accessibilité",
}
# Tools the platform does not have (yet): the visitors' home page promises none of them.
MISSING_TOOLS = [
    "wiki",
    "forum",
    "appel à projets",
    "appels à projets",
    "boîte à idées",
    "pilotage",
]


def text(response):
    return unescape(response.content.decode())


def visible_text(response):
    """The page's text without its tags, lower-cased."""
    return re.sub(r"<[^>]+>", " ", text(response)).lower()


def main(response):
    html = text(response)
    return html[html.index('id="content"') : html.index('id="footer"')]


# --- Home page ----------------------------------------------------------------------------------


def test_the_default_home_content_describes_what_exists(client):
    """The home page the migrations fill tells visitors about what the platform does today:
    communities with their charter, announcements and comments, the directory and « Qui
    rencontrer ? », the messaging, the notifications; no wiki, forum or calls for projects."""
    response = client.get("/")
    assert response.status_code == 200
    content = main(response)
    for promise in (
        "Pourquoi Maillage ?",
        "Des communautés professionnelles",
        "charte",
        "annonces et les commentent",
        "Un annuaire des agents",
        "« Qui rencontrer ? »",
        "Une messagerie",
        "notifications",
    ):
        assert promise in content, promise
    page = visible_text(response)
    for tool in MISSING_TOOLS:
        assert tool not in page, tool
    # DSFR cards.
    assert content.count('class="fr-card fr-card--no-arrow"') == 3
    assert '<h3 class="fr-card__title">Un annuaire des agents</h3>' in content


def test_editing_the_home_page_blocks_changes_the_rendered_page(client):
    """The visitors' content is the page's StreamField: what staff publish is what shows."""
    home = HomePage.objects.get()
    home.body = [
        ("heading", "Une plateforme en construction"),
        ("text", "<p>Rejoignez les <b>premières communautés</b>.</p>"),
        (
            "cards",
            {
                "title": "",
                "cards": [
                    {
                        "title": "L'annuaire",
                        "text": "Qui fait quoi.",
                        "page": None,
                        "url": "/annuaire/",
                    }
                ],
            },
        ),
        (
            "callout",
            {
                "title": "Besoin d'aide ?",
                "text": "Écrivez-nous.",
                "page": None,
                "url": "",
                "link_label": "",
            },
        ),
    ]
    home.save_revision().publish()

    content = main(client.get("/"))
    assert '<h2 class="fr-mt-4w">Une plateforme en construction</h2>' in content
    assert "<b>premières communautés</b>" in content
    # A card with a link is a whole clickable DSFR card; without a row title it is an h2.
    assert 'class="fr-card fr-enlarge-link"' in content
    assert '<h2 class="fr-card__title"><a href="/annuaire/">L\'annuaire</a></h2>' in content
    assert '<h2 class="fr-callout__title">Besoin d\'aide ?</h2>' in content
    # The former default content is gone.
    assert "Pourquoi Maillage ?" not in content
    assert "Des communautés professionnelles" not in content


def test_a_block_escapes_what_staff_type(client):
    """Plain-text block fields are escaped."""
    home = HomePage.objects.get()
    home.body = [("heading", "<script>alert(1)</script>")]
    home.save_revision().publish()
    html = client.get("/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("value", ["/annuaire/", "https://www.info.gouv.fr/", ""])
def test_a_link_of_a_block_may_be_of_the_site_or_the_web(value):
    validate_link(value)


@pytest.mark.parametrize(
    "value", ["javascript:alert(1)", "//evil.example/", "annuaire", "ftp://x", "https://"]
)
def test_a_link_of_a_block_is_refused_otherwise(value):
    with pytest.raises(ValidationError):
        validate_link(value)


def test_the_agents_dashboard_does_not_show_the_visitors_blocks(client):
    """The agent's dashboard keeps its registered blocks, not the presentation."""
    client.force_login(AgentFactory(first_name="Anne"))
    response = client.get("/")
    assert "Bonjour Anne" in text(response)
    assert "Des communautés professionnelles" not in text(response)


def test_the_home_page_edit_screen_opens_in_french(client):
    """The back-office's edit screen of the home page shows the blocks, in French, with the
    moderation workflow named in French."""
    client.force_login(AgentFactory(is_superuser=True))
    home = HomePage.objects.get()
    response = client.get(f"/cms-admin/pages/{home.pk}/edit/")
    assert response.status_code == 200
    html = text(response)
    assert "Un annuaire des agents" in html  # the blocks' data (JSON) of the StreamField
    assert "présentation (visiteurs)" in html.lower()
    assert "Enregistrer le brouillon" in html
    assert "Soumettre à Validation par la modération" in html
    assert "Moderators approval" not in html
    assert "Save draft" not in html


# --- Wagtail in French ----------------------------------------------------------------------------


def test_the_default_workflow_and_task_have_french_names():
    """Wagtail's migrations name them « Moderators approval »; ours rename them."""
    assert list(Workflow.objects.values_list("name", flat=True)) == ["Validation par la modération"]
    assert list(Task.objects.values_list("name", flat=True)) == ["Validation par la modération"]


def test_the_back_office_speaks_french_only(client, settings):
    """Wagtail's admin is in French, and offers no other language in the account settings."""
    client.force_login(AgentFactory(is_superuser=True))
    html = text(client.get("/cms-admin/"))
    assert "Tableau de bord" in html
    account = text(client.get("/cms-admin/account/"))
    assert 'name="locale-preferred_language"' not in account


# --- Legal pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "title"), LEGAL_PAGES.items())
def test_a_visitor_reads_each_legal_page(client, path, title):
    """Each legal page answers anonymous visitors, with its title, in the site's layout."""
    response = client.get(path)
    assert response.status_code == 200
    html = text(response)
    assert f"<h1>{title}</h1>" in html
    assert f"<title>{title} — Maillage</title>" in html
    assert 'id="footer"' in html


def test_the_footer_links_to_the_legal_pages_and_they_open(client):
    """The DSFR footer's bottom links lead to the three pages, readable without signing in
    (« Données personnelles » no longer leads to the sign-in page)."""
    html = text(client.get("/"))
    footer = html[html.index('id="footer"') :]
    links = {
        label: href
        for href, label in re.findall(
            r'<a class="fr-footer__bottom-link" href="([^"]+)">([^<]+)</a>', footer
        )
    }
    assert links == {
        "Accessibilité : non conforme": "/accessibilite/",
        "Mentions légales": "/mentions-legales/",
        "Données personnelles": "/donnees-personnelles/",
    }
    for href in links.values():
        response = client.get(href)
        assert response.status_code == 200, href
        assert LEGAL_PAGES[href] in text(response)


def test_the_privacy_notice_says_what_is_kept_and_how_to_exercise_ones_rights(client):
    content = main(client.get("/donnees-personnelles/"))
    for words in (
        "Votre profil",
        "vos contributions",
        "vos messages",
        "vos notifications",
        "Pourquoi",
        "Combien de temps",
        "Vos droits",
        'href="/compte/"',
        "Télécharger mes données",
        "Fermer mon compte",
        "ancien agent",
        "CNIL",
    ):
        assert words in content, words


def test_the_accessibility_statement_says_non_compliant_and_how_to_report(client):
    content = main(client.get("/accessibilite/"))
    assert "<b>non conforme</b>" in content
    assert "aucun audit" in content
    assert "Signaler un problème" in content
    assert "Défenseur des droits" in content


def test_editing_a_legal_page_changes_it(client):
    page = LegalPage.objects.get(slug="mentions-legales")
    page.body = [("text", "<p>Édité par la préfecture de région.</p>")]
    page.save_revision().publish()
    assert "Édité par la préfecture de région." in text(client.get("/mentions-legales/"))
