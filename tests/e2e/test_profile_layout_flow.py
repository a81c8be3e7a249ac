"""A profile's page as drawn, on a desktop and on a phone: « Profils proches » stays above the
footer (the « Coordonnées » card above it used to take its column's whole height, pushing it out
of the column and over the footer).

Uses agent02@demo.gouv.fr (Céline Dupont), who only reads.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.accounts import sign_in
from tests.e2e.pages import goto_ready
from tests.e2e.test_community_flow import READER

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 390, "height": 844}


def assert_above_the_footer(page):
    """« Profils proches » is shown, and its box ends before the footer's begins."""
    suggestions = page.get_by_test_id("suggestions")
    expect(suggestions.get_by_role("heading", level=2)).to_have_text("Profils proches")
    expect(suggestions.get_by_test_id("suggestion").first).to_be_visible()
    block = suggestions.bounding_box()
    footer = page.locator("#footer").bounding_box()
    assert block["y"] + block["height"] <= footer["y"], (
        f"« Profils proches » ({block}) overlaps the footer ({footer}) on {page.url} at "
        f"{page.viewport_size}"
    )


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
def test_similar_profiles_stay_above_the_footer(web_page, viewport):
    """On her own profile and on a suggested colleague's, « Profils proches » ends above the
    footer."""
    page = web_page
    page.set_viewport_size(viewport)
    sign_in(page, READER)
    own = page.get_by_test_id("header-profile").first.get_attribute("href")

    goto_ready(page, own)
    expect(page.get_by_role("heading", level=1)).to_have_text(READER[2])
    assert_above_the_footer(page)

    colleague = page.get_by_test_id("suggestion").first.get_by_role("link")
    name = colleague.inner_text()
    colleague.click()
    expect(page).to_have_url(re.compile(r"/agents/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    assert_above_the_footer(page)
