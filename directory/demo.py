"""The directory's demo data: real-looking services in Bretagne, Bourgogne-Franche-Comté, Occitanie
and the Lot, and about sixty agents across them. Idempotent: rows are matched on slug and e-mail
address. ``DirectoryConfig`` registers this loader first with the platform's demo registry
(``maillage.demo``), which ``manage.py load_demo_data`` runs, then those of the apps that build on
the agents.

Never loaded under production settings (``DEMO_DATA_ALLOWED``).
"""

import random

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from directory.models import Agent, Department, Ministry, Region, Service, ServiceKind
from directory.search_index import refresh_search_text

# (slug, kind, short name, full name, region code, department code or None, city)
SERVICES = [
    (
        "pref-bretagne",
        "PREF-REG",
        "Préfecture de Bretagne",
        "Préfecture de la région Bretagne",
        "53",
        "35",
        "Rennes",
    ),
    (
        "sgar-bretagne",
        "SGAR",
        "SGAR Bretagne",
        "Secrétariat général pour les affaires régionales de Bretagne",
        "53",
        None,
        "Rennes",
    ),
    (
        "dreal-bretagne",
        "DREAL",
        "DREAL Bretagne",
        "Direction régionale de l'environnement, de l'aménagement et du logement de Bretagne",
        "53",
        None,
        "Rennes",
    ),
    (
        "draaf-bretagne",
        "DRAAF",
        "DRAAF Bretagne",
        "Direction régionale de l'alimentation, de l'agriculture et de la forêt de Bretagne",
        "53",
        None,
        "Rennes",
    ),
    (
        "direccte-bretagne",
        "DIRECCTE",
        "DIRECCTE Bretagne",
        "Direction régionale des entreprises, de la concurrence, de la consommation, du travail et de l'emploi de Bretagne",
        "53",
        None,
        "Rennes",
    ),
    (
        "ddtm-35",
        "DDTM",
        "DDTM 35",
        "Direction départementale des territoires et de la mer d'Ille-et-Vilaine",
        "53",
        "35",
        "Rennes",
    ),
    (
        "ddtm-29",
        "DDTM",
        "DDTM 29",
        "Direction départementale des territoires et de la mer du Finistère",
        "53",
        "29",
        "Quimper",
    ),
    (
        "ddpp-29",
        "DDPP",
        "DDPP 29",
        "Direction départementale de la protection des populations du Finistère",
        "53",
        "29",
        "Quimper",
    ),
    (
        "ddcs-35",
        "DDCS",
        "DDCS 35",
        "Direction départementale de la cohésion sociale d'Ille-et-Vilaine",
        "53",
        "35",
        "Rennes",
    ),
    (
        "sous-pref-morlaix",
        "SOUS-PREF",
        "Sous-préfecture de Morlaix",
        "Sous-préfecture de Morlaix",
        "53",
        "29",
        "Morlaix",
    ),
    (
        "pref-bfc",
        "PREF-REG",
        "Préfecture de BFC",
        "Préfecture de la région Bourgogne-Franche-Comté",
        "27",
        "21",
        "Dijon",
    ),
    (
        "sgar-bfc",
        "SGAR",
        "SGAR BFC",
        "Secrétariat général pour les affaires régionales de Bourgogne-Franche-Comté",
        "27",
        None,
        "Dijon",
    ),
    (
        "dreal-bfc",
        "DREAL",
        "DREAL BFC",
        "Direction régionale de l'environnement, de l'aménagement et du logement de Bourgogne-Franche-Comté",
        "27",
        None,
        "Besançon",
    ),
    (
        "drac-bfc",
        "DRAC",
        "DRAC BFC",
        "Direction régionale des affaires culturelles de Bourgogne-Franche-Comté",
        "27",
        None,
        "Dijon",
    ),
    (
        "ddt-21",
        "DDT",
        "DDT 21",
        "Direction départementale des territoires de la Côte-d'Or",
        "27",
        "21",
        "Dijon",
    ),
    (
        "ddcspp-25",
        "DDCSPP",
        "DDCSPP 25",
        "Direction départementale de la cohésion sociale et de la protection des populations du Doubs",
        "27",
        "25",
        "Besançon",
    ),
    (
        "pref-occitanie",
        "PREF-REG",
        "Préfecture d'Occitanie",
        "Préfecture de la région Occitanie",
        "76",
        "31",
        "Toulouse",
    ),
    (
        "sgar-occitanie",
        "SGAR",
        "SGAR Occitanie",
        "Secrétariat général pour les affaires régionales d'Occitanie",
        "76",
        None,
        "Toulouse",
    ),
    (
        "draaf-occitanie",
        "DRAAF",
        "DRAAF Occitanie",
        "Direction régionale de l'alimentation, de l'agriculture et de la forêt d'Occitanie",
        "76",
        None,
        "Toulouse",
    ),
    (
        "drjscs-occitanie",
        "DRJSCS",
        "DRJSCS Occitanie",
        "Direction régionale de la jeunesse, des sports et de la cohésion sociale d'Occitanie",
        "76",
        None,
        "Montpellier",
    ),
    (
        "ddtm-34",
        "DDTM",
        "DDTM 34",
        "Direction départementale des territoires et de la mer de l'Hérault",
        "76",
        "34",
        "Montpellier",
    ),
    ("pref-lot", "PREF-DEP", "Préfecture du Lot", "Préfecture du Lot", "76", "46", "Cahors"),
    (
        "ddt-46",
        "DDT",
        "DDT 46",
        "Direction départementale des territoires du Lot",
        "76",
        "46",
        "Cahors",
    ),
    (
        "ddcspp-46",
        "DDCSPP",
        "DDCSPP 46",
        "Direction départementale de la cohésion sociale et de la protection des populations du Lot",
        "76",
        "46",
        "Cahors",
    ),
    (
        "ut-direccte-46",
        "UT-DIRECCTE",
        "UD DIRECCTE 46",
        "Unité départementale du Lot de la DIRECCTE Occitanie",
        "76",
        "46",
        "Cahors",
    ),
]

