"""The search over everything in real browsers, on a platform of the module's own (the demo data,
its index built by load_demo_data; the tasks that index what is saved run when the test says so):

- Céline Dupont (agent02@demo.gouv.fr) types in the header's box, sees suggestions, submits,
  ticks a facet (the results and the address follow through htmx, the page is not reloaded) and
  opens a result; axe-core finds no serious or critical violation on the search page;
- the issue's « done means »: Erwan Kerjean (agent@demo.gouv.fr) attaches a PDF to a page of the
  wiki of « Politique de l'eau en Bretagne », and Céline finds that page by a word of the PDF; she
  finds a forum reply by a phrase between quotes, a colleague by a skill typed without accents,
  and never the announcement of « Cellule de crise Bretagne », the secret community she is not a
  member of (its page is a 404 for her).

Every wait is on what the page signals (``tests.e2e.pages``), never on time.
"""

import re

import pytest
from playwright.sync_api import expect

from documents.demo import pdf_bytes
from tests.e2e.accounts import sign_in
from tests.e2e.axe import assert_accessible
from tests.e2e.pages import goto_ready, htmx_swap, wait_until_ready
from tests.e2e.platforms import demo_platform, platform_page

pytestmark = pytest.mark.e2e

READER = ("agent02@demo.gouv.fr", "Céline", "Céline Dupont")
AUTHOR = ("agent@demo.gouv.fr", "Erwan", "Erwan Kerjean")
WIKI = "/communautes/politique-de-l-eau-en-bretagne/wiki/"
SECRET = "/communautes/cellule-de-crise-bretagne/"
PAGE = "Rubriques de la nomenclature"


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    yield from demo_platform(tmp_path_factory, "search")


reader = platform_page("reader")
author = platform_page("author")


def header_search(page, text):
    """Type ``text`` key by key in the header's box; wait for the suggestions for all of it."""
    box = page.get_by_test_id("header-search-q")
    with htmx_swap(page, q=text):
        box.press_sequentially(text)
    return page.get_by_test_id("search-suggestions")


def search(page, text):
    """Search ``text`` from the header's box (Enter submits its form); the page of results."""
    page.get_by_test_id("header-search-q").fill(text)
    page.get_by_test_id("header-search-q").press("Enter")
    expect(page).to_have_url(re.compile(r"/recherche/\?q="))
    wait_until_ready(page)
    return page.get_by_test_id("search-results")


def test_header_box_suggests_then_the_page_filters_with_a_facet_and_opens_a_result(
    platform, reader
):
    """Suggestions as Céline types; Enter gives the page; ticking « Sujets de forum » narrows the
    results through htmx, in place; the first result opens the topic."""
    sign_in(reader, READER, platform.url)

    suggestions = header_search(reader, "secheresse")
    expect(suggestions).to_be_visible()
    expect(suggestions.get_by_test_id("search-suggestion").first).to_be_visible()
    expect(suggestions).to_contain_text("Arrêté sécheresse : quel délai de publication ?")
    expect(suggestions.get_by_test_id("search-suggestions-all")).to_contain_text("secheresse")

    reader.get_by_test_id("header-search-q").press("Enter")
    expect(reader).to_have_url(f"{platform.url}/recherche/?q=secheresse")
    wait_until_ready(reader)
    count = reader.get_by_test_id("search-count")
    expect(count).to_have_text(re.compile(r"^\d+ résultats?"))
    everything = int(count.inner_text().split()[0])
    reader.evaluate("window.__sameDocument = true")
    assert_accessible(reader)

    # The DSFR draws the box on its label, which takes the click.
    with htmx_swap(reader, q="secheresse", type="forum_topic"):
        reader.locator("label[for=facet-type-forum_topic]").click()
    expect(reader).to_have_url(re.compile(r"type=forum_topic"))
    expect(reader.locator("#facet-type-forum_topic")).to_be_checked()
    expect(reader.get_by_test_id("active-filter")).to_have_text(["Sujets de forum"])
    kinds = reader.get_by_test_id("search-result-type")
    expect(kinds.first).to_have_text("Sujet de forum")
    assert {kind.strip() for kind in kinds.all_text_contents()} == {"Sujet de forum"}
    assert int(count.inner_text().split()[0]) <= everything
    assert reader.evaluate("window.__sameDocument") is True, "the page was reloaded"
    assert_accessible(reader)

    title = reader.get_by_test_id("search-result-title").first
    name = title.inner_text()
    title.click()
    expect(reader).to_have_url(re.compile(r"/forum/"))
    expect(reader.get_by_test_id("topic-title")).to_contain_text(name.strip("…"))


