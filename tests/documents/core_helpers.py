"""Small real files and a community's library for the documents-core tests."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from documents import services
from tests.factories import CommunityFactory, MembershipFactory


def pdf(name="rapport.pdf", body=b"bonjour"):
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n" + body + b"\n%%EOF\n", content_type="application/pdf"
    )


def png(name="image.png", size=(8, 8)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 0, 145)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def odt(name="note.odt"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return SimpleUploadedFile(
        name, buffer.getvalue(), content_type="application/vnd.oasis.opendocument.text"
    )


def raw(name, content):
    return SimpleUploadedFile(name, content)


class Library:
    """A community with an animator, two members and its library's root folder."""

    def __init__(self, **community_kwargs):
        self.community = CommunityFactory(open=True, **community_kwargs)
        self.animator = MembershipFactory(community=self.community, animator=True).agent
        self.member = MembershipFactory(community=self.community).agent
        self.other = MembershipFactory(community=self.community).agent
        self.root = services.library_root(self.community)

    def upload(self, upload=None, *, folder=None, agent=None):
        document, _version, _created = services.document_upload(
            folder=folder or self.root, agent=agent or self.member, upload=upload or pdf()
        )
        return document

    def folder(self, name="Dossier", *, parent=None, agent=None):
        return services.folder_create(
            parent=parent or self.root, agent=agent or self.member, name=name
        )
