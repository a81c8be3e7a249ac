"""The library's pages: what each shows, the ids of another community answering 404, HTML and
script inert in every name and comment, the downloads' headers, uploads through the plain form,
and a member who has not accepted the charter reading but refused (in French) when forging a
write."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from documents import selectors, services
from documents.models import ITEMS_PER_PAGE, Document, Folder
from tests.documents.core_helpers import Library, pdf, png
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script><b>gras</b>"
# Names hold no « / »: the same without the closing tags.
NAME = SCRIPT.replace("/", "")


@pytest.fixture
def lib():
    return Library()


@pytest.fixture
def other():
    """Another community's library with a folder and a file of two versions."""
    other = Library()
    folder = other.folder("Secret")
    document = other.upload(pdf("secret.pdf"), folder=folder)
    services.version_add(document=document, agent=other.member, upload=pdf("secret.pdf"))
    return other, folder, document


def url(name, lib, *args):
    return reverse(f"documents:{name}", args=[lib.community.slug, *args])


def test_the_folder_page_lists_sub_folders_then_files(client, lib):
    """The root shows its folders, its files with size, author and version count, the quota."""
    sub = lib.folder("Réglementation")
    lib.upload(pdf("Guide.pdf"))
    client.force_login(lib.member)
    page = client.get(url("index", lib)).content.decode()
    assert page.index("Réglementation") < page.index("Guide.pdf")
    assert reverse("documents:folder", args=[lib.community.slug, sub.pk]) in page
    assert "fr-icon-file-pdf-line" in page and "Espace utilisé" in page
    assert lib.member.display_name in page
    assert 'type="file"' in page and "multiple" in page


def test_a_folder_page_shows_its_breadcrumb(client, lib):
    a = lib.folder("Alpha")
    b = lib.folder("Bêta", parent=a)
    client.force_login(lib.member)
    page = client.get(url("folder", lib, b.pk)).content.decode()
    crumbs = page[page.index("fr-breadcrumb__list") : page.index("</ol>")]
    assert crumbs.index("Documents") < crumbs.index("Alpha") < crumbs.index("Bêta")
    assert 'aria-current="page">Bêta' in crumbs


def test_the_versions_page_s_breadcrumb_names_the_file(client, lib):
    """The versions' page of a file reads Documents › its folder › the file (a link to its page)
    › Versions; the file's name is escaped there."""
    folder = lib.folder("Alpha")
    document = lib.upload(pdf(f"Compte rendu {NAME}.pdf"), folder=folder)
    client.force_login(lib.member)
    page = client.get(url("versions", lib, document.pk)).content.decode()
    crumbs = page[page.index("fr-breadcrumb__list") : page.index("</ol>")]
    file_link = f'href="{url("document", lib, document.pk)}">{escape(document.name)}</a>'
    assert file_link in crumbs
    assert crumbs.index("Documents") < crumbs.index("Alpha") < crumbs.index(file_link)
    assert crumbs.index(file_link) < crumbs.index('aria-current="page">Versions')
    assert NAME not in crumbs


def test_files_sort_by_size_and_page(client, lib):
    """51 files: the first page holds 50, the second the last; ?tri=taille puts the biggest
    first."""
    for n in range(ITEMS_PER_PAGE + 1):
        lib.upload(pdf(f"f{n:03}.pdf", b"x" * n))
    client.force_login(lib.member)
    first = client.get(url("index", lib)).content.decode()
    assert "f000.pdf" in first and f"f{ITEMS_PER_PAGE:03}.pdf" not in first
    assert "Page suivante" in first
    second = client.get(url("index", lib) + "?page=2").content.decode()
    assert f"f{ITEMS_PER_PAGE:03}.pdf" in second and "f000.pdf" not in second
    by_size = client.get(url("index", lib) + "?tri=taille").content.decode()
    assert by_size.index(f"f{ITEMS_PER_PAGE:03}.pdf") < by_size.index("f049.pdf")


