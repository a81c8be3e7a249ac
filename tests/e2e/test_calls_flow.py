"""A call for projects in real browsers, on the demo's current call « Communautés
professionnelles territoriales (2027) » (calls/demo.py):

- Erwan Kerjean (agent@demo.gouv.fr), operational lead of a dossier whose forms are filled
  (written for the test, as a team would have over weeks), declares two more partners: the
  pre-check and the gate block the deposit, naming the missing commitment acts, until the third
  one is uploaded; he deposits;
- on a second dossier of a wave that has just closed, his deposit is refused with the closing
  time in French (the exact second, 17:00:01, is the services' test with a clock they control);
- Camille Lefèvre (admin@demo.gouv.fr, the call's manager) sends it to the experts; an expert of
  the team's DREAL cannot be assigned; two independent experts are; each scores every
  criterion; Camille writes up the reasoned opinion; the steering committee's member decides
  « lauréat » with 200 k€ of 350 (57,1 %), refused until the derogation is justified;
- Camille creates the project's community: its page shows it, with Erwan animating it, and the
  team's invitation reaches Nathalie Moreau;
- the project's public page, signed out, shows the grant and never a phone number nor a
  budget line;
- axe-core finds no serious or critical violation on the calls' main pages.

This module runs its own platform, whose data it changes (on PostgreSQL and Redis with
``make test-e2e-scale-out``). Every wait is on what the page signals.
"""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.calls import samples
from tests.e2e.accounts import sign_in
from tests.e2e.axe import assert_accessible
from tests.e2e.pages import goto_ready, wait_until_ready
from tests.e2e.platforms import demo_platform, platform_page
from tests.integration.servers import django_shell

pytestmark = pytest.mark.e2e

ADMIN = ("admin@demo.gouv.fr", "Camille", "Camille Lefèvre")
LEAD = ("agent@demo.gouv.fr", "Erwan", "Erwan Kerjean")
TEAMMATE = ("animateur@demo.gouv.fr", "Nathalie", "Nathalie Moreau")
COMMITTEE = ("agent02@demo.gouv.fr", "", "")
CALL = "/appels/communautes-professionnelles-2027/"
PHONE = "02 99 02 10 35"

# Written in the platform's own process: Erwan's dossier made complete but for its partners'
# acts (one partner, Rennes Métropole, already has its act), Nathalie in its team, a second
# dossier complete on a call whose wave is about to close, and the accounts the test needs.
SETUP = """
import json
from datetime import timedelta
from decimal import Decimal
from django.utils import timezone
from calls.models import Call, Dossier, DossierMember, Wave
from calls.template import call_from_template
from directory.models import Agent
from tests.calls.factories import complete

lead = Agent.objects.get(email="agent@demo.gouv.fr")
call = Call.objects.get(slug="communautes-professionnelles-2027")
dossier = call.dossiers.get(members__agent=lead, state="draft")
complete(dossier, partners=1, pia=Decimal("200"), total=Decimal("350"))
dossier.derogation_justification = "Des porteurs publics : l'aide dépasse 50 %."
dossier.save(update_fields=["derogation_justification"])
nathalie = Agent.objects.get(email="animateur@demo.gouv.fr")
DossierMember.objects.create(dossier=dossier, agent=nathalie, role="team")

closing = call_from_template(
    "communautes-2016", slug="appel-qui-ferme", title="Un appel qui ferme", published=True,
    shift_to=timezone.localdate() + timedelta(days=3),
)
late = Dossier.objects.create(
    call=closing, wave=closing.waves.order_by("number").first(), title="Projet en retard",
    region=dossier.region, operational_service=lead.service, created_by=lead,
)
DossierMember.objects.create(dossier=late, agent=lead, role="lead")
complete(late, partners=1)

team_services = set(dossier.members.exclude(agent__service=None).values_list("agent__service", flat=True))
team_services.add(dossier.operational_service_id)
dreal = nathalie.service
conflicted = Agent.objects.filter(service=dreal, is_active=True).exclude(
    pk__in=dossier.members.values("agent")).order_by("email").first()
experts = list(Agent.objects.filter(is_active=True, is_external=False, email__startswith="agent")
    .exclude(service__in=team_services).exclude(service__kind__family__in=["prefecture", "sgar"])
    .exclude(email__in=["agent01@demo.gouv.fr", "agent02@demo.gouv.fr"]).order_by("email")[:2])
print(json.dumps({
    "dossier": dossier.pk, "late": late.pk, "conflicted": conflicted.email,
    "experts": [[e.email, e.first_name] for e in experts],
}))
"""


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    yield from demo_platform(tmp_path_factory, "calls", scale_out=True)


@pytest.fixture(scope="module")
def world(platform):
    return json.loads(django_shell(SETUP, env=platform.env).splitlines()[-1])


lead = platform_page("lead")
manager = platform_page("manager")
expert = platform_page("expert")
committee = platform_page("committee")
visitor = platform_page("visitor")


def dossier_url(world, part=""):
    return f"{CALL}dossiers/{world['dossier']}/{part}"


