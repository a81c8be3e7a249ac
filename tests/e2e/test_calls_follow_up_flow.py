"""The follow-up of the selected projects in real browsers (issue 19), on the demo's 2025 call
« Communautés professionnelles territoriales (2025) » and its labs call (calls/demo_follow_up.py):

- « MOBIL-BZH », selected, its convention in preparation: the CDC (agent03@demo.gouv.fr) tries to
  record it as signed and reads, in French, what is missing; she dates the two signatures and
  uploads the signed copy, the call's manager (admin@demo.gouv.fr) defines an indicator, and the
  convention recorded as signed moves the project to « Convention signée, en cours »;
- its first tranche: its conditions ticked, made payable, its four steps dated in order, each
  date shown; a forged step out of order and a date before the previous step are refused in
  French;
- « RH-BZH » runs with its last quarterly value missing: the board shows it late; the scheduler,
  run in the platform's own process, sends the reminder; Erwan Kerjean (agent@demo.gouv.fr, in
  its team) finds it in his notifications centre, follows it to the indicators page where the
  value is flagged « en retard », enters it: it is late no more;
- « FORM-NORM », its final report submitted: the manager writes the final review (six headings
  and the conclusion), closes the project (« Clos ») and publishes its story, listed in
  « Retours d'expérience »;
- the manager creates a call from the « Laboratoires » template: one wave, five criteria, no
  10-slide presentation, the annual follow-up and the audition selected in its settings; once
  published, a project of it under way asks its lead for the interim review and an annual report
  each year; the demo's labs candidate « LAB-BZH » shows Erwan its audition with its video link;
- the retention purge, run by the scheduler, empties the contact of the historic 2016 call's
  non-selected dossiers (past their 24 months since 2016) and nothing else: their titles stay,
  the laureate and the promising project whose team consented to the registry keep their
  contact, and « Conservation des données » lists the purges;
- axe-core finds no serious or critical violation on the follow-up's pages.

This module runs its own platform, whose data it changes (on PostgreSQL and Redis with
``make test-e2e-scale-out``). Every wait is on what the page signals; the dates are relative to
the platform's today, as the demo's are.
"""

import datetime
import json
import re

import pytest
from playwright.sync_api import expect

from tests.calls import samples
from tests.e2e.accounts import sign_in
from tests.e2e.axe import assert_accessible
from tests.e2e.pages import goto_ready, wait_until_ready
from tests.e2e.platforms import demo_platform, platform_page
from tests.integration.servers import django_shell, manage

pytestmark = pytest.mark.e2e

ADMIN = ("admin@demo.gouv.fr", "Camille", "Camille Lefèvre")
AGENT = ("agent@demo.gouv.fr", "Erwan", "Erwan Kerjean")
CDC_EMAIL = "agent03@demo.gouv.fr"
FOLLOW_UP = "/appels/communautes-professionnelles-2025/"
LABS = "/appels/laboratoires-innovation-2027/"
HISTORIC = "/appels/communautes-professionnelles-2016/"
ANNUAL = "Une revue intermédiaire, puis un rapport annuel chaque année"

# Read in the platform's own process: the demo's dossiers the test follows, the CDC's first
# name (the home page greets her with it), the platform's today and the contact e-mails of the
# historic call's dossiers before the purge.
SETUP = """
import json
from django.utils import timezone
from calls.models import Dossier
from directory.models import Agent

def dossier(slug, acronym):
    return Dossier.objects.get(call__slug=slug, acronym=acronym)

follow_up, labs, historic = (
    "communautes-professionnelles-2025", "laboratoires-innovation-2027",
    "communautes-professionnelles-2016",
)
ids = {acronym: dossier(follow_up, acronym).pk
       for acronym in ("MOBIL-BZH", "RH-BZH", "FORM-NORM", "CARTO-BZH")}
ids["LAB-BZH"] = dossier(labs, "LAB-BZH").pk
contacts = {}
for acronym in ("EAU-NORM", "SIGNAL", "ACCUEIL", "NOMADE", "ADS-BZH", "CARTO", "AGRI-DATA"):
    found = dossier(historic, acronym)
    ids[acronym] = found.pk
    contacts[acronym] = [found.state, found.title, found.contact_email]
cdc = Agent.objects.get(email="agent03@demo.gouv.fr")
print(json.dumps({
    "ids": ids, "contacts": contacts, "cdc_first_name": cdc.first_name,
    "today": timezone.localdate().isoformat(),
}))
"""