@pytest.mark.parametrize("sort", ["nom", "-nom"])
def test_a_folder_s_next_page_by_name_follows_a_keyset_cursor(client, lib, monkeypatch, sort):
    """In the name sorts, « Page suivante » carries the last file's name and id (?apres=): the
    page it leads to shows the files the offset page showed, under its number, with no OFFSET
    in its SQL; a cursor that does not parse falls back to the page's number."""
    monkeypatch.setattr(selectors, "ITEMS_PER_PAGE", 3)
    names = ["a.pdf", "b.pdf", "b_7.pdf", "c été.pdf", "d.pdf", "e_1.pdf", "f.pdf", "g.pdf"]
    for name in names:
        lib.upload(pdf(name))
    in_order = sorted(names, reverse=sort == "-nom")
    client.force_login(lib.member)

    def shown(html):
        return [name for name in names if escape(name) in html]

    base = url("index", lib)
    first = client.get(base, {"tri": sort}).content.decode()
    assert shown(first) == sorted(in_order[:3], key=names.index)
    for number, expected in ((2, in_order[3:6]), (3, in_order[6:])):
        found = re.search(rf'href="(\?tri=[^"]*&amp;page={number}&amp;apres=[^"]+)"', first)
        assert found, f"no cursor to page {number}"
        with CaptureQueriesContext(connection) as captured:
            page = client.get(base + unescape(found.group(1))).content.decode()
        assert not [q["sql"] for q in captured if " OFFSET " in q["sql"].upper()]
        assert shown(page) == sorted(expected, key=names.index)
        assert f'aria-current="page" title="Page {number}"' in page
        offset = client.get(base, {"tri": sort, "page": number}).content.decode()
        assert shown(offset) == shown(page)
        first = page
    assert "apres=" not in first  # the last page has no « Page suivante »
    garbage = client.get(base, {"tri": sort, "page": 2, "apres": "b.pdf_x"}).content.decode()
    assert shown(garbage) == sorted(in_order[3:6], key=names.index)
    assert selectors.name_cursor("b.pdf\x00_7") is None  # PostgreSQL refuses a NUL
    assert selectors.name_cursor("b_7.pdf_12") == ("b_7.pdf", 12)


def test_the_file_page_lists_versions_and_restores_one(client, lib):
    document = lib.upload(pdf("cr.pdf", b"un"))
    services.version_add(document=document, agent=lib.other, upload=pdf("cr-v2.pdf", b"deux"))
    client.force_login(lib.member)
    page = client.get(url("document", lib, document.pk)).content.decode()
    assert "cr-v2.pdf" in page and "Restaurer cette version" in page
    assert url("download", lib, document.pk, 1) in page
    response = client.post(url("version_restore", lib, document.pk, 1))
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.version_count == 3
    assert document.current_version.restored_from == 1


def test_the_file_page_shows_the_latest_versions_and_links_to_all_of_them(client, lib, monkeypatch):
    """A file of 25 versions shows its 20 latest, each with its own download and restore
    addresses, and « Toutes les versions (25) »: the versions' pages, a range of numbers each."""
    from documents import selectors

    document = lib.upload(pdf("cr.pdf", b"v1"))
    for number in range(2, 26):
        services.version_add(
            document=document, agent=lib.member, upload=pdf(f"cr-{number}.pdf", b"v")
        )
    client.force_login(lib.member)
    page = client.get(url("document", lib, document.pk)).content.decode()
    assert page.count('data-testid="document-version-row"') == 20
    assert "cr-25.pdf" in page and "cr-6.pdf" in page and "cr-5.pdf" not in page
    assert url("download", lib, document.pk, 6) in page
    assert url("version_restore", lib, document.pk, 24) in page
    assert url("version_restore", lib, document.pk, 25) not in page  # the current one
    assert "Toutes les versions (25)" in page
    assert url("versions", lib, document.pk) in page

    monkeypatch.setattr(selectors, "VERSIONS_PER_PAGE", 10)
    shown = []
    for number in (1, 2, 3):
        page = client.get(url("versions", lib, document.pk), {"page": number}).content.decode()
        shown.append(page.count('data-testid="document-version-row"'))
        assert url("download", lib, document.pk, 25 - 10 * (number - 1)) in page
    assert shown == [10, 10, 5]
    last = client.get(url("versions", lib, document.pk), {"page": 3}).content.decode()
    assert url("download", lib, document.pk, 1) in last and 'href="?page=4"' not in last
    assert url("download", lib, document.pk, 6) not in last
    assert url("version_restore", lib, document.pk, 1) in last
    # A page past the last (or garbage) shows the first.
    first = client.get(url("versions", lib, document.pk), {"page": "9"}).content.decode()
    assert url("download", lib, document.pk, 25) in first
    assert url("download", lib, document.pk, 15) not in first


