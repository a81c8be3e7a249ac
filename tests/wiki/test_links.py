"""``[[Titre]]`` links: parsed on save into link rows, resolved by normalised title, missing
pages marked and creatable, resolved when the page is created, backlinks listed."""

import pytest

from tests.wiki.helpers import wiki_world
from wiki import markup, selectors, services
from wiki.models import PageLink

pytestmark = pytest.mark.django_db


def test_links_are_parsed_once_each_outside_code():
    body = (
        "Voir [[Guide du télétravail]] et [[guide du  TÉLÉTRAVAIL|le guide]], puis [[Annexe]].\n"
        "`[[Pas un lien]]`\n```\n[[Pas non plus]]\n```\n[[]] [[a\nb]]"
    )
    assert markup.wiki_links(body) == [
        ("guide du télétravail", "Guide du télétravail"),
        ("annexe", "Annexe"),
    ]


def test_a_missing_page_is_marked_and_resolved_when_created():
    """A link to a page that does not exist is a « wiki-missing » link to the new-page form
    with its title; creating that page resolves the link, which then leads to it."""
    world = wiki_world()
    source = services.page_create(
        community=world.community,
        agent=world.member,
        title="Accueil",
        body="Lire [[Guide pratique|le guide]].",
    )
    link = PageLink.objects.get(source=source)
    assert (link.target_key, link.target_title, link.target) == (
        "guide pratique",
        "Guide pratique",
        None,
    )
    html = markup.render(
        source.body, community=world.community, targets=selectors.link_targets(source)
    ).html
    assert 'class="wiki-missing"' in html
    assert "nouvelle-page/?titre=Guide+pratique" in html and ">le guide</a>" in html
    target = services.page_create(
        community=world.community, agent=world.other, title="Guide Pratique", body=""
    )
    link.refresh_from_db()
    assert link.target == target
    html = markup.render(
        source.body, community=world.community, targets=selectors.link_targets(source)
    ).html
    assert f'href="/communautes/{world.community.slug}/wiki/pages/guide-pratique/"' in html
    assert "wiki-missing" not in html
    assert selectors.backlinks(target) == [source]


def test_editing_the_text_rebuilds_its_links():
    world = wiki_world()
    other = services.page_create(community=world.community, agent=world.member, title="B", body="")
    page = services.page_create(
        community=world.community, agent=world.member, title="A", body="[[B]] [[C]]"
    )
    assert set(PageLink.objects.filter(source=page).values_list("target_key", flat=True)) == {
        "b",
        "c",
    }
    services.page_save(page=page, agent=world.member, title="A", body="[[D]]", base_number=1)
    assert list(PageLink.objects.filter(source=page).values_list("target_key", flat=True)) == ["d"]
    assert selectors.backlinks(other) == []


def test_links_to_a_renamed_page_keep_leading_to_it():
    """After a rename, ``[[Ancien titre]]`` still leads to the page (its link row keeps the
    target) until another page takes that title."""
    world = wiki_world()
    target = services.page_create(
        community=world.community, agent=world.member, title="Ancien", body=""
    )
    source = services.page_create(
        community=world.community, agent=world.member, title="Source", body="[[Ancien]]"
    )
    services.page_rename(page=target, agent=world.member, title="Nouveau")
    assert selectors.link_targets(source) == {"ancien": "nouveau"}
    newcomer = services.page_create(
        community=world.community, agent=world.member, title="Ancien", body=""
    )
    assert selectors.link_targets(source) == {"ancien": newcomer.slug}


def test_links_never_cross_communities_and_markup_stays_inert():
    """A link names a page of the same wiki only; a title full of HTML renders escaped."""
    world = wiki_world()
    elsewhere = wiki_world()
    services.page_create(
        community=elsewhere.community, agent=elsewhere.member, title="Guide", body=""
    )
    page = services.page_create(
        community=world.community,
        agent=world.member,
        title="Source",
        body="[[Guide]] [[<img src=x onerror=alert(1)>|<b>gras</b>]] <script>alert(1)</script>",
    )
    html = markup.render(
        page.body, community=world.community, targets=selectors.link_targets(page)
    ).html
    assert html.count("wiki-missing") == 2
    assert "<script>" not in html and "<img src=x" not in html and "<b>gras" not in html
    assert "&lt;b&gt;gras&lt;/b&gt;" in html


def test_headings_get_anchors_and_a_table_of_contents():
    world = wiki_world()
    rendered = markup.render(
        "## Première partie\n\ntexte\n\n### Détail\n\n## Première partie\n\n## Fin",
        community=world.community,
        targets={},
    )
    assert [(h.level, h.anchor) for h in rendered.toc] == [
        (2, "premiere-partie"),
        (3, "detail"),
        (2, "premiere-partie-2"),
        (2, "fin"),
    ]
    assert '<h2 id="premiere-partie">Première partie</h2>' in rendered.html
    short = markup.render("## Seule", community=world.community, targets={})
    assert short.toc == []


def test_only_attachment_images_are_shown():
    """``![x](/communautes/fichiers/12/)`` shows the shared attachment; any other image
    address stays out (the sanitiser drops it)."""
    world = wiki_world()
    rendered = markup.render(
        "![plan](/communautes/fichiers/12/) ![pistage](https://exemple.fr/pixel.png)",
        community=world.community,
        targets={},
    ).html
    assert '<img src="/communautes/fichiers/12/" alt="plan"' in rendered
    assert "exemple.fr" not in rendered.split("<img")[-1].split(">")[0]
    assert rendered.count("<img") == 1
