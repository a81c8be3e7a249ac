"""The demo accounts the browser tests sign in with (chat/demo.py, directory demo data), and the
sign-in they all go through."""

from playwright.sync_api import expect

from tests.e2e.pages import wait_until_ready

PASSWORD = "maillage-demo"


def sign_in(page, account, server=None):
    """Sign ``account`` (e-mail, first name, full name) in on the page; it lands on the home page
    greeting them (at ``server``'s root when given), ready."""
    email, first_name, _full_name = account
    page.goto("/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Se connecter").click()
    if server is not None:
        expect(page).to_have_url(f"{server}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bonjour {first_name}")
    wait_until_ready(page)
