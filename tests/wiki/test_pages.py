"""The wiki's pages (``wiki.views``): every page renders, ids and slugs of another community
answer 404, text typed by agents is inert, a member without the charter reads but does not
edit, an old address redirects after a rename."""

import pytest
from django.urls import reverse

from tests.factories import CommunityFactory, MembershipFactory
from wiki import services
from wiki.models import Page, Revision

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def wiki():
    community = CommunityFactory(open=True)
    animator = MembershipFactory(community=community, animator=True).agent
    member = MembershipFactory(community=community).agent
    no_charter = MembershipFactory(community=community, without_charter=True).agent
    home = services.home_create(community=community, agent=animator)
    guide = services.page_create(
        community=community,
        agent=member,
        title="Guide",
        body="## Un\n\ntexte\n\n## Deux\n\n## Trois\n\nVoir [[Page absente]] et [[Accueil]].",
        parent=home,
    )
    services.page_save(
        page=guide, agent=animator, title="Guide", body=guide.body + "\nSuite.", base_number=1
    )
    faq = services.page_create(
        community=community,
        agent=animator,
        title="Questions",
        body="## Une ?\n\nOui.\n\n## Deux ?\n\nNon.",
        kind=Page.Kind.FAQ,
    )
    return {
        "community": community,
        "animator": animator,
        "member": member,
        "no_charter": no_charter,
        "home": home,
        "guide": guide,
        "faq": faq,
    }


def _urls(slug, guide, faq):
    return [
        reverse("wiki:home", args=[slug]),
        reverse("wiki:pages", args=[slug]),
        reverse("wiki:pages", args=[slug]) + "?apres=guide",
        reverse("wiki:recent", args=[slug]),
        reverse("wiki:page_new", args=[slug]) + f"?titre=Nouvelle&parent={guide.pk}",
        reverse("wiki:page", args=[slug, guide.slug]),
        reverse("wiki:page", args=[slug, faq.slug]),
        reverse("wiki:page_edit", args=[slug, guide.slug]),
        reverse("wiki:history", args=[slug, guide.slug]),
        reverse("wiki:diff", args=[slug, guide.slug]),
        reverse("wiki:diff", args=[slug, guide.slug]) + "?de=1&a=2",
        reverse("wiki:revision", args=[slug, guide.slug, 1]),
        reverse("wiki:restore", args=[slug, guide.slug, 1]),
        reverse("wiki:rename", args=[slug, guide.slug]),
        reverse("wiki:move", args=[slug, guide.slug]),
        reverse("wiki:faq_reorder", args=[slug, faq.slug]),
        reverse("wiki:settings", args=[slug]),
    ]


def test_every_page_renders_for_the_animator(client, wiki):
    client.force_login(wiki["animator"])
    for url in _urls(wiki["community"].slug, wiki["guide"], wiki["faq"]):
        response = client.get(url)
        assert response.status_code == 200, url


def test_the_page_shows_breadcrumbs_toc_backlinks_and_missing_links(client, wiki):
    client.force_login(wiki["member"])
    slug = wiki["community"].slug
    html = client.get(reverse("wiki:page", args=[slug, wiki["guide"].slug])).content.decode()
    assert 'data-testid="wiki-toc"' in html and 'href="#deux"' in html
    assert 'class="wiki-missing"' in html and "?titre=Page+absente" in html
    assert f'href="{reverse("wiki:page", args=[slug, wiki["home"].slug])}"' in html
    home = client.get(reverse("wiki:home", args=[slug])).content.decode()
    assert "Pages qui pointent ici" in home
    assert (
        reverse("wiki:page", args=[slug, wiki["guide"].slug])
        in home.split('data-testid="wiki-backlinks"')[1]
    )
    # The community's menu leads to the wiki.
    community_page = client.get(wiki["community"].get_absolute_url()).content.decode()
    assert 'data-testid="community-wiki-link"' in community_page


def test_the_wiki_is_404_when_its_tool_is_off_and_the_menu_hides_it(client, wiki):
    community = wiki["community"]
    community.tool_wiki = False
    community.save()
    client.force_login(wiki["member"])
    assert client.get(reverse("wiki:home", args=[community.slug])).status_code == 404
    assert "community-wiki-link" not in client.get(community.get_absolute_url()).content.decode()


def test_a_missing_home_page_is_created_by_a_contributor_only(client):
    community = CommunityFactory(open=True)
    member = MembershipFactory(community=community).agent
    reader = MembershipFactory(community=community, without_charter=True).agent
    url = reverse("wiki:home", args=[community.slug])
    client.force_login(reader)
    html = client.get(url).content.decode()
    assert 'data-testid="wiki-home-empty"' in html and "wiki-create-home" not in html
    response = client.post(url)
    assert response.status_code == 403 and not Page.objects.exists()
    client.force_login(member)
    assert "Créer la page d'accueil" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert Page.objects.get(community=community).is_home