def add_partner(page, world, name):
    goto_ready(page, dossier_url(world, "partenaires/"))
    form = page.get_by_test_id("part-form")
    form.get_by_role("textbox", name="Organisme").fill(name)
    form.get_by_role("combobox", name="Nature").select_option(
        label="Service de l'État (administration territoriale)"
    )
    form.get_by_role("combobox", name="Ministère").select_option(label="Agriculture")
    form.get_by_role("button", name="Enregistrer").click()
    wait_until_ready(page)
    expect(page.locator("main")).to_contain_text(name)


def upload_act(page, world, name, file_name):
    """Upload the partner ``name``'s commitment act, signed with an RGS ** certificate."""
    goto_ready(page, dossier_url(world, "partenaires/"))
    card = page.locator("section").filter(has=page.get_by_role("heading", name=name))
    form = card.locator("form[data-testid^='upload-engagement-partenaire']")
    form.locator("input[type=file]").set_input_files(
        {"name": file_name, "mimeType": "application/pdf", "buffer": samples.pdf()}
    )
    form.get_by_label("Type de signature").select_option(value="rgs2")
    form.get_by_role("button", name="Envoyer le fichier").click()
    wait_until_ready(page)
    expect(card.get_by_test_id("act-uploaded")).to_be_visible()


def test_a_call_from_preparation_to_its_laureates_community(
    platform, world, lead, manager, expert, committee, visitor
):
    """The whole of part 1 in the browser: the gate, the deadline, the experts and their
    conflict, the scores, the decision and its derogation, the community, the public page."""
    sign_in(lead, LEAD)
    lead.get_by_role("link", name="Appels à projets").first.click()
    wait_until_ready(lead)
    expect(lead.get_by_test_id("calls-mine")).to_contain_text("ADS-35")

    # Two more partners: the gate names their missing acts; the deposit waits for the third.
    add_partner(lead, world, "DRAAF Bretagne")
    add_partner(lead, world, "DDPP d'Ille-et-Vilaine")
    goto_ready(lead, dossier_url(world))
    expect(lead.get_by_test_id("deposit-button")).to_have_count(0)
    expect(lead.get_by_test_id("deposit-disabled")).to_be_visible()
    expect(lead.get_by_test_id("gate")).to_contain_text("DRAAF Bretagne")
    expect(lead.get_by_test_id("gate")).to_contain_text("DDPP d'Ille-et-Vilaine")
    upload_act(lead, world, "DRAAF Bretagne", "engagement-draaf.pdf")
    goto_ready(lead, dossier_url(world))
    expect(lead.get_by_test_id("deposit-button")).to_have_count(0)
    expect(lead.get_by_test_id("gate")).to_contain_text("DDPP d'Ille-et-Vilaine")
    upload_act(lead, world, "DDPP d'Ille-et-Vilaine", "engagement-ddpp.pdf")
    goto_ready(lead, dossier_url(world))
    expect(lead.get_by_test_id("precheck")).to_be_visible()
    lead.get_by_test_id("deposit-button").click()
    wait_until_ready(lead)
    expect(lead.get_by_test_id("dossier-state")).to_have_text("Déposé")

    # The other dossier, opened while its wave is open, deposited a second after it closed:
    # refused, the platform's clock decides; then the page says the wave is closed.
    goto_ready(lead, f"/appels/appel-qui-ferme/dossiers/{world['late']}/")
    expect(lead.get_by_test_id("deposit-button")).to_be_visible()
    django_shell(
        "from datetime import timedelta\n"
        "from django.utils import timezone\n"
        "from calls.models import Wave\n"
        "Wave.objects.filter(call__slug='appel-qui-ferme').update("
        "deadline=timezone.now() - timedelta(seconds=1))",
        env=platform.env,
    )
    lead.get_by_test_id("deposit-button").click()
    wait_until_ready(lead)
    expect(lead.locator(".fr-alert--error")).to_contain_text(
        re.compile(r"était fixée au .* à \d+ h \d\d \(heure de Paris\) : le dépôt n'est plus")
    )
    expect(lead.get_by_test_id("dossier-state")).to_have_text("Brouillon")
    expect(lead.get_by_test_id("wave-closed")).to_be_visible()
    expect(lead.get_by_test_id("deposit-button")).to_have_count(0)

    # The manager screens it and assigns the experts: one of the team's DREAL is refused.
    sign_in(manager, ADMIN)
    evaluation = dossier_url(world, "evaluation/")
    goto_ready(manager, evaluation)
    manager.get_by_test_id("screen-eligible-form").get_by_role("button").click()
    wait_until_ready(manager)
    expect(manager.get_by_test_id("dossier-state")).to_have_text("En évaluation")
    assign = manager.get_by_test_id("assign-form")
    assign.get_by_label("Adresse électronique de l'expert").fill(world["conflicted"])
    assign.get_by_role("button").click()
    wait_until_ready(manager)
    expect(manager.get_by_test_id("assign-form")).to_contain_text("doit être indépendant")
    for email, _first in world["experts"]:
        assign = manager.get_by_test_id("assign-form")
        assign.get_by_label("Adresse électronique de l'expert").fill(email)
        assign.get_by_role("button").click()
        wait_until_ready(manager)
    expect(manager.get_by_test_id("expert-row")).to_have_count(2)

    # Each expert scores every criterion and gives an opinion.
    for email, first in world["experts"]:
        sign_in(expert, (email, first, ""))
        goto_ready(expert, evaluation)
        form = expert.get_by_test_id("score-form")
        selects = form.locator("select")
        for index in range(selects.count()):
            selects.nth(index).select_option("4")
        form.get_by_label("Votre avis sur le projet").fill("Projet utile et bien mené.")
        form.get_by_role("button").click()
        wait_until_ready(expert)
        expect(expert.get_by_test_id("expert-opinion")).to_contain_text("Projet utile")
        expert.context.clear_cookies()

    # The reasoned opinion, then the decision: 57,1 % needs its derogation justified.
    goto_ready(manager, evaluation)
    opinion = manager.get_by_test_id("opinion-form")
    opinion.get_by_label("Avis motivé du comité d'experts").fill("Avis favorable unanime.")
    opinion.get_by_role("button").click()
    wait_until_ready(manager)
    expect(manager.get_by_test_id("dossier-state")).to_have_text("Avis motivé rendu")

    committee.goto("/connexion/")
    committee.get_by_label("Adresse électronique").fill(COMMITTEE[0])
    committee.get_by_label("Mot de passe", exact=True).fill("maillage-demo")
    committee.locator("main").get_by_role("button", name="Se connecter").click()
    wait_until_ready(committee)
    goto_ready(committee, evaluation)
    decide = committee.get_by_test_id("decide-form")
    decide.locator("label", has_text="Lauréat : le projet est retenu").click()
    decide.get_by_label("Aide accordée (k€)").fill("200")
    decide.get_by_label("Motivation de la décision").fill("Projet exemplaire.")
    decide.get_by_role("button").click()
    wait_until_ready(committee)
    expect(committee.get_by_test_id("decide-form")).to_contain_text("57,1")
    expect(committee.get_by_test_id("decide-form")).to_contain_text("justifiez la dérogation")
    decide = committee.get_by_test_id("decide-form")
    decide.locator("label", has_text="Lauréat : le projet est retenu").click()
    decide.get_by_label("Aide accordée (k€)").fill("200")
    decide.get_by_label("Motivation de la décision").fill("Projet exemplaire.")
    decide.get_by_label("Justification de la dérogation").fill(
        "Porteurs publics, projet exemplaire : l'aide dépasse exceptionnellement 50 %."
    )
    decide.get_by_role("button").click()
    wait_until_ready(committee)
    expect(committee.get_by_test_id("dossier-state")).to_have_text("Lauréat")
    expect(committee.get_by_test_id("decision-share")).to_contain_text("57,1 %")

    # The community of the project, with its team invited.
    goto_ready(manager, evaluation)
    manager.get_by_test_id("community-form").get_by_role("button").click()
    wait_until_ready(manager)
    manager.get_by_test_id("dossier-community").get_by_role("link").click()
    wait_until_ready(manager)
    expect(manager.get_by_role("heading", level=1)).to_contain_text("ADS-35")
    expect(manager.get_by_test_id("community-description")).to_contain_text("projet lauréat")
    expect(manager.get_by_test_id("community-animators")).to_contain_text("Erwan Kerjean")
    community_url = manager.url
    sign_in(visitor, TEAMMATE)
    goto_ready(visitor, community_url)
    visitor.get_by_role("button", name="Accepter l'invitation").click()
    wait_until_ready(visitor)
    expect(visitor.get_by_test_id("community-description")).to_contain_text("projet lauréat")
    visitor.context.clear_cookies()

    # The public page, signed out: the grant, no phone number, no budget line.
    goto_ready(visitor, f"/appels/projets/{world['dossier']}/")
    public = visitor.get_by_test_id("public-project")
    expect(public).to_contain_text("ADS-35")
    expect(public.get_by_test_id("project-grant")).to_contain_text("200")
    main_text = visitor.locator("main").inner_text()
    assert PHONE not in main_text
    assert "MOE interne" not in main_text and "Autofinancement" not in main_text


def test_the_calls_pages_are_accessible(platform, world, lead):
    """axe-core: no serious or critical violation on the calls, a call, the dossier's overview,
    its partners, financing and pieces, and its evaluation page."""
    sign_in(lead, LEAD)
    for url, where in (
        ("/appels/", "calls"),
        (CALL, "call"),
        (dossier_url(world), "dossier overview"),
        (dossier_url(world, "partenaires/"), "partners"),
        (dossier_url(world, "financement/"), "financing"),
        (dossier_url(world, "pieces/"), "pieces"),
        (dossier_url(world, "presentation/"), "presentation"),
        (dossier_url(world, "evaluation/"), "evaluation"),
    ):
        goto_ready(lead, url)
        assert_accessible(lead, where=where)