# A project of the new labs call, selected and under way for two years since a month ago, Erwan
# its operational lead (written in the platform's process: its selection is part 1's flow).
LABS_PROJECT = """
import datetime, json
from decimal import Decimal
from django.utils import timezone
from calls.models import Call, Convention, Dossier, DossierMember
from directory.models import Agent, Region

call = Call.objects.get(slug="%(slug)s")
erwan = Agent.objects.get(email="agent@demo.gouv.fr")
today = timezone.localdate()
starts_on = today - datetime.timedelta(days=30)
dossier = Dossier.objects.create(
    call=call, wave=call.waves.get(), title="Laboratoire d'innovation territoriale de Normandie",
    acronym="LAB-NORM", region=Region.objects.get(code="28"),
    operational_service=erwan.service, created_by=erwan,
)
DossierMember.objects.create(dossier=dossier, agent=erwan, role=DossierMember.Role.LEAD)
Convention.objects.create(
    dossier=dossier, funding_terms="Aide de 300 k€ en trois tranches annuelles.",
    eligible_expenses="Frais de personnel interne ; aménagement du lieu.",
    starts_on=starts_on, ends_on=starts_on + datetime.timedelta(days=730),
    sponsor_signatory="Le préfet de la région Normandie", sponsor_signed_on=starts_on,
    cdc_signatory="La directrice régionale de la Banque des territoires",
    cdc_signed_on=starts_on, signed_at=timezone.now(),
)
Dossier.objects.filter(pk=dossier.pk).update(
    state=Dossier.State.IN_PROGRESS, granted_amount=Decimal("300"), decided_at=timezone.now(),
)
print(json.dumps({"id": dossier.pk, "year": starts_on.year}))
"""


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    yield from demo_platform(tmp_path_factory, "calls-follow-up", scale_out=True)


@pytest.fixture(scope="module")
def world(platform):
    world = json.loads(django_shell(SETUP, env=platform.env).splitlines()[-1])
    world["today"] = datetime.date.fromisoformat(world["today"])
    return world


cdc = platform_page("cdc")
manager = platform_page("manager")
member = platform_page("member")


def cdc_account(world):
    return (CDC_EMAIL, world["cdc_first_name"], "")


def follow_up_url(world, acronym, part, call=FOLLOW_UP):
    return f"{call}dossiers/{world['ids'][acronym]}/{part}"


def day(world, days_ago):
    """The platform's today minus ``days_ago`` days, as a date field takes it."""
    return (world["today"] - datetime.timedelta(days=days_ago)).isoformat()


def french(world, days_ago):
    return (world["today"] - datetime.timedelta(days=days_ago)).strftime("%d/%m/%Y")


def run_job(platform, name):
    """Run one periodic job once, in the platform's own process, as the scheduler does; then the
    background tasks it queued (the notifications' fan-out)."""
    output = manage("scheduler", "--once", "--only", name, env=platform.env)
    platform.run_tasks()
    return output


def set_tranche(page, world, number, amount):
    """Change the amount of the tranche ``number`` of MOBIL-BZH from the tranches page."""
    goto_ready(page, follow_up_url(world, "MOBIL-BZH", "tranches/"))
    page.get_by_role("link", name=f"Modifier la tranche {number}").click()
    wait_until_ready(page)
    form = page.get_by_test_id("tranche-edit-form")
    form.get_by_label("Montant (k€)").fill(amount)
    form.get_by_role("button", name="Enregistrer la tranche").click()
    wait_until_ready(page)
    expect(page.locator(".fr-alert--success")).to_contain_text(f"La tranche {number} est modifiée.")


