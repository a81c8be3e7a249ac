"""A small directory whose facet counts are known by heart: 3 services in 2 regions, 9 agents with
known skills, the viewer, a closed and an inactive account, an open and a secret community.

    Bretagne (53)                          Normandie (28)
    DDTM 35 (Ille-et-Vilaine, interm.)     DDTM 14 (Calvados, interm.)
      Élodie Lefèvre  urbanisme, droit       Marie Dubois   urbanisme
      Jean Élève      droit                  Hugo Roux      eau, urbanisme
      Claire Martin   urbanisme, eau         Nina Fournier  —
    DREAL Bretagne (régional, écologie)
      Paul Bernard    biodiversité, eau
      Sophie Petit    eau
      Luc Moreau      droit, marchés publics

The viewer, Anne Simon, has no service and no skill. « Réseau urbanisme » (open) has Élodie,
Claire and Marie as members; « Cellule secrète » (secret) has Jean and Paul.
"""

from types import SimpleNamespace

from directory.models import Department, Ministry, Region, ServiceKind
from directory.search_index import refresh_search_text
from directory.services import agent_close_account
from tests.factories import AgentFactory, CommunityFactory, MembershipFactory, ServiceFactory

URBANISME, DROIT, EAU, BIODIVERSITE, MARCHES = (
    "Urbanisme",
    "Droit des sols",
    "Eau",
    "Biodiversité",
    "Marchés publics",
)


def make_agent(first_name, last_name, service=None, position="", skills=(), **fields):
    """An agent whose searchable text is up to date, as the profile services leave it."""
    agent = AgentFactory(
        first_name=first_name,
        last_name=last_name,
        service=service,
        position=position,
        skills=list(skills),
        **fields,
    )
    refresh_search_text(agent)
    return agent


def build_directory():
    bretagne, normandie = Region.objects.get(code="53"), Region.objects.get(code="28")
    ddtm, dreal = ServiceKind.objects.get(code="DDTM"), ServiceKind.objects.get(code="DREAL")
    interm = Ministry.objects.get(code=Ministry.INTERMINISTERIAL)
    ecologie = Ministry.objects.get(code="ecologie")
    ddtm35 = ServiceFactory(
        short_name="DDTM 35",
        name="Direction départementale des territoires et de la mer d'Ille-et-Vilaine",
        slug="ddtm-35",
        kind=ddtm,
        ministry=interm,
        department=Department.objects.get(code="35"),
    )
    dreal53 = ServiceFactory(
        short_name="DREAL Bretagne",
        name="Direction régionale de l'environnement de Bretagne",
        slug="dreal-bretagne",
        kind=dreal,
        ministry=ecologie,
        department=None,
        region=bretagne,
    )
    ddtm14 = ServiceFactory(
        short_name="DDTM 14",
        name="Direction départementale des territoires et de la mer du Calvados",
        slug="ddtm-14",
        kind=ddtm,
        ministry=interm,
        department=Department.objects.get(code="14"),
    )
    d = SimpleNamespace(
        bretagne=bretagne,
        normandie=normandie,
        ddtm35=ddtm35,
        dreal53=dreal53,
        ddtm14=ddtm14,
        interm=interm,
        ecologie=ecologie,
    )
    d.elodie = make_agent("Élodie", "Lefèvre", ddtm35, "Cheffe de projet", [URBANISME, DROIT])
    d.jean = make_agent("Jean", "Élève", ddtm35, "Instructeur ADS", [DROIT])
    d.claire = make_agent("Claire", "Martin", ddtm35, "Ingénieure des ponts", [URBANISME, EAU])
    d.paul = make_agent("Paul", "Bernard", dreal53, "Chargé de mission", [BIODIVERSITE, EAU])
    d.sophie = make_agent("Sophie", "Petit", dreal53, "Ingénieure", [EAU])
    d.luc = make_agent("Luc", "Moreau", dreal53, "Juriste", [DROIT, MARCHES])
    d.marie = make_agent("Marie", "Dubois", ddtm14, "Cheffe de service", [URBANISME])
    d.hugo = make_agent("Hugo", "Roux", ddtm14, "Technicien", [EAU, URBANISME])
    d.nina = make_agent("Nina", "Fournier", ddtm14, "Assistante")
    d.viewer = make_agent(
        "Anne", "Simon", None, "Chargée de communication", email="anne.simon@sgar.gouv.fr"
    )
    # Never found: a closed account and an account never confirmed (inactive).
    d.closed = make_agent("Zoé", "Urbanisme", ddtm35, "Urbaniste", [URBANISME])
    agent_close_account(agent=d.closed)
    d.inactive = make_agent("Yves", "Urbain", ddtm35, "Urbaniste", [URBANISME], is_active=False)

    d.network = CommunityFactory(name="Réseau urbanisme", slug="reseau-urbanisme", open=True)
    for member in (d.elodie, d.claire, d.marie):
        MembershipFactory(community=d.network, agent=member)
    d.secret = CommunityFactory(name="Cellule secrète", slug="cellule-secrete", private_secret=True)
    for member in (d.jean, d.paul):
        MembershipFactory(community=d.secret, agent=member)
    d.everyone = [
        d.elodie,
        d.jean,
        d.claire,
        d.paul,
        d.sophie,
        d.luc,
        d.marie,
        d.hugo,
        d.nina,
        d.viewer,
    ]
    return d
