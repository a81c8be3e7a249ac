"""The wiki's ZIP export and import: the round trip into an empty community gives the same pages,
tree, links and backlinks, attachments re-attached; the archive's layout; the bad archives (not a
ZIP, a ZIP bomb, a path leaving the folder, a page that is not UTF-8, a file too large) refused
with a French message; who may export and import."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from communities.content import services as content
from notifications.models import Notification
from tests.factories import AgentFactory, CommunityFactory
from tests.wiki.social_helpers import create, edit, member
from wiki import exchange, services
from wiki.exchange import ImportRefused, read_archive
from wiki.models import Page, PageLink, Revision

pytestmark = pytest.mark.django_db


def make_zip(entries, compression=zipfile.ZIP_DEFLATED):
    """The bytes of a ZIP holding ``entries`` (``{name: bytes or str}``)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def page_file(title, body="", **front):
    lines = ["---", f'titre: "{title}"', *(f"{k}: {v}" for k, v in front.items()), "---"]
    return "\n".join(lines) + "\n" + body


def refusal(data):
    with pytest.raises(ImportRefused) as error:
        read_archive(io.BytesIO(data))
    return str(error.value)


# --- reading archives ------------------------------------------------------------------------------


def test_a_well_formed_archive_reads_as_pages_parents_first():
    """Pages come with their front matter, their parent by folder, parents before children."""
    pages = read_archive(
        io.BytesIO(
            make_zip(
                {
                    "guide/installation.md": page_file("Installation", "Étapes", ordre="2"),
                    "guide.md": page_file("Guide", "Voir [[Installation]].", accueil="true"),
                    "faq.md": page_file("Questions", "## Pourquoi ?\nParce que.", type='"faq"'),
                }
            )
        )
    )
    assert [(p.path, p.title, p.parent_path) for p in pages] == [
        ("faq.md", "Questions", None),
        ("guide.md", "Guide", None),
        ("guide/installation.md", "Installation", "guide.md"),
    ]
    faq, guide, installation = pages
    assert (faq.kind, guide.is_home, installation.position) == ("faq", True, 2)
    assert guide.body == "Voir [[Installation]]."


def test_not_a_zip_is_refused():
    """A file that is not a ZIP is refused with a French message."""
    assert refusal(b"%PDF-1.4 pas une archive") == "Ce fichier n'est pas une archive ZIP lisible."


