"""The library's pages cost the same number of SQL queries whatever the library holds: each page
and the upload are counted with 3 rows (files and sub-folders in a folder, versions and comments
of a file, files in the bin) and again with 30, and the count is pinned — the pages
bench/documents.py measures with a folder of 10,000 files."""

import io
import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from documents import services
from documents.models import Document, DocumentVersion
from tests.factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db

# The queries of each page for a member, at 3 rows and at 30 (the upload with what runs once it
# commits: the thumbnail and text task).
PINNED = {
    "index": 8,
    "folder_by_name": 9,
    "folder_by_date": 9,
    "folder_by_size": 9,
    "document": 7,
    "versions": 6,
    "download": 6,
    "bin": 7,
    # 16 for the upload itself; the rest is the search's indexing of the new file (once for
    # the upload's transaction, once its text is extracted), which the tests' settings run at
    # once on commit (the worker does it in production).
    "upload": 38,
}


def _csv(name, line):
    return SimpleUploadedFile(name, f"numéro;objet\n{line};Demande\n".encode(), "text/csv")


def _png(name, shade):
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (shade % 256, 0, 145)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), "image/png")


class Library:
    """A community's library that grows through the services, as its members make it grow."""

    def __init__(self):
        self.community = CommunityFactory(open=True)
        self.animator = MembershipFactory(community=self.community, animator=True).agent
        self.viewer = MembershipFactory(community=self.community).agent
        self.writer = MembershipFactory(community=self.community).agent
        self.root = services.library_root(self.community)
        self.folder = services.folder_create(
            parent=self.root, agent=self.writer, name="Comptes rendus"
        )
        self.document, _version, _created = services.document_upload(
            folder=self.root, agent=self.writer, upload=_csv("Tableau de bord.csv", 0)
        )
        self.rows = 0

    def grow(self, rows):
        """Up to ``rows`` files (a third of them images, with their thumbnail) and sub-folders in
        the folder, folders at the root, versions and comments of the file, files the viewer put
        in the bin."""
        for number in range(self.rows + 1, rows + 1):
            upload = (
                _png(f"Photo de terrain {number}.png", number)
                if number % 3 == 0
                else _csv(f"Relevé {number}.csv", number)
            )
            services.document_upload(
                folder=self.folder, agent=[self.writer, self.animator][number % 2], upload=upload
            )
            services.folder_create(parent=self.folder, agent=self.writer, name=f"Année {number}")
            services.folder_create(parent=self.root, agent=self.writer, name=f"Dossier {number}")
            if number > 1:  # the file has its first version already
                services.version_add(
                    document=self.document, agent=self.writer, upload=_csv("Tableau.csv", number)
                )
            services.comment_add(
                document=self.document,
                agent=[self.viewer, self.writer][number % 2],
                body=f"Remarque n° {number} : la colonne des échéances est décalée.",
            )
            binned, _version, _created = services.document_upload(
                folder=self.folder, agent=self.viewer, upload=_csv(f"Brouillon {number}.csv", 1)
            )
            services.document_delete(document=binned, agent=self.viewer)
        self.rows = rows

    def pages(self):
        slug = self.community.slug
        folder = reverse("documents:folder", args=[slug, self.folder.pk])
        return {
            "index": reverse("documents:index", args=[slug]),
            "folder_by_name": folder,
            "folder_by_date": f"{folder}?tri=date",
            "folder_by_size": f"{folder}?tri=taille",
            "document": reverse("documents:document", args=[slug, self.document.pk]),
            "versions": reverse("documents:versions", args=[slug, self.document.pk]),
            "download": reverse("documents:download", args=[slug, self.document.pk, 1]),
            "bin": reverse("documents:bin", args=[slug]),
        }


def _count(func, run_on_commit):
    """The queries of ``func`` and of what it runs once its transaction commits."""
    with CaptureQueriesContext(connection) as captured, run_on_commit(execute=True):
        func()
    return len(captured)


def _get(client, url):
    def request():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
            response.close()

    return request


# Each upload a new name: the same name would make a new version of the file sent before.
_UPLOADS = itertools.count(1)


def _upload(client, library):
    """The viewer sends one new file into the folder (and the search indexes it on commit)."""
    url = reverse("documents:upload", args=[library.community.slug, library.folder.pk])

    def request():
        upload = _csv(f"Envoi {next(_UPLOADS)}.csv", 7)
        response = client.post(url, {"fichiers": [upload], "commentaire": ""})
        assert response.status_code == 302, (url, response.status_code)

    return request


def _counts(client, library, run_on_commit):
    counts = {
        name: _count(_get(client, url), run_on_commit) for name, url in library.pages().items()
    }
    counts["upload"] = _count(_upload(client, library), run_on_commit)
    return counts


def test_query_counts_do_not_grow_with_the_library(client, django_capture_on_commit_callbacks):
    """The library's root (its folders), a folder's page by name, date and size (its files,
    their thumbnails, its sub-folders), a file's page (its versions and comments), its versions'
    page, a download,
    the bin and an upload: the same queries with 3 rows as with 30, and the pinned number."""
    run_on_commit = django_capture_on_commit_callbacks
    library = Library()
    with run_on_commit(execute=True):
        library.grow(3)
    client.force_login(library.viewer)
    _counts(client, library, run_on_commit)  # warm the caches (content types, session)
    small = _counts(client, library, run_on_commit)

    with run_on_commit(execute=True):
        library.grow(30)
    # The comparison means something: ten times the files, sub-folders, versions and comments.
    document = Document.objects.get(pk=library.document.pk)
    assert document.version_count == 30
    assert DocumentVersion.objects.filter(document=document).count() == 30
    assert document.comments.count() == 30
    live = Document.objects.filter(folder=library.folder, deleted_at=None)
    assert live.count() >= 30 and live.exclude(thumbnail="").count() == 10
    assert Document.objects.filter(folder=library.folder).exclude(deleted_at=None).count() == 30
    big = _counts(client, library, run_on_commit)

    assert big == small, (small, big)
    assert small == PINNED, small
