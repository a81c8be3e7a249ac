"""Thumbnails and renditions of the library's files (``documents.thumbnails``): real pictures and
PDFs built by code, hostile files refused without raising."""

import io

import pytest
from PIL import Image

from documents import thumbnails
from tests.documents.fixtures.files import (
    HTML,
    SVG,
    image_bytes,
    pdf_bytes,
    png_header_bytes,
)


def picture(data):
    """The decoded thumbnail, checked to be a WebP."""
    assert data is not None
    image = Image.open(io.BytesIO(data))
    assert image.format == "WEBP"
    return image


@pytest.mark.parametrize("format", ["PNG", "JPEG", "WEBP", "GIF"])
def test_an_image_gets_a_webp_thumbnail_320_pixels_wide(format):
    """A landscape picture of each accepted format is shrunk to 320 px wide, keeping its ratio."""
    image = picture(thumbnails.thumbnail(io.BytesIO(image_bytes(format, size=(800, 600)))))
    assert image.size == (320, 240)
    red, green, blue = image.convert("RGB").getpixel((160, 120))[:3]
    assert red > 150 and green < 80 and blue < 80


def test_a_tall_image_fits_in_the_thumbnail_height_and_a_small_one_is_not_enlarged():
    """A 100 × 2,000 strip becomes 24 × 480, a 50 × 40 icon stays 50 × 40."""
    assert picture(thumbnails.thumbnail(io.BytesIO(image_bytes(size=(100, 2000))))).size == (
        24,
        480,
    )
    assert picture(thumbnails.thumbnail(io.BytesIO(image_bytes(size=(50, 40))))).size == (50, 40)


def test_a_photo_is_turned_as_its_exif_orientation_says():
    """A JPEG stored sideways with orientation 6 (rotate 90°) gives an upright, portrait
    thumbnail."""
    exif = Image.Exif()
    exif[0x0112] = 6
    data = image_bytes("JPEG", size=(800, 600), exif=exif.tobytes())
    assert picture(thumbnails.thumbnail(io.BytesIO(data))).size == (320, 427)


def test_a_transparent_picture_keeps_its_transparency():
    """A transparent PNG gives a WebP with an alpha channel, not a black square."""
    data = image_bytes("PNG", size=(64, 64), color=(0, 0, 0, 0), mode="RGBA")
    image = picture(thumbnails.thumbnail(io.BytesIO(data)))
    assert image.mode == "RGBA"
    assert image.getpixel((10, 10))[3] == 0


def test_a_pdf_gets_a_picture_of_its_first_page():
    """An A4 PDF's thumbnail is its first page at 320 px wide: the black bar drawn near its top
    is dark, the rest of the page white."""
    image = picture(thumbnails.thumbnail(io.BytesIO(pdf_bytes("Première page", "Seconde"))))
    assert image.size == (320, 453)
    rgb = image.convert("RGB")
    assert max(rgb.getpixel((100, 43))) < 60
    assert min(rgb.getpixel((250, 300))) > 200


def test_a_landscape_pdf_page_and_the_other_pages_render():
    """A landscape page is 320 px wide too; a later page renders on demand, a page past the
    end gives nothing."""
    data = pdf_bytes("Un", "Deux", "Trois", size=(842, 595))
    assert picture(thumbnails.thumbnail(io.BytesIO(data))).size == (320, 227)
    second = thumbnails.rendition(io.BytesIO(data), width=800, max_height=1200, page=2)
    assert picture(second).size == (800, 566)
    assert thumbnails.rendition(io.BytesIO(data), width=800, max_height=1200, page=3) is None
    assert thumbnails.pdf_page_count(io.BytesIO(data)) == 3


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(pdf_bytes("Secret", password="motdepasse"), id="encrypted-pdf"),
        pytest.param(b"%PDF-1.4\nnot really a pdf", id="corrupt-pdf"),
        pytest.param(image_bytes("PNG")[:200], id="truncated-png"),
        pytest.param(png_header_bytes(50_000, 50_000), id="decompression-bomb"),
        pytest.param(SVG, id="svg"),
        pytest.param(HTML, id="html"),
        pytest.param(b"", id="empty"),
        pytest.param(b"PK\x03\x04 an ODT or anything else", id="other-type"),
    ],
)
def test_a_file_without_a_picture_gives_none_without_raising(data):
    """Encrypted, corrupt, hostile and other files get no thumbnail, and nothing raises."""
    assert thumbnails.thumbnail(io.BytesIO(data)) is None


def test_an_image_over_the_pixel_bound_is_refused_before_it_is_decoded(monkeypatch):
    """The pixel count is read from the header and compared with the bound before decoding: a
    picture over it gets no thumbnail."""
    data = io.BytesIO(image_bytes("PNG", size=(800, 600)))
    monkeypatch.setattr(thumbnails, "MAX_SOURCE_PIXELS", 800 * 600 - 1)
    assert thumbnails.thumbnail(data) is None
    monkeypatch.setattr(thumbnails, "MAX_SOURCE_PIXELS", 800 * 600)
    assert picture(thumbnails.thumbnail(data)).size == (320, 240)


def test_an_unreadable_file_has_no_pages():
    """A corrupt, encrypted or non-PDF file counts 0 pages."""
    assert thumbnails.pdf_page_count(io.BytesIO(b"%PDF-1.4 garbage")) == 0
    assert thumbnails.pdf_page_count(io.BytesIO(pdf_bytes("x", password="a"))) == 0
    assert thumbnails.pdf_page_count(io.BytesIO(image_bytes())) == 0


@pytest.mark.parametrize(
    "data",
    [
        pytest.param("numéro;objet\n1;Demande\n".encode(), id="csv"),
        pytest.param(b"Compte rendu de la reunion du 3 mars", id="text"),
        pytest.param(b"PK\x03\x04 an ODT", id="odt"),
    ],
)
def test_a_file_that_is_not_a_picture_is_not_tried_as_one_nor_logged(data, caplog):
    """A CSV, a text or an office file is no picture: no thumbnail, and no traceback logged for
    it (the log had one per such upload); a broken picture is still logged."""
    with caplog.at_level("INFO", logger="documents.thumbnails"):
        assert thumbnails.thumbnail(io.BytesIO(data)) is None
    assert caplog.records == []
    with caplog.at_level("INFO", logger="documents.thumbnails"):
        assert thumbnails.thumbnail(io.BytesIO(image_bytes("PNG")[:200])) is None
    assert [r.message for r in caplog.records] == ["documents: no picture for a file"]


def test_a_thumbnail_is_stored_under_a_webp_name():
    """The thumbnail's bytes are WebP: its stored name says so (it said .jpg)."""
    from types import SimpleNamespace

    from documents.models import thumbnail_upload_to

    name = thumbnail_upload_to(SimpleNamespace(community_id=7), "vignette")
    assert name.startswith("documents/7/vignettes/") and name.endswith(".webp")
