"""axe-core over the main pages, as an agent and as a visitor: no violation whose impact is
serious or critical (tests/e2e/axe.py). A page added to the platform's main paths belongs here.

Uses agent28@demo.gouv.fr (François Garcia), a member of « Politique de l'eau en Bretagne » who
accepted its charter, whom no other browser test uses; he only reads.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.accounts import sign_in
from tests.e2e.axe import assert_accessible, axe_violations, describe
from tests.e2e.pages import goto_ready, wait_until_room_live

pytestmark = pytest.mark.e2e

MEMBER = ("agent28@demo.gouv.fr", "François", "François Garcia")
COMMUNITY_URL = "/communautes/politique-de-l-eau-en-bretagne/"
PHONE = {"width": 390, "height": 844}

# (name, address)
AGENT_PAGES = [
    ("home", "/"),
    ("communities", "/communautes/"),
    ("community home", COMMUNITY_URL),
    ("announcements", f"{COMMUNITY_URL}annonces/"),
    ("members", f"{COMMUNITY_URL}membres/"),
    ("directory search", "/annuaire/"),
    ("directory search with a query", "/annuaire/?q=urbanisme"),
    ("chat index", "/messagerie/"),
    ("group conversation's participants", "/messagerie/nouveau/?q=Vincent"),
    ("notifications centre", "/notifications/"),
    ("notification preferences", "/notifications/preferences/"),
    ("account", "/compte/"),
]


@pytest.fixture
def member_page(web_page):
    sign_in(web_page, MEMBER)
    return web_page


@pytest.mark.parametrize(("name", "url"), AGENT_PAGES, ids=[name for name, _ in AGENT_PAGES])
def test_main_pages_have_no_serious_accessibility_violation(member_page, name, url):
    """axe-core finds nothing serious or critical on the page, for a signed-in member."""
    response = goto_ready(member_page, url)
    assert response.ok, f"{name}: {response.status}"
    assert_accessible(member_page, where=f"{name} ({url})")


def test_profiles_have_no_serious_accessibility_violation(member_page):
    """Their own profile and a colleague's."""
    page = member_page
    goto_ready(page, page.get_by_test_id("header-profile").first.get_attribute("href"))
    expect(page.get_by_role("heading", level=1)).to_have_text(MEMBER[2])
    assert_accessible(page, where="own profile")
    page.get_by_test_id("suggestion").first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/agents/\d+/$"))
    goto_ready(page, page.url)
    assert_accessible(page, where="a colleague's profile")


def test_announcement_and_chat_room_have_no_serious_accessibility_violation(member_page):
    """An announcement with its comments, and the community's room once live."""
    page = member_page
    goto_ready(page, f"{COMMUNITY_URL}annonces/")
    links = page.locator(f"main a[href^='{COMMUNITY_URL}annonces/']").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )
    announcement = next(href for href in links if re.search(r"/annonces/\d+/$", href))
    goto_ready(page, announcement)
    assert_accessible(page, where=f"an announcement ({announcement})")

    goto_ready(page, "/messagerie/communaute/politique-de-l-eau-en-bretagne/")
    wait_until_room_live(page)
    assert_accessible(page, where=f"the community's room ({page.url})")


def test_home_on_a_phone_has_no_serious_accessibility_violation(member_page):
    """The header with its compact counts, on a phone."""
    member_page.set_viewport_size(PHONE)
    goto_ready(member_page, "/")
    assert_accessible(member_page, where="home on a phone")


def test_sign_in_page_has_no_serious_accessibility_violation(web_page):
    """As an anonymous visitor: the sign-in page."""
    goto_ready(web_page, "/connexion/")
    assert_accessible(web_page, where="sign-in page")


def test_the_check_fails_on_a_violation(web_page):
    """The helper can fail: an image without text alternative is reported with its target."""
    goto_ready(web_page, "/connexion/")
    web_page.evaluate(
        """() => {
            const image = document.createElement("img");
            image.id = "axe-probe";
            image.src = "/static/nothing.png";
            document.querySelector("main").appendChild(image);
        }"""
    )
    violations = axe_violations(web_page)
    assert [v["id"] for v in violations] == ["image-alt"], describe(violations)
    assert violations[0]["targets"] == ["#axe-probe"]
    with pytest.raises(AssertionError, match=r"image-alt \(critical\)[\s\S]*#axe-probe"):
        assert_accessible(web_page)