def date_step(page, number, value, *, bop=None):
    form = page.get_by_test_id(f"step-form-{number}")
    form.locator("input[type=date]").fill(value)
    if bop is not None:
        form.get_by_label("BOP du préfet", exact=True).fill(bop)
    form.get_by_role("button", name=re.compile("Dater l.étape")).click()
    wait_until_ready(page)


def test_a_selected_project_signs_its_convention_and_pays_its_first_tranche(
    platform, world, cdc, manager
):
    """MOBIL-BZH: the signature refused with the French list of what is missing, then recorded
    once the CDC has dated the signatures and uploaded the copy and the manager has defined an
    indicator (« Convention signée, en cours »); its first tranche through its conditions, made
    payable, then its four steps dated in order (an out-of-order step and a date before the
    previous step refused in French), each date shown."""
    sign_in(cdc, cdc_account(world))
    convention = follow_up_url(world, "MOBIL-BZH", "convention/")
    goto_ready(cdc, convention)
    expect(cdc.get_by_test_id("dossier-state")).to_have_text("Lauréat")
    missing = cdc.get_by_test_id("sign-missing")
    expect(missing).to_contain_text("la date de signature du porteur de projet")
    expect(missing).to_contain_text("la date de signature de la Caisse des dépôts")
    expect(missing).to_contain_text("la convention signée (fichier)")
    expect(missing).to_contain_text("au moins un indicateur de suivi")
    # The tranches add up to the grant (70 + 50 k€ for 120): not in the list, until the second
    # one is lowered.
    expect(missing).not_to_contain_text("des tranches dont la somme")
    set_tranche(cdc, world, 2, "40")
    goto_ready(cdc, convention)
    expect(cdc.get_by_test_id("sign-missing")).to_contain_text(
        "des tranches dont la somme égale l'aide accordée"
    )
    expect(cdc.get_by_test_id("tranches-total")).to_contain_text("écart")
    assert_accessible(cdc, where="convention in preparation")

    # A first attempt: refused, naming what is missing.
    cdc.get_by_test_id("sign-button").click()
    wait_until_ready(cdc)
    refusal = cdc.get_by_test_id("sign-refusal")
    expect(refusal).to_contain_text("ne peut pas encore être enregistrée comme signée")
    expect(refusal).to_contain_text("la convention signée (fichier)")
    expect(refusal).to_contain_text("des tranches dont la somme égale l'aide accordée")
    expect(cdc.get_by_test_id("dossier-state")).to_have_text("Lauréat")

    # The tranches back to the grant.
    set_tranche(cdc, world, 2, "50")
    goto_ready(cdc, convention)
    expect(cdc.get_by_test_id("sign-missing")).not_to_contain_text("des tranches dont la somme")
    expect(cdc.get_by_test_id("tranches-total")).not_to_contain_text("écart")

    # The CDC dates the signatures and uploads the signed copy.
    form = cdc.get_by_test_id("convention-form")
    form.get_by_label("Signé par le porteur de projet le").fill(day(world, 6))
    form.get_by_label("Signé par la Caisse des dépôts le").fill(day(world, 2))
    form.get_by_test_id("convention-save").click()
    wait_until_ready(cdc)
    expect(cdc.locator(".fr-alert--success")).to_contain_text("La convention est enregistrée.")
    expect(cdc.get_by_test_id("sign-missing")).not_to_contain_text("date de signature")
    upload = cdc.get_by_test_id("upload-form")
    upload.locator("input[type=file]").set_input_files(
        {"name": "convention-mobil-bzh.pdf", "mimeType": "application/pdf", "buffer": samples.pdf()}
    )
    upload.get_by_role("button", name="Déposer la convention signée").click()
    wait_until_ready(cdc)
    expect(cdc.get_by_test_id("convention-download")).to_contain_text("convention-mobil-bzh.pdf")
    expect(cdc.get_by_test_id("sign-missing")).not_to_contain_text("fichier")
    expect(cdc.get_by_test_id("sign-missing")).to_contain_text("au moins un indicateur de suivi")

    # The manager defines an indicator (the CDC does not).
    sign_in(manager, ADMIN)
    goto_ready(manager, follow_up_url(world, "MOBIL-BZH", "indicateurs/"))
    manager.get_by_test_id("indicator-new").click()
    wait_until_ready(manager)
    form = manager.get_by_test_id("indicator-form")
    form.get_by_label("Indicateur", exact=False).first.fill("Agents ayant fait une immersion")
    form.get_by_label("Unité").fill("agents")
    form.get_by_label("Valeur de référence").fill("0")
    form.get_by_label("Fréquence de saisie").select_option(label="Semestrielle")
    form.get_by_label("Première échéance").fill(
        (world["today"] + datetime.timedelta(days=200)).isoformat()
    )
    form.get_by_role("button", name="Enregistrer l'indicateur").click()
    wait_until_ready(manager)
    expect(manager.get_by_test_id("indicator")).to_contain_text("Agents ayant fait une immersion")

    # Complete: the CDC records the signed convention; the project is under way.
    goto_ready(cdc, convention)
    expect(cdc.get_by_test_id("sign-missing")).to_have_count(0)
    expect(cdc.get_by_test_id("convention-sign")).to_contain_text("La convention est complète")
    cdc.get_by_test_id("sign-button").click()
    wait_until_ready(cdc)
    expect(cdc.get_by_test_id("dossier-state")).to_have_text("Convention signée, en cours")
    expect(cdc.get_by_test_id("convention-signed")).to_be_visible()

    # The first tranche: its conditions, then payable.
    cdc.get_by_test_id("follow-up-menu-tranches").get_by_role("link").click()
    wait_until_ready(cdc)
    tranche = cdc.get_by_test_id("tranche-1")
    expect(tranche.get_by_test_id("tranche-state")).to_have_text("En attente des conditions")
    for label in ("Convention signée", "Équipe projet constituée"):
        cdc.get_by_test_id("tranche-1").get_by_role("button", name=f"Cocher « {label} »").click()
        wait_until_ready(cdc)
        expect(cdc.locator(".fr-alert--success")).to_contain_text(f"« {label} » est cochée")
    tranche = cdc.get_by_test_id("tranche-1")
    expect(tranche.get_by_test_id("tranche-blockers")).to_have_count(0)
    tranche.get_by_test_id("payable-button").click()
    wait_until_ready(cdc)
    tranche = cdc.get_by_test_id("tranche-1")
    expect(tranche.get_by_test_id("tranche-state")).to_have_text("Payable")
    assert_accessible(cdc, where="tranches with a step form")

    # The CDC's payment into the fonds de concours.
    date_step(cdc, 1, day(world, 4))
    tranche = cdc.get_by_test_id("tranche-1")
    expect(tranche.get_by_test_id("step-cdc_paid_on")).to_contain_text(french(world, 4))
    expect(tranche.get_by_test_id("tranche-state")).to_have_text(
        "Versement de la CDC au fonds de concours"
    )

    # A forged step out of order (the credits before the revenue order): refused.
    form = cdc.get_by_test_id("step-form-1")
    form.locator("input[type=hidden][name$='-step']").evaluate(
        "input => { input.value = 'credits_opened_on'; }"
    )
    date_step(cdc, 1, day(world, 3))
    expect(cdc.get_by_test_id("step-form-1")).to_contain_text(
        "Étape suivante attendue : « Titre de perception émis par le CBCM ». "
        "Les étapes se suivent dans l'ordre."
    )
    expect(
        cdc.get_by_test_id("tranche-1").get_by_test_id("step-credits_opened_on")
    ).to_contain_text("à venir")
    # The revenue order dated before the CDC's payment: refused.
    goto_ready(cdc, follow_up_url(world, "MOBIL-BZH", "tranches/"))
    date_step(cdc, 1, day(world, 5))
    expect(cdc.get_by_test_id("step-form-1")).to_contain_text(
        "« Titre de perception émis par le CBCM » ne peut pas précéder "
        f"« Versement de la CDC au fonds de concours » ({french(world, 4)})"
    )
    expect(cdc.get_by_test_id("tranche-1").get_by_test_id("step-revenue_order_on")).to_contain_text(
        "à venir"
    )

    # The three other steps, in order.
    goto_ready(cdc, follow_up_url(world, "MOBIL-BZH", "tranches/"))
    date_step(cdc, 1, day(world, 3))
    date_step(cdc, 1, day(world, 2))
    date_step(cdc, 1, day(world, 1), bop="BOP 307 — Administration territoriale de l'État")
    tranche = cdc.get_by_test_id("tranche-1")
    for field, days_ago in (
        ("cdc_paid_on", 4),
        ("revenue_order_on", 3),
        ("credits_opened_on", 2),
        ("distributed_on", 1),
    ):
        expect(tranche.get_by_test_id(f"step-{field}")).to_contain_text(french(world, days_ago))
    expect(tranche.get_by_test_id("step-distributed_on")).to_contain_text("BOP 307")
    expect(tranche.get_by_test_id("tranche-state")).to_have_text(
        "Crédits répartis sur le BOP du préfet"
    )
    expect(cdc.get_by_test_id("step-form-1")).to_have_count(0)
    # The second tranche waits for its conditions.
    expect(cdc.get_by_test_id("tranche-2").get_by_test_id("tranche-state")).to_have_text(
        "En attente des conditions"
    )


