"""In a real browser: search the directory by skill, open a profile, recommend a skill (htmx, no
reload), see who recommended, withdraw; add a career step with the « Ajouter une étape » button."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.accounts import sign_in
from tests.e2e.pages import fill_and_wait_for_swap, goto_ready, htmx_swap, wait_until_ready

pytestmark = pytest.mark.e2e

AGENT = ("agent@demo.gouv.fr", "Erwan", "Erwan Kerjean")


def test_search_by_skill_open_profile_and_endorse(web_page):
    """Erwan finds Nathalie by the skill « biodiversité », recommends it and withdraws it."""
    page = web_page
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    sign_in(page, AGENT)

    goto_ready(page, "/annuaire/")
    # Accents are optional; the results follow the typing (no need to press Enter).
    fill_and_wait_for_swap(page, page.locator("#search-q"), "biodiversite", name="q")
    result = page.get_by_test_id("search-result-name").filter(has_text="Nathalie Moreau").first
    expect(result).to_be_visible()
    result.click()
    expect(page).to_have_url(re.compile(r"/agents/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Nathalie Moreau")
    wait_until_ready(page)
    profile_url = page.url

    skill = page.locator('[data-skill="biodiversité"]')
    expect(skill.get_by_test_id("skill-count")).to_have_text("Aucune recommandation")
    page.evaluate("window.__notReloaded = true")
    with htmx_swap(page, method="POST"):
        skill.get_by_role("button", name="Recommander la compétence biodiversité").click()

    # htmx swapped the skill alone: same page, new count, the withdraw button.
    expect(skill.get_by_test_id("skill-count")).to_have_text("1 recommandation")
    expect(
        skill.get_by_role("button", name=re.compile("Retirer ma recommandation"))
    ).to_be_visible()
    expect(skill.get_by_role("status")).to_have_text("Votre recommandation est enregistrée.")
    assert page.evaluate("window.__notReloaded") is True
    assert page.url == profile_url

    # Who recommended, on expanding.
    skill.get_by_test_id("skill-count").click()
    expect(skill.get_by_role("link", name="Erwan Kerjean")).to_be_visible()

    # It is stored: after a reload, still there; then withdrawn.
    page.reload()
    wait_until_ready(page)
    skill = page.locator('[data-skill="biodiversité"]')
    expect(skill.get_by_test_id("skill-count")).to_have_text("1 recommandation")
    with htmx_swap(page, method="POST"):
        skill.get_by_role("button", name=re.compile("Retirer ma recommandation")).click()
    expect(skill.get_by_test_id("skill-count")).to_have_text("Aucune recommandation")
    expect(
        skill.get_by_role("button", name="Recommander la compétence biodiversité")
    ).to_be_visible()
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_add_a_career_step_with_the_button(web_page):
    """« Ajouter une étape » adds a blank step without reloading; saved, it is on the profile."""
    page = web_page
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    sign_in(page, AGENT)
    page.get_by_test_id("header-profile").first.click()
    page.get_by_role("link", name="Modifier le profil").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Modifier le profil")
    add = page.get_by_role("button", name="Ajouter une étape")
    # Visible is no sign the script ran (the DSFR's .fr-btn display beats the hidden
    # attribute): profile-edit.js marks the button once its click is bound. Only then is the
    # form whole, its steps counted.
    expect(add).to_have_attribute("data-ready", "1")
    expect(add).to_be_visible()
    rows = page.get_by_test_id("career-row")
    before = rows.count()
    add.click()
    expect(rows).to_have_count(before + 1)
    new_row = rows.nth(before)
    new_row.get_by_label("Intitulé du poste").fill("Technicien SIG")
    new_row.get_by_label("Organisme (hors annuaire)").fill("Conseil départemental du Finistère")
    new_row.get_by_label("Début").fill("2011-03-01")
    new_row.get_by_label("Fin").fill("2015-06-30")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".fr-alert--success")).to_have_text("Le profil a été enregistré.")
    career = page.get_by_test_id("profile-career")
    expect(career).to_contain_text("Technicien SIG")
    expect(career).to_contain_text("De mars 2011 à juin 2015")
    assert not [e for e in errors if "Content Security Policy" in e], errors