def test_done_means_a_pdf_a_phrase_a_skill_and_never_the_secret(platform, reader, author, tmp_path):
    """A wiki page found by a word of its attached PDF, a forum reply by a phrase, a colleague
    by a skill without accents; the secret community's announcement never."""
    # Erwan attaches a PDF to a page of the wiki; the background task indexes the page.
    sign_in(author, AUTHOR, platform.url)
    goto_ready(author, WIKI + "pages/")
    author.locator("main").get_by_role("link", name=PAGE, exact=True).click()
    expect(author.get_by_test_id("wiki-page-title")).to_have_text(PAGE)
    wait_until_ready(author)
    author.get_by_test_id("wiki-edit").click()
    expect(author.get_by_test_id("wiki-edit-form")).to_be_visible()
    wait_until_ready(author)
    pdf = tmp_path / "Relevés de la Vilaine.pdf"
    pdf.write_bytes(pdf_bytes(["Releves piezometriques du bassin de la Vilaine", "Campagne 2026"]))
    author.locator("#wiki-attach-file").set_input_files(str(pdf))
    author.get_by_test_id("wiki-attach").click()
    expect(author.get_by_text("est joint")).to_be_visible()
    platform.run_tasks()

    sign_in(reader, READER, platform.url)
    results = search(reader, "piezometriques")
    found = results.get_by_test_id("search-result").filter(has_text=PAGE)
    expect(found).to_have_count(1)
    expect(found.get_by_test_id("search-result-type")).to_have_text("Page de wiki")
    expect(found.get_by_test_id("search-result-excerpt")).to_contain_text("piezometriques")

    # A forum reply by a phrase, between quotes.
    results = search(reader, '"communiqué de presse le matin"')
    reply = results.get_by_test_id("search-result").filter(has_text="Réponse de forum")
    expect(reply.first).to_be_visible()
    expect(reply.first.get_by_test_id("search-result-excerpt")).to_contain_text(
        "communiqué de presse le matin"
    )
    reply.first.get_by_test_id("search-result-title").click()
    expect(reader).to_have_url(re.compile(r"/forum/"))
    expect(reader.locator("main")).to_contain_text(
        "Chez nous, la veille au soir, avec un communiqué de presse le matin même."
    )

    # A colleague by a skill typed without accents.
    results = search(reader, "securite civile")
    agents = results.get_by_test_id("search-result").filter(
        has=reader.get_by_test_id("search-result-type").get_by_text("Agent", exact=True)
    )
    expect(agents.first).to_be_visible()
    expect(agents.first.get_by_test_id("search-result-excerpt")).to_contain_text("sécurité civile")

    # The secret community: a 404 for Céline, and its announcement never found.
    response = reader.goto(SECRET)
    assert response.status == 404
    results_page = reader.goto("/recherche/?q=astreintes")
    assert results_page.status == 200
    wait_until_ready(reader)
    expect(reader.get_by_test_id("search-count")).to_be_visible()
    expect(reader.locator("main")).not_to_contain_text("Astreintes de l'été")
    expect(reader.locator("main")).not_to_contain_text("Cellule de crise Bretagne")
    # Erwan, a member, finds it: the search above did look where it should.
    results = search(author, "astreintes")
    expect(results).to_contain_text("Astreintes de l'été")