def test_forged_slugs_and_numbers_of_another_community_answer_404(client, wiki):
    """A page's slug or revision number of another community's wiki is not found here."""
    other = CommunityFactory(open=True)
    member = MembershipFactory(community=other).agent
    secret = services.page_create(community=other, agent=member, title="Secret", body="x")
    client.force_login(wiki["member"])
    slug = wiki["community"].slug
    for url in [
        reverse("wiki:page", args=[slug, secret.slug]),
        reverse("wiki:page_edit", args=[slug, secret.slug]),
        reverse("wiki:history", args=[slug, secret.slug]),
        reverse("wiki:revision", args=[slug, secret.slug, 1]),
        reverse("wiki:revision", args=[slug, wiki["guide"].slug, 99]),
        reverse("wiki:restore", args=[slug, wiki["guide"].slug, 99]),
    ]:
        assert client.get(url).status_code == 404, url
    assert (
        client.get(reverse("wiki:diff", args=[slug, wiki["guide"].slug]) + "?de=1&a=9").status_code
        == 404
    )
    # A parent of another community is no parent: the page goes to the top of this wiki.
    client.post(
        reverse("wiki:page_new", args=[slug]),
        {"title": "Sous", "kind": "page", "body": "", "parent": secret.pk},
    )
    assert Page.objects.get(title="Sous").parent is None