def test_the_file_page_shows_the_latest_comments_and_links_to_older_ones(client, lib, monkeypatch):
    """Comments grow without bound: the page shows the latest, oldest first, and « Commentaires
    plus anciens » pages back through them by id."""
    from documents import selectors

    monkeypatch.setattr(selectors, "COMMENTS_SHOWN", 3)
    document = lib.upload(pdf("cr.pdf"))
    comments = [
        services.comment_add(document=document, agent=lib.member, body=f"Remarque numéro {n}")
        for n in range(1, 6)
    ]
    client.force_login(lib.member)
    page = client.get(url("document", lib, document.pk)).content.decode()
    assert "Remarque numéro 1<" not in page and "Remarque numéro 2<" not in page
    assert page.index("Remarque numéro 3") < page.index("Remarque numéro 5")
    assert url("comment_delete", lib, document.pk, comments[4].pk) in page
    assert f"?avant={comments[2].pk}#commentaires" in page
    older = client.get(url("document", lib, document.pk), {"avant": comments[2].pk})
    older = older.content.decode()
    assert "Remarque numéro 1" in older and "Remarque numéro 2" in older
    assert "Remarque numéro 3" not in older and "Commentaires plus anciens" not in older
    assert "Commentaires les plus récents" in older


def test_a_folder_s_rows_link_to_their_files_folders_and_thumbnails(client, lib):
    """The rows' addresses, built from one reversed address each, are the routes' own."""
    sub = lib.folder("Annexes")
    picture = lib.upload(png("photo.png"))
    Document.objects.filter(pk=picture.pk).update(thumbnail="documents/vignette.webp")
    text = lib.upload(pdf("note.pdf"))
    client.force_login(lib.member)
    page = client.get(url("index", lib)).content.decode()
    assert f'href="{url("folder", lib, sub.pk)}"' in page
    assert f'href="{url("document", lib, picture.pk)}"' in page
    assert f'href="{url("document", lib, text.pk)}"' in page
    assert f'src="{url("thumbnail", lib, picture.pk)}"' in page
    assert f'src="{url("thumbnail", lib, text.pk)}"' not in page


def test_downloads_are_attachments_never_sniffed(client, lib):
    document = lib.upload(pdf("cr.pdf"))
    client.force_login(lib.other)
    for address in (url("download", lib, document.pk), url("download", lib, document.pk, 1)):
        response = client.get(address)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_plain_form_upload_says_what_became_of_each_file(client, lib):
    client.force_login(lib.member)
    response = client.post(
        url("upload", lib, lib.root.pk),
        {"fichiers": [pdf("a.pdf"), png(), pdf("x.exe")]},
        follow=True,
    )
    page = response.content.decode()
    assert "« a.pdf » est ajouté." in page and "« image.png » est ajouté." in page
    assert "exécuter du code" in page
    assert Document.objects.count() == 2


def test_the_upload_script_gets_json(client, lib):
    client.force_login(lib.member)
    response = client.post(
        url("upload", lib, lib.root.pk),
        {"fichiers": [pdf("a.pdf"), pdf("b.docm")]},
        HTTP_ACCEPT="application/json",
    )
    data = response.json()
    assert [f["ok"] for f in data["files"]] == [True, False]
    assert "macros" in data["files"][1]["error"]
    assert data["redirect"] == url("index", lib)


@pytest.mark.parametrize(
    "name",
    [
        "folder",
        "folder_new",
        "folder_rename",
        "folder_move",
        "folder_delete",
    ],
)
def test_another_community_s_folder_answers_404(client, lib, other, name):
    """A folder id of another community under this community's address: 404."""
    _lib, folder, _document = other
    client.force_login(lib.animator)
    assert client.get(url(name, lib, folder.pk)).status_code == 404


@pytest.mark.parametrize(
    ("name", "extra"),
    [
        ("document", ()),
        ("download", ()),
        ("download", (1,)),
        ("document_rename", ()),
        ("document_move", ()),
        ("document_delete", ()),
        ("versions", ()),
    ],
)
def test_another_community_s_file_or_version_answers_404(client, lib, other, name, extra):
    _lib, _folder, document = other
    client.force_login(lib.animator)
    assert client.get(url(name, lib, document.pk, *extra)).status_code == 404