def test_a_truncated_zip_is_refused():
    """A damaged archive is refused, not a 500."""
    data = make_zip({"a.md": page_file("A", "x" * 5000)})
    assert "archive ZIP" in refusal(data[: len(data) // 2])


@pytest.mark.parametrize(
    "name",
    ["../evasion.md", "guide/../../evasion.md", "/etc/passwd.md", "C:/evasion.md", "a\\..\\b.md"],
)
def test_a_path_leaving_the_folder_is_refused(name):
    """A name with ``..``, an absolute path, a drive or a backslash refuses the whole archive."""
    message = refusal(make_zip({"bon.md": page_file("Bon"), name: page_file("Mauvais")}))
    assert message.startswith("L'archive contient un chemin interdit")


def test_a_page_not_in_utf8_is_refused():
    """A page in Latin-1 is refused, naming the file."""
    data = make_zip({"ete.md": '---\ntitre: "Été"\n---\nCrème brûlée'.encode("latin-1")})
    assert refusal(data) == "La page « ete.md » n'est pas un texte UTF-8 : enregistrez-la en UTF-8."


def test_a_zip_bomb_is_refused_before_it_is_read():
    """Entries declaring far more than the limit once decompressed (a few KB of zeros that
    unfold into 250 MB) are refused before anything is decompressed."""
    megabyte = b"\0" * (1024 * 1024)
    entries = {f"_fichiers/bombe/{n}.pdf": megabyte for n in range(250)}
    entries["bombe.md"] = page_file("Bombe")
    data = make_zip(entries)
    assert len(data) < 2 * 1024 * 1024
    assert refusal(data) == "L'archive décompressée dépasse 200,0\xa0Mio : elle est refusée."


def test_a_page_too_large_is_refused():
    """A page file over the limit is refused, naming it."""
    data = make_zip({"grande.md": page_file("Grande", "a" * (exchange.MAX_PAGE_BYTES + 1))})
    assert refusal(data).startswith("Le fichier « grande.md » est trop volumineux")


def test_a_huge_attached_file_is_refused():
    """An attached file over the limit is refused, naming it."""
    data = make_zip(
        {"page.md": page_file("Page"), "_fichiers/page/enorme.pdf": b"%PDF" + b"0" * 11_000_000}
    )
    assert refusal(data) == (
        "Le fichier « _fichiers/page/enorme.pdf » est trop volumineux (10,0\xa0Mio au plus)."
    )


def test_a_header_that_lies_about_its_size_is_caught():
    """An entry whose header declares less than it holds is not read past it: the archive is
    refused as damaged."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("page.md", page_file("Page", "a" * 2_000_000))
    data = bytearray(buffer.getvalue())
    real = (2_000_000 + len(page_file("Page"))).to_bytes(4, "little")
    small = (100).to_bytes(4, "little")
    # The uncompressed size, in the local header and in the central directory.
    assert data.count(real) == 2
    data = bytes(data).replace(real, small)
    assert "archive ZIP" in refusal(data)


def test_an_archive_without_pages_is_refused():
    assert refusal(make_zip({"LISEZMOI.txt": "rien"})) == (
        "L'archive ne contient aucune page (fichier .md)."
    )


def test_an_unknown_file_is_refused():
    """A file that is neither a page nor in ``_fichiers/`` is named."""
    assert refusal(make_zip({"a.md": page_file("A"), "script.sh": "rm -rf /"})) == (
        "Le fichier « script.sh » n'est ni une page (.md) ni un fichier joint (dossier _fichiers/)."
    )


def test_a_folder_without_its_page_is_refused():
    """``guide/installation.md`` needs ``guide.md``."""
    assert refusal(make_zip({"guide/installation.md": page_file("Installation")})) == (
        "Le dossier de la page « guide/installation.md » n'a pas de page « guide.md »."
    )


def test_two_pages_of_the_same_title_are_refused():
    data = make_zip({"a.md": page_file("Même titre"), "b.md": page_file("même  TITRE")})
    assert refusal(data) == "Deux pages de l'archive s'appellent « même  TITRE »."


def test_an_unknown_kind_and_a_bad_order_are_refused():
    assert "type inconnu" in refusal(make_zip({"a.md": page_file("A", type='"blog"')}))
    assert "n'est pas un nombre" in refusal(make_zip({"a.md": page_file("A", ordre='"trois"')}))


def test_an_unclosed_front_matter_is_refused():
    data = make_zip({"a.md": '---\ntitre: "A"\nLe texte sans fin d\'en-tête'})
    assert refusal(data) == "L'en-tête de la page « a.md » n'est pas fermé par une ligne ---."


# --- the round trip --------------------------------------------------------------------------------


def read_zip(data):
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name) for name in archive.namelist()}


def link_rows(community):
    return sorted(
        (link.source.title, link.target_title, link.target.title if link.target else None)
        for link in PageLink.objects.filter(community=community).select_related("source", "target")
    )


def tree(community):
    return sorted(
        (p.title, p.parent.title if p.parent else None, p.kind, p.position, p.protected, p.is_home)
        for p in Page.objects.filter(community=community).select_related("parent")
    )


@pytest.fixture
def source():
    """A wiki with a home page, a guide under it with a sub-page and a PDF, a protected FAQ,
    links between them and one to a missing page."""
    community = CommunityFactory(open=True, name="Réseau source")
    animator = member(community, animator=True)
    home = create(
        community,
        animator,
        title="Accueil",
        body="Voir [[Guide]] et [[Page à écrire]].",
        is_home=True,
    )
    guide = create(community, animator, title="Guide", body="Le guide.", parent=home)
    plan = services.page_attach(
        page=guide,
        agent=animator,
        upload=SimpleUploadedFile("Plan d'accès.pdf", PDF, content_type="application/pdf"),
    )
    edit(guide, animator, f"Le guide, et [le plan](/communautes/fichiers/{plan.pk}/).\n")
    create(community, animator, title="Installation", body="Retour à [[Accueil]].", parent=guide)
    faq = create(
        community,
        animator,
        title="Questions fréquentes",
        body="## Pourquoi ?\nParce que.\n",
        kind=Page.Kind.FAQ,
    )
    services.page_protect(page=faq, agent=animator, protected=True)
    return community, animator


PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def test_the_export_follows_the_tree_with_front_matter_and_files(client, source):
    """One Markdown file per page in folders following the tree, its front matter, the
    ``[[links]]`` as written, the PDF in ``_fichiers/`` and the body's link to it relative."""
    community, animator = source
    client.force_login(animator)
    answer = client.get(f"/communautes/{community.slug}/wiki/export/")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/zip"
    assert answer["Content-Disposition"].startswith(f'attachment; filename="wiki-{community.slug}-')
    files = read_zip(answer.content)
    assert sorted(files) == [
        "LISEZMOI.txt",
        "_fichiers/guide/plan-dacces.pdf",
        "accueil.md",
        "accueil/guide.md",
        "accueil/guide/installation.md",
        "questions-frequentes.md",
    ]
    assert files["_fichiers/guide/plan-dacces.pdf"] == PDF
    assert (
        files["accueil.md"]
        .decode()
        .startswith(
            '---\ntitre: "Accueil"\nadresse: "accueil"\ntype: "page"\nordre: 1\n'
            "protegee: false\naccueil: true\n---\nVoir [[Guide]] et [[Page à écrire]]."
        )
    )
    assert "[le plan](../_fichiers/guide/plan-dacces.pdf)" in files["accueil/guide.md"].decode()
    faq = files["questions-frequentes.md"].decode()
    assert 'type: "faq"' in faq and "protegee: true" in faq


def test_the_round_trip_into_an_empty_community_gives_the_same_wiki(client, source):
    """Imported into an empty community: the same pages, tree, kinds, order, protection, links
    and backlinks (the missing page still missing), the PDF re-attached and linked, one
    revision « import » per page by the importer, nobody notified."""
    community, animator = source
    client.force_login(animator)
    data = client.get(f"/communautes/{community.slug}/wiki/export/").content

    target = CommunityFactory(open=True, name="Réseau cible")
    importer = member(target, animator=True)
    client.force_login(importer)
    url = f"/communautes/{target.slug}/wiki/import/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'data-testid="wiki-import-form"' in page.content.decode()
    answer = client.post(url, {"archive": SimpleUploadedFile("wiki.zip", data)}, follow=True)
    assert answer.redirect_chain[-1][0] == f"/communautes/{target.slug}/wiki/pages/"
    assert "Le wiki est importé : 4 pages." in answer.content.decode()

    assert tree(target) == tree(community)
    assert link_rows(target) == link_rows(community)
    assert link_rows(target) == [
        ("Accueil", "Guide", "Guide"),
        ("Accueil", "Page à écrire", None),
        ("Installation", "Accueil", "Accueil"),
    ]
    revisions = Revision.objects.filter(community=target)
    assert sorted((r.page.title, r.number, r.kind, r.author_id) for r in revisions) == [
        (title, 1, Revision.Kind.IMPORT, importer.pk)
        for title in ("Accueil", "Guide", "Installation", "Questions fréquentes")
    ]
    assert Notification.objects.count() == 0
    guide = Page.objects.get(community=target, title="Guide")
    (attachment,) = content.attachments_of(guide)
    assert attachment.name == "plan-dacces.pdf"
    assert attachment.file.read() == PDF
    assert f"[le plan](/communautes/fichiers/{attachment.pk}/)" in guide.body
    assert guide.last_number == 1 and guide.body == Revision.objects.get(page=guide).body
    # The pages show: the imported home page and its backlinks.
    home = client.get(Page.objects.get(community=target, is_home=True).get_absolute_url())
    assert home.status_code == 200
    installation = Page.objects.get(community=target, title="Installation")
    assert list(Page.objects.get(community=target, title="Accueil").backlinks.all()) == [
        PageLink.objects.get(source=installation)
    ]


def test_the_import_refuses_a_wiki_that_has_pages(client, source):
    """A wiki with pages is never overwritten: the form is not offered and a POST is refused."""
    community, animator = source
    client.force_login(animator)
    data = client.get(f"/communautes/{community.slug}/wiki/export/").content
    url = f"/communautes/{community.slug}/wiki/import/"
    assert 'data-testid="wiki-import-not-empty"' in client.get(url).content.decode()
    answer = client.post(url, {"archive": SimpleUploadedFile("wiki.zip", data)})
    assert answer.status_code == 400
    assert "réservé à un wiki vide" in answer.content.decode()
    assert Page.objects.filter(community=community).count() == 4


def test_a_bad_archive_through_the_form_shows_why_and_writes_nothing(client):
    """The refusal is on the page (400), nothing is written; no file is a French error too."""
    community = CommunityFactory(open=True)
    client.force_login(member(community, animator=True))
    url = f"/communautes/{community.slug}/wiki/import/"
    bad = make_zip({"a.md": page_file("A"), "../b.md": page_file("B")})
    answer = client.post(url, {"archive": SimpleUploadedFile("wiki.zip", bad)})
    assert answer.status_code == 400
    assert "L&#x27;archive contient un chemin interdit" in answer.content.decode()
    assert not Page.objects.filter(community=community).exists()
    answer = client.post(url, {})
    assert answer.status_code == 400
    assert "Choisissez l&#x27;archive ZIP à importer." in answer.content.decode()


def test_an_attached_file_of_a_refused_type_refuses_the_archive(client):
    """The files go through the platform's upload checks: an executable is refused, nothing is
    written."""
    community = CommunityFactory(open=True)
    animator = member(community, animator=True)
    bad = make_zip({"a.md": page_file("A"), "_fichiers/a/outil.exe": b"MZ\x90\x00"})
    with pytest.raises(ImportRefused) as error:
        exchange.import_zip(community=community, agent=animator, upload=io.BytesIO(bad))
    assert str(error.value).startswith("Le fichier « outil.exe » de la page « a.md » est refusé")
    assert not Page.objects.filter(community=community).exists()


@pytest.mark.parametrize(
    ("who", "export", "import_"),
    [
        ("member", 404, 404),
        ("outsider", 404, 404),
        ("animator", 200, 200),
        ("platform_admin", 200, 200),
    ],
)
def test_who_exports_and_imports(client, who, export, import_):
    """The animators and the platform's administrators export; members and outsiders get a
    404 (of a secret community, as for a page that does not exist)."""
    community = CommunityFactory(private_secret=True)
    agents = {
        "member": lambda: member(community),
        "outsider": AgentFactory,
        "animator": lambda: member(community, animator=True),
        "platform_admin": lambda: AgentFactory(platform_admin=True),
    }
    client.force_login(agents[who]())
    assert client.get(f"/communautes/{community.slug}/wiki/export/").status_code == export
    assert client.get(f"/communautes/{community.slug}/wiki/import/").status_code == import_


def test_a_page_written_during_the_import_refuses_it_whole():
    """A page created in the wiki while the import runs (here: when its first page is saved)
    takes a title of the archive: the import is refused in French, not a 500, and nothing of it
    is kept."""
    from django.db.models.signals import pre_save

    community = CommunityFactory(open=True)
    animator = member(community, animator=True)
    archive = make_zip({"a.md": page_file("A"), "b.md": page_file("B")})
    written = []

    def meanwhile(sender, instance, **kwargs):
        if not written:
            written.append(instance.title)  # before the save below fires this again
            Page.objects.create(community=community, title="B", slug="b-ailleurs", author=animator)

    pre_save.connect(meanwhile, sender=Page)
    try:
        with pytest.raises(ImportRefused) as error:
            exchange.import_zip(community=community, agent=animator, upload=io.BytesIO(archive))
    finally:
        pre_save.disconnect(meanwhile, sender=Page)
    assert written
    assert "réservé à un wiki vide" in str(error.value)
    assert not Page.objects.filter(community=community).exists()