def test_a_late_indicator_reminds_the_team_who_enters_it(platform, world, manager, member):
    """RH-BZH's last quarterly value is missing: the board shows it late; the scheduler's job
    sends the reminder, which Erwan finds in his notifications centre and follows to the
    indicators page, where the value is « en retard »; once entered, it is late no more (and
    the board says so)."""
    sign_in(manager, ADMIN)
    goto_ready(manager, "/appels/suivi/")
    row = manager.locator(f"[data-testid=board-row][data-id='{world['ids']['RH-BZH']}']")
    expect(row.get_by_test_id("board-late")).to_have_attribute("data-count", "1")
    expect(row.get_by_test_id("board-late")).to_contain_text("1 en retard")

    sign_in(member, AGENT)
    goto_ready(member, "/notifications/")
    reminders = member.get_by_test_id("notification").filter(
        has_text="Indicateurs de suivi en retard"
    )
    expect(reminders).to_have_count(0)

    output = run_job(platform, "calls.indicator_reminders")
    assert "calls.indicator_reminders : 1" in output, output
    # A second run sends nothing more.
    output = run_job(platform, "calls.indicator_reminders")
    assert "calls.indicator_reminders : 0" in output, output

    goto_ready(member, "/notifications/")
    reminders = member.get_by_test_id("notification").filter(
        has_text="Indicateurs de suivi en retard"
    )
    expect(reminders).to_have_count(1)
    expect(reminders).to_contain_text("Membres actifs de la communauté")
    expect(reminders).to_contain_text("n'est pas saisie")
    reminders.get_by_test_id("notification-link").click()
    wait_until_ready(member)
    expect(member).to_have_url(re.compile(rf"/dossiers/{world['ids']['RH-BZH']}/indicateurs/$"))

    indicator = member.get_by_test_id("indicator").filter(has_text="Membres actifs")
    late = indicator.locator("[data-testid=due-row][data-late='1']")
    expect(late).to_have_count(1)
    expect(late.get_by_test_id("late-badge")).to_have_text("en retard")
    due = late.get_attribute("data-due")
    expect(member.get_by_test_id("indicators-late")).to_contain_text("n'a pas été saisie")

    form = indicator.get_by_test_id("value-form")
    form.get_by_label("Échéance").select_option(due)
    form.get_by_label("Valeur", exact=True).fill("142")
    form.get_by_label("Commentaire").fill("Saisie après le rappel.")
    form.get_by_role("button", name="Enregistrer la valeur").click()
    wait_until_ready(member)
    expect(member.locator(".fr-alert--success")).to_contain_text("La valeur est enregistrée.")
    indicator = member.get_by_test_id("indicator").filter(has_text="Membres actifs")
    entered = indicator.locator(f"[data-testid=due-row][data-due='{due}']")
    expect(entered.get_by_test_id("value")).to_contain_text("142")
    expect(entered).not_to_have_attribute("data-late", "1")
    expect(entered.get_by_test_id("late-badge")).to_have_count(0)
    expect(member.get_by_test_id("indicators-late")).to_have_count(0)

    goto_ready(manager, "/appels/suivi/")
    row = manager.locator(f"[data-testid=board-row][data-id='{world['ids']['RH-BZH']}']")
    expect(row.get_by_test_id("board-late")).to_have_attribute("data-count", "0")


