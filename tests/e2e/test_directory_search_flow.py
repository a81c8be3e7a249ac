"""The directory's search in a real browser: typing, ticking facets through htmx (the results,
the facet counts and the address follow, the page is not reloaded), then opening a profile.

Uses agent02@demo.gouv.fr (Céline Dupont), who only reads: the demo data is shared by every
browser test of the package.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.accounts import sign_in
from tests.e2e.pages import htmx_swap, type_and_wait_for_swap, wait_until_ready
from tests.e2e.test_community_flow import READER

pytestmark = pytest.mark.e2e


def result_names(page):
    return page.get_by_test_id("search-result-name")


def test_search_by_skill_through_htmx_then_open_a_profile(web_page, maillage_server):
    """Search « urbanisme », tick the skill, get endorsed agents first, open a profile."""
    page = web_page
    sign_in(page, READER, maillage_server)
    page.get_by_role("link", name="Annuaire").first.click()
    expect(page).to_have_url(f"{maillage_server}/annuaire/")
    wait_until_ready(page)
    count = page.get_by_test_id("search-count")
    expect(count).to_have_text(re.compile(r"^\d+ agents$"))
    everyone = int(count.inner_text().split()[0])
    page.evaluate("window.__sameDocument = true")

    # Typing, without accents: after the short delay, fewer agents, and the address follows.
    form = page.get_by_test_id("search-form")
    search = form.get_by_label("Nom, fonction, compétence, service…")
    type_and_wait_for_swap(page, search, "urbanisme", name="q")
    expect(count).to_have_text(re.compile(r"correspond"))
    expect(page).to_have_url(re.compile(r"/annuaire/\?q=urbanisme"))
    matching = int(count.inner_text().split()[0])
    assert 0 < matching < everyone

    # Ticking the skill facet from the keyboard: ranked by endorsements, and the box, swapped
    # with the new counts, stays ticked and keeps the focus.
    # Leaving the text box is a change: htmx asks for the same results again, and swaps the
    # facets with them (the focus follows the box by its id). Space waits for that answer: a
    # box swapped between the key's press and its release would not be ticked.
    skill = page.locator("#facet-skill-urbanisme")
    with htmx_swap(page, q="urbanisme"):
        skill.focus()
    expect(skill).to_be_focused()
    with htmx_swap(page, q="urbanisme", skill="urbanisme"):
        page.keyboard.press("Space")
    expect(count).to_have_text(re.compile(r"les plus recommandés d'abord"))
    expect(page).to_have_url(re.compile(r"skill=urbanisme"))
    expect(page.locator("#facet-skill-urbanisme")).to_be_checked()
    expect(page.locator("#facet-skill-urbanisme")).to_be_focused()
    expect(page.get_by_test_id("active-filters")).to_contain_text("urbanisme")
    expect(page.get_by_test_id("search-skill").first).to_contain_text("recommandation")
    assert page.evaluate("window.__sameDocument") is True, "the page was reloaded"

    # The address is shareable: opened afresh, the same search.
    first = result_names(page).first.inner_text()
    page.goto(page.url)
    assert page.evaluate("window.__sameDocument") is None
    expect(result_names(page).first).to_have_text(first)
    expect(page.locator("#facet-skill-urbanisme")).to_be_checked()

    # Opening the first result's profile.
    result_names(page).first.click()
    expect(page).to_have_url(re.compile(r"/agents/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(first)