def test_html_and_script_are_inert_in_title_body_and_summary(client, wiki):
    client.force_login(wiki["member"])
    slug = wiki["community"].slug
    response = client.post(
        reverse("wiki:page_new", args=[slug]),
        {
            "title": f"Titre {XSS}",
            "kind": "page",
            "body": f"Corps {XSS}",
            "summary": f"Résumé {XSS}",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    page = Page.objects.get(title__startswith="Titre")
    for url in [
        reverse("wiki:page", args=[slug, page.slug]),
        reverse("wiki:history", args=[slug, page.slug]),
        reverse("wiki:recent", args=[slug]),
        reverse("wiki:pages", args=[slug]),
        reverse("wiki:revision", args=[slug, page.slug, 1]),
        reverse("wiki:page_edit", args=[slug, page.slug]),
    ]:
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html, url
    preview = client.post(reverse("wiki:preview", args=[slug]), {"body": XSS}).content.decode()
    assert "<script>alert" not in preview and "<img src=x" not in preview


def test_a_member_without_the_charter_reads_but_a_forged_post_is_refused(client, wiki):
    client.force_login(wiki["no_charter"])
    slug = wiki["community"].slug
    guide = wiki["guide"]
    html = client.get(reverse("wiki:page", args=[slug, guide.slug])).content.decode()
    assert "Guide" in html and 'data-testid="wiki-edit"' not in html
    assert 'data-testid="wiki-charter-prompt"' in html
    response = client.post(
        reverse("wiki:page_edit", args=[slug, guide.slug]),
        {"title": "Guide", "body": "Vandalisme", "base_number": "2", "action": "save"},
    )
    assert response.status_code == 403
    assert "Acceptez la charte" in response.content.decode()
    guide.refresh_from_db()
    assert "Vandalisme" not in guide.body
    response = client.post(reverse("wiki:restore", args=[slug, guide.slug, 1]))
    assert response.status_code == 403 and Revision.objects.filter(page=guide).count() == 2


def test_the_editor_saves_merges_previews_and_attaches(client, wiki):
    client.force_login(wiki["member"])
    slug = wiki["community"].slug
    guide = wiki["guide"]
    url = reverse("wiki:page_edit", args=[slug, guide.slug])
    preview = client.post(
        url,
        {"title": "Guide", "body": "**gras** [[Accueil]]", "base_number": "2", "action": "preview"},
    ).content.decode()
    assert "<strong>gras</strong>" in preview and 'data-testid="wiki-preview"' in preview
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00"
        b"\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
        b"\x00\x00\x00IEND\xaeB`\x82"
    )
    attached = client.post(
        url,
        {
            "title": "Guide",
            "body": "Texte tapé",
            "base_number": "2",
            "action": "attach",
            "file": SimpleUploadedFile("plan.png", png, content_type="image/png"),
        },
    ).content.decode()
    assert "Texte tapé" in attached and "![plan.png](/communautes/fichiers/" in attached
    response = client.post(
        url,
        {
            "title": "Guide",
            "body": "Nouveau texte",
            "summary": "Réécrit",
            "base_number": "2",
            "action": "save",
        },
    )
    assert response.status_code == 302
    guide.refresh_from_db()
    assert guide.body == "Nouveau texte\n" and guide.last_number == 3


def test_the_old_slug_redirects_after_a_rename(client, wiki):
    client.force_login(wiki["member"])
    slug = wiki["community"].slug
    guide = wiki["guide"]
    response = client.post(
        reverse("wiki:rename", args=[slug, guide.slug]), {"title": "Mode d'emploi"}
    )
    assert response.status_code == 302
    guide.refresh_from_db()
    assert guide.slug == "mode-demploi"
    old = client.get(reverse("wiki:history", args=[slug, "guide"]) + "?page=1")
    assert old.status_code == 301
    assert old["Location"] == reverse("wiki:history", args=[slug, "mode-demploi"]) + "?page=1"


def test_move_offers_neither_the_page_nor_its_sub_pages(client, wiki):
    client.force_login(wiki["member"])
    slug = wiki["community"].slug
    child = services.page_create(
        community=wiki["community"],
        agent=wiki["member"],
        title="Enfant",
        body="",
        parent=wiki["guide"],
    )
    html = client.get(reverse("wiki:move", args=[slug, wiki["guide"].slug])).content.decode()
    assert f'value="{child.pk}"' not in html and f'value="{wiki["guide"].pk}"' not in html
    assert f'value="{wiki["faq"].pk}"' in html
    response = client.post(
        reverse("wiki:move", args=[slug, wiki["guide"].slug]), {"parent": child.pk}
    )
    assert response.status_code == 400
    response = client.post(
        reverse("wiki:move", args=[slug, wiki["guide"].slug]), {"parent": wiki["faq"].pk}
    )
    assert response.status_code == 302
    wiki["guide"].refresh_from_db()
    assert wiki["guide"].parent == wiki["faq"]


def test_protect_and_settings_are_for_the_animators(client, wiki):
    slug = wiki["community"].slug
    guide = wiki["guide"]
    client.force_login(wiki["member"])
    client.post(reverse("wiki:protect", args=[slug, guide.slug]), {"protected": "1"})
    guide.refresh_from_db()
    assert not guide.protected
    assert client.get(reverse("wiki:settings", args=[slug])).status_code == 404
    client.force_login(wiki["animator"])
    client.post(reverse("wiki:protect", args=[slug, guide.slug]), {"protected": "1"})
    guide.refresh_from_db()
    assert guide.protected
    client.force_login(wiki["member"])
    html = client.get(reverse("wiki:page", args=[slug, guide.slug])).content.decode()
    assert "seule l&#x27;animation la modifie" in html and 'data-testid="wiki-edit"' not in html


def test_recent_changes_page_by_a_cursor(client, wiki, settings):
    """« Modifications récentes » pages through a keyset cursor; a garbage cursor shows the
    first page."""
    import wiki.selectors as selectors

    client.force_login(wiki["member"])
    slug = wiki["community"].slug
    original = selectors.CHANGES_PER_PAGE
    selectors.CHANGES_PER_PAGE = 2
    try:
        first = client.get(reverse("wiki:recent", args=[slug])).content.decode()
        assert 'data-testid="wiki-recent-older"' in first
        cursor = first.split('href="?avant=')[1].split('"')[0]
        from html import unescape
        from urllib.parse import unquote

        second = client.get(
            reverse("wiki:recent", args=[slug])
            + "?avant="
            + unquote(unescape(cursor)).replace("+", "%2B")
        )
        assert second.status_code == 200
        assert second.content.decode().count("<tr>") == 3  # the header and two rows
        garbage = client.get(reverse("wiki:recent", args=[slug]) + "?avant=n%27importe_quoi")
        assert garbage.status_code == 200
    finally:
        selectors.CHANGES_PER_PAGE = original


def test_the_list_of_pages_pages_by_a_title_cursor_without_counting(client, wiki):
    """The list of pages by title is a keyset page on (community, title_key): « Pages
    suivantes » carries the last title's key, no ``COUNT(*)`` is run, « Retour au début » leads
    back; a garbage cursor shows the first page."""
    import re
    from html import unescape

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    import wiki.selectors as selectors

    client.force_login(wiki["member"])
    slug = wiki["community"].slug
    url = reverse("wiki:pages", args=[slug])
    listed = re.compile(r'data-testid="wiki-page-list">(.*?)</ul>', re.S)
    original = selectors.PAGES_PER_PAGE
    selectors.PAGES_PER_PAGE = 2
    try:
        with CaptureQueriesContext(connection) as captured:
            first = client.get(url).content.decode()
        assert not any("COUNT(" in query["sql"].upper() for query in captured)
        assert 'data-testid="wiki-pages-first"' not in first
        assert re.findall(r">([^<]+)</a>", listed.search(first).group(1)) == ["Accueil", "Guide"]
        cursor = unescape(first.split('href="?apres=')[1].split('"')[0])
        assert cursor == "guide"
        second = client.get(url + "?apres=" + cursor).content.decode()
        assert re.findall(r">([^<]+)</a>", listed.search(second).group(1)) == ["Questions"]
        assert 'data-testid="wiki-pages-next"' not in second
        assert 'data-testid="wiki-pages-first"' in second
        for garbage in ("z" * 500, " ", "<script>"):
            response = client.get(url, {"apres": garbage})
            assert response.status_code == 200
            assert re.findall(
                r">([^<]+)</a>", listed.search(response.content.decode()).group(1)
            ) == [
                "Accueil",
                "Guide",
            ]
    finally:
        selectors.PAGES_PER_PAGE = original


def test_a_page_renders_its_markdown_once_and_a_later_page_turns_its_missing_link_into_a_link(
    client, wiki, monkeypatch
):
    """A page's HTML comes from the cache on the next view (the Markdown of a 50 KB page is
    converted once), is the sanitiser's output (typed HTML inert), and a page created after the
    save turns its missing link into a link on the next view."""
    from wiki import markup

    community = wiki["community"]
    page = services.page_create(
        community=community,
        agent=wiki["member"],
        title="Cache",
        body=f"Voir [[Écrite plus tard]].\n\n{XSS}\n\n" + "Un paragraphe.\n\n" * 50,
    )
    calls = []
    original = markup.render
    monkeypatch.setattr(markup, "render", lambda *a, **k: calls.append(1) or original(*a, **k))
    client.force_login(wiki["member"])
    url = reverse("wiki:page", args=[community.slug, page.slug])
    first = client.get(url).content.decode()
    second = client.get(url).content.decode()
    assert len(calls) == 1
    for html in (first, second):
        assert 'class="wiki-missing"' in html and "Écrite plus tard" in html
        assert "<script>alert" not in html and "<img src=x" not in html
    later = services.page_create(
        community=community, agent=wiki["member"], title="Écrite plus tard", body="Enfin."
    )
    third = client.get(url).content.decode()
    assert len(calls) == 2
    assert (
        f'href="{reverse("wiki:page", args=[community.slug, later.slug])}" class="wiki-link"'
        in (third)
    )
    assert 'class="wiki-missing"' not in third
    assert "<script>alert" not in third and "<img src=x" not in third


def test_history_and_recent_changes_reverse_their_links_once_per_page(client, wiki, monkeypatch):
    """The rows of the history and of recent changes take their links from prefixes reversed
    once per page, and their dates and kinds from the view: the template's ``{% url %}`` calls
    do not grow with the rows, and a row reads as before (date, kind, links)."""
    import re

    import django.urls

    calls = []
    original = django.urls.reverse
    monkeypatch.setattr(
        django.urls, "reverse", lambda *a, **k: calls.append(a) or original(*a, **k)
    )
    client.force_login(wiki["animator"])
    slug, guide = wiki["community"].slug, wiki["guide"]
    urls = [reverse("wiki:history", args=[slug, guide.slug]), reverse("wiki:recent", args=[slug])]

    def url_calls():
        counts = []
        for url in urls:
            calls.clear()
            assert client.get(url).status_code == 200
            counts.append(len(calls))
        return counts

    before = url_calls()
    for number in range(2, 8):
        guide.refresh_from_db()
        services.page_save(
            page=guide,
            agent=wiki["animator"],
            title="Guide",
            body=guide.body + f"\nLigne {number}.",
            summary=f"Ligne {number}",
            base_number=guide.last_number,
        )
    assert url_calls() == before
    guide.refresh_from_db()
    last = guide.last_number
    history = client.get(urls[0]).content.decode()
    prefix = reverse("wiki:revision", args=[slug, guide.slug, 1]).removesuffix("1/")
    assert f'<a href="{prefix}{last}/">n° {last}</a>' in history
    assert f'<a href="{prefix}1/restaurer/">Restaurer' in history
    assert re.search(r"<td>\d{1,2} [a-zéû]+ \d{4} à \d\d:\d\d</td>", history)
    assert "modification</span>" in history and "création</span>" in history
    recent = client.get(urls[1]).content.decode()
    diff_url = reverse("wiki:diff", args=[slug, guide.slug])
    assert f'<a href="{diff_url}?de={last - 1}&amp;a={last}">Voir' in recent
    assert f'<a href="{reverse("wiki:page", args=[slug, guide.slug])}">Guide</a>' in recent