def test_the_final_review_closes_a_project_whose_story_is_published(platform, world, manager):
    """FORM-NORM, its final report submitted: the manager writes the final review (the six
    headings and the conclusion) and closes the project (« Clos »); the story published from
    the closed project is listed in « Retours d'expérience »."""
    sign_in(manager, ADMIN)
    goto_ready(manager, follow_up_url(world, "FORM-NORM", "rapports/"))
    expect(manager.get_by_test_id("dossier-state")).to_have_text("Rapport final remis")
    expect(manager.get_by_test_id("report")).to_contain_text("rapport-final.pdf")
    expect(manager.get_by_test_id("close-blocked")).to_be_visible()
    assert_accessible(manager, where="reports with the final review form")

    section = manager.locator("[data-testid=review-form-section][data-kind=final]")
    form = section.get_by_test_id("review-form")
    form.get_by_label("Aspects administratifs").fill("Convention respectée, pièces complètes.")
    form.get_by_label("Aspects techniques").fill("Les supports sont partagés par 40 formateurs.")
    form.get_by_label("Aspects financiers").fill("90 k€ consommés sur 90.")
    form.get_by_label("Contribution à la modernisation").fill(
        "Des formations montées deux fois plus vite."
    )
    form.get_by_label("Perspectives ouvertes").fill("Généralisation aux régions voisines.")
    form.get_by_label("Autres bénéfices").fill("Un réseau de formateurs durable.")
    form.get_by_text("Réussi", exact=True).click()
    form.get_by_role("button", name="Enregistrer la revue").click()
    wait_until_ready(manager)
    expect(manager.locator(".fr-alert--success")).to_contain_text("Revue finale est enregistrée")
    review = manager.locator("[data-testid=review][data-kind=final]")
    expect(review.get_by_test_id("review-conclusion")).to_have_text("Réussi")
    expect(review).to_contain_text("Des formations montées deux fois plus vite.")

    manager.get_by_test_id("close-form").get_by_role("button", name="Clore le projet").click()
    wait_until_ready(manager)
    expect(manager.get_by_test_id("dossier-state")).to_have_text("Clos")
    expect(manager.get_by_test_id("due-none")).to_contain_text("Le projet est clos")

    title = "Des formateurs internes en réseau"
    form = manager.get_by_test_id("story-form")
    form.get_by_text("Réussite", exact=True).click()
    form.get_by_label("Titre").fill(title)
    form.get_by_label("Récit").fill(
        "Les formateurs partagent leurs supports.\n\n**Ce qui a marché** : un dépôt commun."
    )
    form.get_by_role("button", name="Publier le retour d'expérience").click()
    wait_until_ready(manager)
    expect(manager.get_by_role("heading", level=1)).to_have_text(title)

    goto_ready(manager, "/appels/retours-d-experience/")
    card = manager.get_by_test_id("story-card").filter(has_text=title)
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Normandie")
    expect(card).to_contain_text("Réussite")