# The demo accounts printed by `make run`: (e-mail, first, last, service slug, position, role).
ACCOUNTS = [
    (
        "admin@demo.gouv.fr",
        "Camille",
        "Lefèvre",
        "sgar-bretagne",
        "Administratrice de la plateforme Maillage",
        Agent.Role.ADMIN,
    ),
    (
        "sgar.bretagne@demo.gouv.fr",
        "Yann",
        "Le Gall",
        "sgar-bretagne",
        "Chargé de mission numérique",
        Agent.Role.SGAR,
    ),
    (
        "animateur@demo.gouv.fr",
        "Nathalie",
        "Moreau",
        "dreal-bretagne",
        "Cheffe de projet transition écologique",
        Agent.Role.AGENT,
    ),
    (
        "agent@demo.gouv.fr",
        "Erwan",
        "Kerjean",
        "ddtm-35",
        "Instructeur en droit des sols",
        Agent.Role.AGENT,
    ),
]

ACCOUNT_DESCRIPTIONS = {
    "admin@demo.gouv.fr": "administratrice de la plateforme (back-office /cms-admin/, /admin/)",
    "sgar.bretagne@demo.gouv.fr": "chargé de mission numérique du SGAR Bretagne",
    "animateur@demo.gouv.fr": "animatrice des communautés de démonstration",
    "agent@demo.gouv.fr": "agent de la DDTM d'Ille-et-Vilaine",
}

FIRST_NAMES = [
    "Anne",
    "Bruno",
    "Céline",
    "David",
    "Élodie",
    "François",
    "Gaëlle",
    "Hugo",
    "Inès",
    "Julien",
    "Karine",
    "Laurent",
    "Manon",
    "Nicolas",
    "Océane",
    "Pierre",
    "Quentin",
    "Rozenn",
    "Sophie",
    "Thomas",
    "Valérie",
    "Xavier",
    "Yvonne",
    "Zoé",
    "Loïc",
    "Maëlle",
    "Gwenaël",
    "Hélène",
    "Jérôme",
    "Sandrine",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "Andrieu",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Le Bihan",
    "Cazals",
]
# Positions and skills by kind of service, so that the directory reads true.
PROFILES = {
    "PREF-REG": (
        [
            "Chef du bureau de la coordination interministérielle",
            "Chargée de communication",
            "Responsable du pôle modernisation",
        ],
        ["coordination interministérielle", "communication", "conduite du changement"],
    ),
    "PREF-DEP": (
        [
            "Directrice des services du cabinet",
            "Chef du bureau des élections",
            "Référente politique de la ville",
        ],
        ["sécurité civile", "élections", "politique de la ville", "gestion de crise"],
    ),
    "SOUS-PREF": (
        ["Secrétaire générale de sous-préfecture", "Chargé de mission développement local"],
        ["développement local", "ingénierie territoriale"],
    ),
    "SGAR": (
        [
            "Chargée de mission fonds européens",
            "Adjoint modernisation",
            "Chargé de mission numérique",
        ],
        ["fonds européens", "modernisation", "numérique", "plateforme RH"],
    ),
    "DREAL": (
        [
            "Inspectrice des installations classées",
            "Chargé de mission biodiversité",
            "Chef de l'unité hydrométrie",
            "Responsable prévention des risques naturels",
        ],
        ["installations classées", "biodiversité", "eau", "risques naturels", "inondation"],
    ),
    "DRAAF": (
        [
            "Chef du service régional de l'alimentation",
            "Chargée des aides agricoles",
            "Conseiller forêt-bois",
        ],
        ["sécurité alimentaire", "aides agricoles", "forêt", "agriculture biologique"],
    ),
    "DIRECCTE": (
        ["Inspecteur du travail", "Chargée de mission emploi", "Développeur économique"],
        ["emploi", "droit du travail", "développement économique"],
    ),
    "UT-DIRECCTE": (
        ["Inspectrice du travail", "Chargé de l'insertion par l'activité économique"],
        ["droit du travail", "emploi", "insertion"],
    ),
    "DRAC": (
        ["Conseillère pour les musées", "Architecte des bâtiments de France"],
        ["patrimoine", "monuments historiques", "archéologie"],
    ),
    "DRJSCS": (
        ["Conseiller d'animation sportive", "Chargée de la politique de la ville"],
        ["sport", "jeunesse", "politique de la ville", "hébergement d'urgence"],
    ),
    "DDT": (
        [
            "Instructrice des autorisations d'urbanisme",
            "Chef du service eau et biodiversité",
            "Chargé de la prévention des risques",
            "Conseillère en aménagement",
        ],
        [
            "droit des sols",
            "urbanisme",
            "eau",
            "risques naturels",
            "aménagement",
            "transports exceptionnels",
        ],
    ),
    "DDTM": (
        [
            "Instructeur en droit des sols",
            "Chargée de mission littoral",
            "Contrôleur des affaires maritimes",
            "Cheffe de l'unité risques",
        ],
        [
            "droit des sols",
            "littoral",
            "affaires maritimes",
            "risques naturels",
            "urbanisme",
            "eau",
        ],
    ),
    "DDPP": (
        [
            "Inspecteur en sécurité sanitaire des aliments",
            "Chargée de la protection des consommateurs",
        ],
        [
            "sécurité alimentaire",
            "santé animale",
            "protection des consommateurs",
            "fonctions de contrôle",
        ],
    ),
    "DDCS": (
        ["Chargée de l'hébergement d'urgence", "Délégué du préfet politique de la ville"],
        ["hébergement d'urgence", "politique de la ville", "gens du voyage", "vie associative"],
    ),
    "DDCSPP": (
        [
            "Inspectrice en sécurité sanitaire",
            "Chargé de la cohésion sociale",
            "Référente gens du voyage",
        ],
        ["sécurité alimentaire", "cohésion sociale", "gens du voyage", "fonctions de contrôle"],
    ),
}
DEMO_AGENT_COUNT = 60


