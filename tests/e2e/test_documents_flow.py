"""The document library in a real browser, in the demo's « Politique de l'eau en Bretagne »
(documents/demo.py), as Erwan Kerjean (agent@demo.gouv.fr), a member:

- he uploads a PDF with the « Envoyer » button, then a second version of it by dropping the file
  on the upload zone (static/js/documents-upload.js); both versions are listed and the first one
  still downloads, byte for byte;
- once the background worker has run the media task, the PDF shows its thumbnail in the folder
  and its first pages on its own page, pictures that really load;
- a file over the size limit and a macro-enabled ``.docm`` are refused, each with its French
  reason, while nothing is stored;
- axe-core finds no serious or critical violation on the library, a folder, a file's page and
  the bin.

The thumbnails are made by a background task: this module runs its own platform (as the
package's shared server, plus the database the worker runs on, ``db_worker --batch``), with a
small file-size limit (``DOCUMENTS_MAX_FILE_BYTES``) so that an oversized file stays small.
Every wait is on what the page signals: ``data-upload-ready`` once the upload script is bound,
``data-upload-state`` after an answer, a navigation, an image's ``complete`` and size.
"""

import base64

import pytest
from playwright.sync_api import expect

from tests.documents.fixtures.files import pdf_bytes, zip_with
from tests.e2e.accounts import sign_in
from tests.e2e.axe import assert_accessible
from tests.e2e.pages import goto_ready, wait_until_ready
from tests.e2e.platforms import demo_platform, platform_page

pytestmark = pytest.mark.e2e

AGENT = ("agent@demo.gouv.fr", "Erwan", "Erwan Kerjean")
LIBRARY = "/communautes/politique-de-l-eau-en-bretagne/documents/"
MAX_FILE_BYTES = 200_000
FIRST = pdf_bytes("Compte rendu e2e", "Version 1 : provisoire", "Annexe")
SECOND = pdf_bytes("Compte rendu e2e", "Version 2 : validée", "Annexe", "Signatures")


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    yield from demo_platform(tmp_path_factory, "documents", DOCUMENTS_MAX_FILE_BYTES=MAX_FILE_BYTES)


browser_page = platform_page("browser_page", screenshot_suffix="")


def watch(page):
    """The page's console errors and uncaught exceptions (a CSP violation is one)."""
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def open_library(page):
    goto_ready(page, LIBRARY)
    expect(page.get_by_test_id("documents-upload-form")).to_have_attribute("data-upload-ready", "1")


def as_file(name, data, mime):
    return {"name": name, "mimeType": mime, "buffer": data}


def drop_files(page, files):
    """Drop ``files`` on the upload zone as a person dragging them from the desktop does: a
    ``DataTransfer`` holding them, through dragenter, dragover and drop."""
    payload = [
        {"name": name, "type": mime, "data": base64.b64encode(data).decode()}
        for name, data, mime in files
    ]
    transfer = page.evaluate_handle(
        """files => {
            const transfer = new DataTransfer();
            for (const file of files) {
                const bytes = Uint8Array.from(atob(file.data), c => c.charCodeAt(0));
                transfer.items.add(new File([bytes], file.name, {type: file.type}));
            }
            return transfer;
        }""",
        payload,
    )
    zone = page.locator("[data-documents-dropzone]")
    for event in ("dragenter", "dragover", "drop"):
        zone.dispatch_event(event, {"dataTransfer": transfer})


def file_row(page, name):
    return page.get_by_test_id("documents-file-row").filter(
        has=page.get_by_role("link", name=name, exact=True)
    )


def download(page, link):
    with page.expect_download() as info:
        link.click()
    with open(info.value.path(), "rb") as handle:
        return handle.read()


def loaded(image):
    """Wait until ``image`` (scrolled into view: it may load lazily) has loaded a picture."""
    image.scroll_into_view_if_needed()
    image.page.wait_for_function(
        "image => image.complete && image.naturalWidth > 0", arg=image.element_handle()
    )
    return image.evaluate("image => [image.naturalWidth, image.naturalHeight]")