def test_forged_posts_on_another_community_s_ids_answer_404(client, lib, other):
    other_lib, folder, document = other
    client.force_login(lib.animator)
    assert client.post(url("upload", lib, folder.pk), {"fichiers": [pdf()]}).status_code == 404
    assert client.post(url("version_restore", lib, document.pk, 1)).status_code == 404
    assert client.post(url("comment", lib, document.pk), {"body": "x"}).status_code == 404
    services.document_delete(document=document, agent=other_lib.member)
    assert client.post(url("bin_restore", lib), {"fichier": document.pk}).status_code == 404
    assert Document.objects.get(pk=document.pk).deleted_at is not None
    assert client.get(url("document", lib, 10**15)).status_code == 404


def test_a_version_number_that_does_not_exist_answers_404(client, lib):
    document = lib.upload()
    client.force_login(lib.member)
    assert client.get(url("download", lib, document.pk, 2)).status_code == 404


def test_html_and_script_are_inert_in_names_and_comments(client, lib):
    """A folder named with HTML, a file whose name carries HTML, a comment with a script: all
    shown as text on every page that shows them."""
    folder = lib.folder(NAME)
    document = lib.upload(pdf(NAME + ".pdf"), folder=folder)
    services.comment_add(document=document, agent=lib.member, body=SCRIPT)
    services.document_delete(document=lib.upload(pdf(NAME + "2.pdf")), agent=lib.member)
    client.force_login(lib.member)
    pages = [
        url("index", lib),
        url("folder", lib, folder.pk),
        url("document", lib, document.pk),
        url("document_rename", lib, document.pk),
        url("folder_delete", lib, folder.pk),
        url("bin", lib),
        "/",
    ]
    escaped = escape(NAME)
    for address in pages:
        page = client.get(address).content.decode()
        assert "<script>alert" not in page, address
        assert NAME not in page, address
    for address in pages[:5]:
        assert escaped in client.get(address).content.decode(), address
    # The comment goes through the one sanitiser: the script is gone, harmless markup stays.
    page = client.get(url("document", lib, document.pk)).content.decode()
    assert "alert(1)" not in page.replace(escaped, "")


