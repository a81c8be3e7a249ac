"""The platform's uploads (``maillage/uploads.py``), which every app's files go through."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from PIL import Image

from maillage.uploads import check_file, protected_download, reencode_jpeg

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("compte-rendu.pdf", PDF, ("compte-rendu.pdf", "application/pdf")),
        ("Notes.TXT", b"texte libre", ("Notes.TXT", "text/plain")),
        ("../../etc/rapport.pdf", PDF, ("rapport.pdf", "application/pdf")),
        ("C:\\Users\\moi\\rapport.pdf", PDF, ("rapport.pdf", "application/pdf")),
        ("facture\u202efdp.exe.pdf", PDF, ("facturefdp.exe.pdf", "application/pdf")),
    ],
)
def test_accepted_files_keep_a_clean_name(name, content, expected):
    """Path parts and bidirectional controls go; the type follows the extension."""
    assert check_file(SimpleUploadedFile(name, content)) == expected


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("vide.pdf", b"", "Le fichier joint est vide."),
        ("script.exe", b"MZ\x90\x00", "Ce type de fichier n'est pas accepté."),
        ("sans-extension", b"texte", "Ce type de fichier n'est pas accepté."),
        (
            "faux.pdf",
            b"<html>",
            "Le contenu du fichier ne correspond pas à son extension « .pdf ».",
        ),
        (
            "lourd.pdf",
            PDF + b"0" * 2000,
            "Le fichier pèse 2,0\xa0Kio : la taille maximale est de 1000",
        ),
    ],
)
def test_refused_files_say_why_in_french(name, content, message):
    """Empty, unknown type, content that lies about its extension, too heavy: refused."""
    with pytest.raises(ValidationError) as refused:
        check_file(SimpleUploadedFile(name, content), max_bytes=1000)
    assert refused.value.messages[0].startswith(message)
    assert refused.value.code == "invalid_file"


def test_reencoding_keeps_pixels_only():
    """A PNG with text metadata comes back a JPEG fitted in the box, without the metadata."""
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    buffer = io.BytesIO()
    Image.new("RGB", (800, 400), "blue").save(buffer, format="PNG", pnginfo=info)
    upload = SimpleUploadedFile("photo.png", buffer.getvalue(), "image/png")
    result = reencode_jpeg(upload, max_dimension=200, name="photo.jpg")
    data = result.read()
    assert result.name == "photo.jpg"
    assert b"<script>" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert image.size == (200, 100)


def test_protected_download_is_an_inert_private_attachment(tmp_path):
    """The answer is a download that is never sniffed, run, or kept by a shared cache."""
    storage = FileSystemStorage(location=tmp_path)
    stored = storage.save("piece.html", ContentFile(b"<script>alert(1)</script>"))
    field_file = storage.open(stored)
    response = protected_download(field_file, name="pièce.html", content_type="text/html")
    assert b"".join(response.streaming_content) == b"<script>alert(1)</script>"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"


def test_protected_download_of_a_missing_file_is_404(tmp_path):
    """A file gone from the storage is a 404, not a 500."""

    class Gone:
        def open(self, mode):
            raise FileNotFoundError

    with pytest.raises(Http404):
        protected_download(Gone(), name="x.pdf", content_type="application/pdf")