def test_an_upload_by_the_button_then_a_second_version_dropped_keeps_the_first(
    platform, browser_page
):
    """Erwan sends « Compte rendu e2e.pdf » with the button, then drops a second version of it;
    the file's page lists versions 2 and 1, the current download is the second file and the
    first version's download is the first file, byte for byte."""
    page = browser_page
    problems = watch(page)
    sign_in(page, AGENT)
    open_library(page)
    page.get_by_label("Ajouter des fichiers").set_input_files(
        [as_file("Compte rendu e2e.pdf", FIRST, "application/pdf")]
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer").click()
    wait_until_ready(page)
    row = file_row(page, "Compte rendu e2e.pdf")
    expect(row).to_be_visible()

    expect(page.get_by_test_id("documents-upload-form")).to_have_attribute("data-upload-ready", "1")
    with page.expect_navigation():
        drop_files(page, [("Compte rendu e2e.pdf", SECOND, "application/pdf")])
    wait_until_ready(page)
    expect(file_row(page, "Compte rendu e2e.pdf").locator("td").last).to_have_text("2")

    file_row(page, "Compte rendu e2e.pdf").get_by_role("link").last.click()
    wait_until_ready(page)
    expect(page.get_by_test_id("document-name")).to_contain_text("Compte rendu e2e.pdf")
    expect(page.get_by_test_id("document-version-row")).to_have_count(2)
    assert download(page, page.get_by_test_id("document-download")) == SECOND
    assert download(page, page.get_by_role("link", name="Télécharger la version 1")) == FIRST
    assert problems == []


def test_a_pdf_shows_its_thumbnail_and_its_first_pages(platform, browser_page):
    """Once the worker has run, the PDF's row in the folder shows its thumbnail (a picture 320
    px wide) and its page shows its pages as pictures."""
    page = browser_page
    sign_in(page, AGENT)
    open_library(page)
    if not file_row(page, "Compte rendu e2e.pdf").count():
        # Run alone: upload the file here.
        page.get_by_label("Ajouter des fichiers").set_input_files(
            [as_file("Compte rendu e2e.pdf", SECOND, "application/pdf")]
        )
        with page.expect_navigation():
            page.get_by_role("button", name="Envoyer").click()
    platform.run_tasks()
    goto_ready(page, LIBRARY)
    row = file_row(page, "Compte rendu e2e.pdf")
    thumbnail = row.locator("img.documents-thumb")
    expect(thumbnail).to_be_visible()
    assert loaded(thumbnail)[0] == 320

    row.get_by_role("link", name="Compte rendu e2e.pdf", exact=True).click()
    wait_until_ready(page)
    pages = page.locator("img[data-documents-preview='pdf-page']")
    expect(pages).to_have_count(3)
    expect(page.locator(".documents-preview")).to_contain_text("Les 3 premières pages sur 4")
    for index in range(3):
        assert loaded(pages.nth(index))[0] == 1000
    expect(pages.first).to_have_attribute("alt", "Page 1 du document « Compte rendu e2e.pdf »")


def test_an_oversized_file_and_a_docm_are_refused_with_their_reasons(platform, browser_page):
    """Sent together, a PDF over the size limit and a ``.docm`` are both refused, each with its
    French reason on the page, and neither appears in the folder."""
    page = browser_page
    problems = watch(page)
    sign_in(page, AGENT)
    open_library(page)
    big = b"%PDF-1.4\n" + b"0" * (MAX_FILE_BYTES + 1000)
    macro = zip_with({"word/document.xml": b"<w:document/>", "word/vbaProject.bin": b"\0" * 64})
    page.get_by_label("Ajouter des fichiers").set_input_files(
        [
            as_file("Rapport trop lourd.pdf", big, "application/pdf"),
            as_file(
                "Modèle avec macros.docm",
                macro,
                "application/vnd.ms-word.document.macroEnabled.12",
            ),
        ]
    )
    page.get_by_role("button", name="Envoyer").click()
    form = page.get_by_test_id("documents-upload-form")
    expect(form).to_have_attribute("data-upload-state", "errors")
    results = form.locator("[data-documents-results]")
    expect(results).to_contain_text("« Rapport trop lourd.pdf » : Le fichier pèse")
    expect(results).to_contain_text("la taille maximale est de")
    expect(results).to_contain_text(
        "« Modèle avec macros.docm » est refusé : les fichiers bureautiques avec macros (.docm)"
    )
    assert problems == []
    goto_ready(page, LIBRARY)
    expect(file_row(page, "Rapport trop lourd.pdf")).to_have_count(0)
    expect(file_row(page, "Modèle avec macros.docm")).to_have_count(0)


def test_the_library_pages_are_accessible(platform, browser_page):
    """axe-core: no serious or critical violation on the library's root, a folder, a file's page
    (with its preview) and the bin."""
    page = browser_page
    sign_in(page, AGENT)
    open_library(page)
    assert_accessible(page, where="the library")
    page.locator("main").get_by_role("link", name="Comptes rendus", exact=True).click()
    wait_until_ready(page)
    expect(page.get_by_test_id("documents-folder-title")).to_contain_text("Comptes rendus")
    assert_accessible(page, where="a folder")
    goto_ready(page, LIBRARY)
    file_row(page, "Carte des captages.png").get_by_role("link").last.click()
    wait_until_ready(page)
    expect(page.locator("img[data-documents-preview='image']")).to_be_visible()
    assert_accessible(page, where="a file's page")
    goto_ready(page, LIBRARY)
    page.locator("main").get_by_role("link", name="Corbeille").click()
    wait_until_ready(page)
    assert_accessible(page, where="the bin")