def test_a_labs_call_from_its_template_and_an_audition(platform, world, manager, member):
    """The manager creates a call from the « Laboratoires » template: a single wave, five
    criteria, no 10-slide presentation; its settings select the audition, the single deadline
    and the annual follow-up, and a project of it under way asks for the interim review and an
    annual report each year. The demo's labs candidate LAB-BZH shows its team member Erwan the
    audition step, with its video link."""
    sign_in(manager, ADMIN)
    goto_ready(manager, "/appels/nouveau/")
    form = manager.get_by_test_id("call-new-form")
    form.get_by_label("Modèle d'appel").select_option("laboratoires-2016")
    form.get_by_label("Titre de l'appel").fill("Laboratoires d'innovation territoriale (2028)")
    form.locator("label", has_text="National").click()
    form.get_by_label("Clôture de la première vague").fill(
        (world["today"] + datetime.timedelta(days=60)).isoformat()
    )
    form.get_by_test_id("save").click()
    wait_until_ready(manager)
    expect(manager).to_have_url(re.compile(r"/appels/[\w-]+/parametres/$"))
    expect(manager.locator(".fr-alert--success")).to_contain_text("L'appel est créé.")
    expect(manager.get_by_label(ANNUAL)).to_be_checked()
    expect(manager.get_by_label("Audition des candidats présélectionnés")).to_be_checked()
    expect(manager.get_by_label("Une seule date de dépôt")).to_be_checked()
    call_url = manager.url.removesuffix("parametres/")

    goto_ready(manager, call_url)
    expect(manager.get_by_test_id("call-kind")).to_contain_text("Laboratoires")
    expect(manager.get_by_test_id("call-wave")).to_have_count(1)
    expect(manager.locator(".fr-accordion[data-testid=call-criterion]")).to_have_count(5)
    expect(manager.get_by_test_id("call-piece").first).to_be_visible()
    expect(manager.get_by_test_id("call-pieces")).not_to_contain_text("diapositives")
    expect(manager.get_by_test_id("call-pieces")).not_to_contain_text(
        "Présentation à vocation de communication"
    )
    expect(manager.get_by_test_id("call-pieces")).to_contain_text(
        "Description détaillée du projet de laboratoire"
    )

    # Published, then a project of it selected and under way (the selection is part 1's): its
    # follow-up asks for the interim review and an annual report each year.
    manager.get_by_test_id("call-publish").get_by_role("button", name="Publier l'appel").click()
    wait_until_ready(manager)
    expect(manager.get_by_test_id("call-unpublished")).to_have_count(0)
    slug = call_url.rstrip("/").rsplit("/", 1)[-1]
    project = json.loads(
        django_shell(LABS_PROJECT % {"slug": slug}, env=platform.env).splitlines()[-1]
    )
    sign_in(member, AGENT)
    goto_ready(member, f"{call_url}dossiers/{project['id']}/rapports/")
    expect(member.get_by_test_id("dossier-state")).to_have_text("Convention signée, en cours")
    due = member.get_by_test_id("due-list")
    expect(due).to_contain_text("Revue intermédiaire prévue le")
    expect(due).to_contain_text(f"Rapport annuel {project['year']} attendu en")
    expect(member.get_by_test_id("due-section")).to_contain_text("rapport annuel en début d'année")
    form = member.get_by_test_id("report-form-section")
    expect(form.get_by_role("heading", level=2)).to_have_text("Remettre un rapport annuel")
    expect(form.get_by_label("Année couverte par le rapport")).to_be_visible()
    assert_accessible(member, where="reports of a labs project")

    goto_ready(member, follow_up_url(world, "LAB-BZH", "", call=LABS))
    member.get_by_test_id("audition-link").click()
    wait_until_ready(member)
    expect(member.get_by_test_id("audition-page")).to_be_visible()
    expect(member.get_by_test_id("dossier-state")).to_have_text("Présélectionné, audition")
    video = member.get_by_test_id("audition-video")
    expect(video).to_have_attribute("href", "https://webconf.numerique.gouv.fr/lab-bretagne")
    expect(member.get_by_test_id("audition-when")).to_contain_text("14 h 00")
    # The team reads neither the notes nor the managers' forms.
    expect(member.get_by_test_id("audition-notes")).to_have_count(0)
    expect(member.get_by_test_id("schedule-form")).to_have_count(0)


