"""The library's writes on folders and files (``documents.services``): the root, folders
(create, rename, move without cycles), uploads, renames and moves of files, comments, and the
signal sent once a version commits."""

import pytest

from communities.models import AuditLog
from documents import services, signals
from documents.models import Document, DocumentVersion, Folder
from documents.services import DocumentError
from tests.documents.core_helpers import Library, pdf
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lib():
    return Library()


def test_the_root_folder_is_made_once(lib):
    """``library_root`` makes the community's root on first use and returns it afterwards."""
    again = services.library_root(lib.community)
    assert again.pk == lib.root.pk
    assert lib.root.path == f"/{lib.root.pk}/"
    assert Folder.objects.filter(community=lib.community, parent=None).count() == 1


def test_folders_nest_with_their_path_and_breadcrumb(lib):
    """A sub-folder's path lists its ancestors; the breadcrumb reads them from the root down."""
    from documents.selectors import breadcrumb

    a = lib.folder("A")
    b = lib.folder("B", parent=a)
    assert b.path == f"/{lib.root.pk}/{a.pk}/{b.pk}/"
    assert b.depth == 2
    assert [f.pk for f in breadcrumb(b)] == [lib.root.pk, a.pk]


def test_a_folder_name_is_unique_among_its_siblings(lib):
    lib.folder("Comptes rendus")
    with pytest.raises(DocumentError, match="existe déjà"):
        lib.folder("Comptes rendus")
    lib.folder("Comptes rendus", parent=lib.folder("Autre"))


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "vide"), ("a/b", "ni « / »"), ("..", "point"), ("x" * 201, "200 caractères")],
)
def test_bad_folder_names_are_refused_in_french(lib, name, message):
    with pytest.raises(DocumentError, match=message):
        lib.folder(name)


def test_bidirectional_controls_leave_a_folder_name(lib):
    folder = lib.folder("Factures\u202efdp.exe")
    assert folder.name == "Facturesfdp.exe"


def test_a_folder_cannot_move_into_itself_or_below(lib):
    """Moving a folder under itself or one of its sub-folders is refused (no cycle)."""
    a = lib.folder("A")
    b = lib.folder("B", parent=a)
    for target in (a, b):
        with pytest.raises(DocumentError, match="lui-même"):
            services.folder_move(folder=a, agent=lib.member, target=target)


def test_moving_a_folder_moves_its_subtree(lib):
    """Paths and depths of the whole subtree follow the move."""
    a = lib.folder("A")
    b = lib.folder("B", parent=a)
    c = lib.folder("C")
    services.folder_move(folder=a, agent=lib.member, target=c)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.parent_id == c.pk and a.path == f"{c.path}{a.pk}/" and a.depth == 2
    assert b.path == f"{a.path}{b.pk}/" and b.depth == 3


def test_folder_rename_checks_the_siblings(lib):
    lib.folder("A")
    b = lib.folder("B")
    with pytest.raises(DocumentError, match="existe déjà"):
        services.folder_rename(folder=b, agent=lib.member, name="A")
    services.folder_rename(folder=b, agent=lib.member, name="Bis")
    assert Folder.objects.get(pk=b.pk).name == "Bis"


def test_an_upload_stores_a_first_version_under_a_private_path(lib):
    """The file is stored under documents/<community>/<random>, never under its name."""
    document, version, created = services.document_upload(
        folder=lib.root, agent=lib.member, upload=pdf("Compte rendu.pdf")
    )
    assert created and version.number == 1
    assert document.current_version_id == version.pk
    assert document.version_count == 1 and document.size == version.size
    assert version.file.name.startswith(f"documents/{lib.community.pk}/")
    assert "Compte" not in version.file.name
    assert version.original_name == "Compte rendu.pdf"
    assert len(version.sha256) == 64
    assert document.content_type == "application/pdf"


def test_version_added_is_sent_once_committed(lib, capture_effects):
    """``version_added`` reaches its receivers once the upload commits, with the version."""
    heard = []

    def receiver(sender, document, version, **kwargs):
        heard.append((document.pk, version.number))

    signals.version_added.connect(receiver)
    try:
        with capture_effects():
            document = lib.upload()
            assert heard == []
        assert heard == [(document.pk, 1)]
    finally:
        signals.version_added.disconnect(receiver)


def test_a_file_renamed_keeps_its_extension(lib):
    document = lib.upload(pdf("a.pdf"))
    with pytest.raises(DocumentError, match="extension"):
        services.document_rename(document=document, agent=lib.member, name="a.exe")
    services.document_rename(document=document, agent=lib.member, name="Budget 2026.pdf")
    assert Document.objects.get(pk=document.pk).name == "Budget 2026.pdf"


def test_a_file_rename_refuses_a_taken_name(lib):
    lib.upload(pdf("a.pdf"))
    b = lib.upload(pdf("b.pdf"))
    with pytest.raises(DocumentError, match="existe déjà"):
        services.document_rename(document=b, agent=lib.member, name="a.pdf")


def test_a_file_moves_to_another_folder_of_its_community_only(lib):
    document = lib.upload()
    folder = lib.folder("Archives")
    services.document_move(document=document, agent=lib.member, target=folder)
    assert Document.objects.get(pk=document.pk).folder_id == folder.pk
    elsewhere = services.library_root(CommunityFactory())
    with pytest.raises(DocumentError, match="n'existe pas"):
        services.document_move(document=document, agent=lib.member, target=elsewhere)


def test_an_animator_deleting_another_s_file_writes_the_audit_log(lib):
    document = lib.upload()
    services.document_delete(document=document, agent=lib.animator)
    assert AuditLog.objects.filter(community=lib.community, action="document_deleted").exists()


def test_comments_are_stored_and_refused_when_empty(lib):
    document = lib.upload()
    comment = services.comment_add(document=document, agent=lib.other, body=" Merci ! ")
    assert comment.body == "Merci !" and comment.community_id == lib.community.pk
    with pytest.raises(DocumentError, match="vide"):
        services.comment_add(document=document, agent=lib.other, body="  ")
    services.comment_delete(comment=comment, agent=lib.other)
    comment.refresh_from_db()
    assert comment.is_deleted


def test_a_member_deletes_their_folder_only_when_it_holds_nothing_of_others(lib):
    folder = lib.folder("Mien")
    lib.upload(folder=folder, agent=lib.other)
    with pytest.raises(DocumentError, match="autres membres"):
        services.folder_delete(folder=folder, agent=lib.member)
    services.folder_delete(folder=folder, agent=lib.animator)
    assert Folder.objects.get(pk=folder.pk).deleted_at is not None


def test_versions_are_not_duplicated_when_the_database_refuses(lib, monkeypatch):
    """A failure after the file is stored leaves neither a row nor the stored file."""
    import os

    from django.conf import settings

    def boom(*args, **kwargs):
        raise RuntimeError("panne")

    monkeypatch.setattr(services, "_add_used", boom)
    with pytest.raises(RuntimeError):
        lib.upload()
    assert not DocumentVersion.objects.exists() and not Document.objects.exists()
    stored = settings.MEDIA_ROOT / "documents"
    assert not stored.exists() or not any(files for _d, _s, files in os.walk(stored))