def test_a_member_without_the_charter_reads_but_a_forged_write_is_refused_in_french(client, lib):
    reader = MembershipFactory(community=lib.community, without_charter=True).agent
    document = lib.upload()
    client.force_login(reader)
    page = client.get(url("index", lib)).content.decode()
    assert "Acceptez la charte" in page and 'type="file"' not in page
    assert client.get(url("document", lib, document.pk)).status_code == 200
    response = client.post(url("upload", lib, lib.root.pk), {"fichiers": [pdf("b.pdf")]})
    assert response.status_code == 302
    page = unescape(client.get(response["Location"]).content.decode())
    assert "Acceptez la charte de la communauté avant d'ajouter des documents." in page
    response = client.post(
        url("upload", lib, lib.root.pk),
        {"fichiers": [pdf("b.pdf")]},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 403 and "charte" in response.json()["error"]
    response = client.post(url("folder_new", lib, lib.root.pk), {"name": "Pirate"})
    assert response.status_code == 403
    assert "Acceptez la charte" in response.content.decode()
    response = client.post(url("comment", lib, document.pk), {"body": "Coucou"})
    assert response.status_code == 403
    assert Document.objects.count() == 1
    assert not Folder.objects.filter(name="Pirate").exists()


def test_an_outsider_reads_an_open_library_but_cannot_upload(client, lib):
    from tests.factories import AgentFactory

    client.force_login(AgentFactory())
    assert client.get(url("index", lib)).status_code == 200
    response = client.post(
        url("upload", lib, lib.root.pk), {"fichiers": [pdf()]}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 403 and "membres" in response.json()["error"]


def test_the_tool_switched_off_hides_the_pages_and_the_menu_entry(client, lib):
    client.force_login(lib.member)
    home = client.get(lib.community.get_absolute_url()).content.decode()
    assert url("index", lib) in home
    lib.community.tool_documents = False
    lib.community.save()
    assert client.get(url("index", lib)).status_code == 404
    assert url("index", lib) not in client.get(lib.community.get_absolute_url()).content.decode()


def test_the_bin_page_shows_members_their_own_deletions(client, lib):
    mine = lib.upload(pdf("mien.pdf"))
    theirs = lib.upload(pdf("autre.pdf"), agent=lib.other)
    services.document_delete(document=mine, agent=lib.member)
    services.document_delete(document=theirs, agent=lib.other)
    client.force_login(lib.member)
    page = client.get(url("bin", lib)).content.decode()
    assert "mien.pdf" in page and "autre.pdf" not in page and "Vider la corbeille" not in page
    response = client.post(url("bin_restore", lib), {"fichier": mine.pk})
    assert response.status_code == 302
    assert Document.objects.get(pk=mine.pk).deleted_at is None
    client.force_login(lib.animator)
    page = client.get(url("bin", lib)).content.decode()
    assert "autre.pdf" in page and "Vider la corbeille" in page


def test_only_the_animators_empty_the_bin_and_set_the_quota(client, lib, capture_effects):
    services.document_delete(document=lib.upload(), agent=lib.member)
    client.force_login(lib.member)
    assert "Seule l'animation" in client.get(url("bin_empty", lib)).content.decode()
    assert client.post(url("bin_empty", lib)).status_code == 403
    assert client.get(url("settings", lib)).status_code == 404
    client.force_login(lib.animator)
    with capture_effects():
        assert client.post(url("bin_empty", lib)).status_code == 302
    assert not Document.objects.exists()
    response = client.post(url("settings", lib), {"quota_mb": "5"})
    assert response.status_code == 302
    assert services.quota_of(lib.community)[1] == 5 * 1024 * 1024
    response = client.post(url("settings", lib), {"quota_mb": "beaucoup"})
    assert response.status_code == 400 and "nombre entier" in response.content.decode()


def test_a_folder_cannot_be_moved_into_itself_through_the_page(client, lib):
    a = lib.folder("A")
    b = lib.folder("B", parent=a)
    client.force_login(lib.member)
    page = client.get(url("folder_move", lib, a.pk)).content.decode()
    assert f'value="{b.pk}"' not in page
    response = client.post(url("folder_move", lib, a.pk), {"target": b.pk})
    assert response.status_code == 400
    assert Folder.objects.get(pk=a.pk).parent_id == lib.root.pk


def test_the_dashboard_shows_the_latest_files(client, lib):
    lib.upload(pdf("Derniere note.pdf"))
    client.force_login(lib.other)
    page = client.get("/").content.decode()
    assert "Derniers documents" in page and "Derniere note.pdf" in page


def test_the_moderation_queue_lists_reported_and_hidden_files_with_their_author(client):
    """A file reported by a member and another hidden by the animation show in the community's
    moderation queue, each with the agent who sent it (the document names its author
    ``created_by``, which its content registration says)."""
    from django.urls import reverse as _reverse

    from communities.content.moderation import content_set_hidden, report_create
    from tests.documents.core_helpers import Library, pdf

    lib = Library()
    reported = lib.upload(pdf("signale.pdf"), agent=lib.member)
    hidden = lib.upload(pdf("masque.pdf"), agent=lib.other)
    report_create(agent=lib.animator, content=reported, reason="Hors sujet")
    content_set_hidden(content=hidden, actor=lib.animator, hidden=True, reason="Doublon")
    client.force_login(lib.animator)
    response = client.get(_reverse("communities:moderation", args=[lib.community.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Document par {lib.member.display_name}" in page
    assert f"Document par {lib.other.display_name}" in page


def test_the_moderation_queue_shows_a_file_s_text_truncated(client):
    """A file's extracted text may run to 200,000 characters: the moderation queue shows its
    first 300 characters only, for a reported file and for a hidden one."""
    from communities.content.moderation import content_set_hidden, report_create

    lib = Library()
    reported = lib.upload(pdf("signale.pdf"), agent=lib.member)
    hidden = lib.upload(pdf("masque.pdf"), agent=lib.other)
    long_text = "lorem " * 30_000
    Document.objects.filter(pk__in=[reported.pk, hidden.pk]).update(text=long_text)
    reported.refresh_from_db()
    hidden.refresh_from_db()
    report_create(agent=lib.animator, content=reported, reason="Hors sujet")
    content_set_hidden(content=hidden, actor=lib.animator, hidden=True, reason="Doublon")
    client.force_login(lib.animator)
    response = client.get(reverse("communities:moderation", args=[lib.community.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "signale.pdf" in page and "masque.pdf" in page
    assert page.count("lorem") < 2 * 300 // len("lorem ") + 10
    assert page.count("…") >= 2