def contact_email(page, world, acronym):
    goto_ready(page, f"{HISTORIC}dossiers/{world['ids'][acronym]}/porteur/")
    return page.locator("input[name='contact_email']")


def test_the_retention_purge_removes_what_it_should_and_nothing_else(platform, world, manager):
    """The historic 2016 call's non-selected dossiers (not selected, ineligible, withdrawn) are
    past their 24 months: the scheduled purge empties their contact, keeps their title, and
    leaves the laureates, the referred dossier and the promising one whose team consented to
    the registry as they are; « Conservation des données » lists the three purges."""
    contacts = world["contacts"]
    purged = ("EAU-NORM", "SIGNAL", "ACCUEIL")
    kept = ("ADS-BZH", "CARTO", "NOMADE", "AGRI-DATA")
    assert [contacts[a][0] for a in purged] == ["not_selected", "ineligible", "withdrawn"]
    assert all(contacts[a][2] for a in (*purged, *kept)), contacts

    sign_in(manager, ADMIN)
    goto_ready(manager, f"{HISTORIC}conservation/")
    expect(manager.get_by_test_id("retention-months")).to_have_attribute("data-value", "24")
    expect(manager.get_by_test_id("retention-log-empty")).to_be_visible()
    expect(contact_email(manager, world, "EAU-NORM")).to_have_value(contacts["EAU-NORM"][2])

    output = run_job(platform, "calls.retention_purge")
    assert "calls.retention_purge : 3" in output, output

    goto_ready(manager, f"{HISTORIC}conservation/")
    rows = manager.get_by_test_id("retention-log-row")
    expect(rows).to_have_count(3)
    for acronym in purged:
        row = manager.locator(f"[data-testid=retention-log-row][data-id='{world['ids'][acronym]}']")
        expect(row).to_contain_text(acronym)
    expect(rows.first).to_contain_text("Contact")

    for acronym in purged:
        expect(contact_email(manager, world, acronym)).to_have_value("")
        expect(manager.locator("main")).to_contain_text(contacts[acronym][1])
    for acronym in kept:
        expect(contact_email(manager, world, acronym)).to_have_value(contacts[acronym][2])
    goto_ready(manager, f"{HISTORIC}dossiers/{world['ids']['EAU-NORM']}/")
    expect(manager.locator("main")).to_contain_text(contacts["EAU-NORM"][1])
    expect(manager.get_by_test_id("dossier-state")).to_have_text("Non retenu")