def _services():
    regions = {r.code: r for r in Region.objects.filter(code__in={s[4] for s in SERVICES})}
    departments = {
        d.code: d for d in Department.objects.filter(code__in={s[5] for s in SERVICES if s[5]})
    }
    kinds = {k.code: k for k in ServiceKind.objects.select_related("default_ministry")}
    services = {}
    for slug, kind, short_name, name, region, department, city in SERVICES:
        services[slug], _ = Service.objects.update_or_create(
            slug=slug,
            defaults={
                "kind": kinds[kind],
                "short_name": short_name,
                "name": name,
                "ministry": kinds[kind].default_ministry
                if kinds[kind].family != "ddi"
                else Ministry.objects.get(code=Ministry.INTERMINISTERIAL),
                "region": regions[region],
                "department": departments.get(department),
                "city": city,
            },
        )
    return services


def _upsert_agent(email, password_hash, **fields):
    skills = fields.pop("skills", [])
    agent = Agent.objects.filter(email=email).first()
    if agent is None:
        agent = Agent(email=email, password=password_hash)
    for name, value in fields.items():
        setattr(agent, name, value)
    agent.save()
    agent.skills.set(skills)
    refresh_search_text(agent)
    return agent


@transaction.atomic
def load_demo_agents():
    """Create or refresh the demo services and agents; return the demo accounts."""
    if not settings.DEMO_DATA_ALLOWED:
        raise ImproperlyConfigured("Demo data is not allowed under these settings.")
    from directory.services import agent_set_role

    services = _services()
    password_hash = make_password(settings.DEMO_PASSWORD)
    rng = random.Random(2016)  # noqa: S311 - the same demo data on every machine, not a secret
    accounts = []
    bretagne = Region.objects.get(code="53")
    for email, first, last, service_slug, position, role in ACCOUNTS:
        service = services[service_slug]
        agent = _upsert_agent(
            email,
            password_hash,
            first_name=first,
            last_name=last,
            service=service,
            position=position,
            phone=f"02 99 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            bio=f"{position} à la {service.name}.",
            skills=PROFILES[service.kind.code][1][:3],
            is_active=True,
            is_superuser=role == Agent.Role.ADMIN,
        )
        agent_set_role(
            agent=agent, role=role, sgar_region=bretagne if role == Agent.Role.SGAR else None
        )
        accounts.append(agent)

    service_list = list(services.values())
    for index in range(DEMO_AGENT_COUNT - len(ACCOUNTS)):
        service = service_list[index % len(service_list)]
        positions, skills = PROFILES[service.kind.code]
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = f"agent{index + 1:02d}@demo.gouv.fr"
        _upsert_agent(
            email,
            password_hash,
            first_name=first,
            last_name=last,
            service=service,
            position=rng.choice(positions),
            phone=f"0{rng.randint(1, 5)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
            f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
            bio="",
            skills=rng.sample(skills, k=min(len(skills), rng.randint(1, 3))),
            is_active=True,
        )
    return accounts


def summary():
    """What the demo holds, for ``load_demo_data``'s closing line."""
    agents = Agent.objects.filter(email__endswith="@demo.gouv.fr").count()
    return f"{Service.objects.count()} services, {agents} agents"