def test_the_follow_up_pages_are_accessible(platform, world, manager, member):
    """axe-core: no serious or critical violation on the convention, tranches, indicators and
    reports pages, the board, the stories, the audition and the retention page."""
    sign_in(manager, ADMIN)
    for url, where in (
        (follow_up_url(world, "MOBIL-BZH", "convention/"), "convention"),
        (follow_up_url(world, "MOBIL-BZH", "tranches/"), "tranches"),
        (follow_up_url(world, "RH-BZH", "indicateurs/"), "indicators"),
        (follow_up_url(world, "FORM-NORM", "rapports/"), "reports"),
        (follow_up_url(world, "CARTO-BZH", "rapports/"), "reports of a closed project"),
        ("/appels/suivi/", "board"),
        ("/appels/retours-d-experience/", "stories"),
        (follow_up_url(world, "LAB-BZH", "audition/", call=LABS), "audition (manager)"),
        (f"{HISTORIC}conservation/", "retention"),
    ):
        goto_ready(manager, url)
        assert_accessible(manager, where=where)
    sign_in(member, AGENT)
    for url, where in (
        (follow_up_url(world, "RH-BZH", "indicateurs/"), "indicators (team)"),
        (follow_up_url(world, "LAB-BZH", "audition/", call=LABS), "audition (team)"),
    ):
        goto_ready(member, url)
        assert_accessible(member, where=where)
