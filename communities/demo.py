"""Demo communities across Bretagne, Bourgogne-Franche-Comté, Occitanie and the Lot.

Everything goes through the services (creation, joins, requests, invitations, charter
acceptances, announcements, comments), so the demo shows the rows and activity lines real use
writes. Idempotent: a community whose slug exists is left as it is.
"""

import random

from communities import services
from communities.models import Community, Theme
from directory.models import Agent, Department, Ministry, Region

K = Community.Kind
V = Community.Visibility
SC = Community.Scope

ADMIN = "admin@demo.gouv.fr"
ANIMATOR = "animateur@demo.gouv.fr"
AGENT = "agent@demo.gouv.fr"

# Each community: territory, themes, ministries, animators, how many members, and what the demo
# agent's state is in it ("member", "request", "invited" or None).
COMMUNITIES = [
    {
        "slug": "politique-de-l-eau-en-bretagne",
        "name": "Politique de l'eau en Bretagne",
        "kind": K.POLICY,
        "visibility": V.OPEN,
        "scope": SC.REGION,
        "region": "53",
        "themes": ["Eau et milieux aquatiques", "Biodiversité", "Agriculture"],
        "ministries": ["ecologie", "agriculture", "interministeriel"],
        "animators": [ANIMATOR],
        "members": 12,
        "demo_agent": "member",
        # The demo agent's own comment (to edit or delete) on the first announcement.
        "agent_comment": "Merci pour le modèle : je l'utilise dès les prochains arrêtés.",
        # The blog: members' articles (the first one featured, the others rated), the demo
        # agent's own article and draft.
        "articles": [
            (
                "Contrôles des prélèvements : ce que nous avons appris en 2025",
                "Trois enseignements de la campagne de contrôle dans le Finistère :\n\n"
                "1. croiser les déclarations avec les compteurs télérelevés ;\n"
                "2. prévenir les irrigants en amont des tournées ;\n"
                "3. partager les constats avec la police de l'eau du département voisin.",
            ),
            (
                "Algues vertes : un tableau de bord partagé avec l'ARS",
                "Nous avons mis en place avec l'ARS un tableau de bord hebdomadaire des sites "
                "d'échouage. Je peux vous en présenter la **méthode** au prochain comité.",
            ),
        ],
        "agent_article": (
            "Instruire une dérogation sécheresse : ma check-list",
            "Avant de signer, je vérifie :\n\n- l'usage prioritaire invoqué ;\n"
            "- le débit de référence du cours d'eau ;\n- l'avis de l'OFB.",
        ),
        "agent_draft": (
            "Brouillon : retour d'expérience sur les comités ressource",
            "À compléter avant publication : le calendrier des comités et les indicateurs.",
        ),
        "description": (
            "Les agents de la DREAL, de la DRAAF, des DDTM et des préfectures qui portent la "
            "politique de l'eau en Bretagne : qualité des masses d'eau, algues vertes, "
            "continuité écologique, gestion de la ressource en période de sécheresse."
        ),
        "objective": (
            "Partager les pratiques d'instruction et de contrôle, préparer ensemble les arrêtés "
            "sécheresse et harmoniser la doctrine entre les quatre départements."
        ),
        "announcements": [
            (
                "Arrêtés sécheresse 2025 : le modèle régional est en ligne",
                "Le modèle d'arrêté harmonisé validé en comité de l'eau est disponible. "
                "**Merci de l'utiliser** pour les prochains arrêtés de restriction.\n\n"
                "- seuils de vigilance, d'alerte et de crise communs ;\n"
                "- tableau des usages prioritaires ;\n"
                "- calendrier de publication.",
                True,
            ),
            (
                "Retour sur la journée technique continuité écologique",
                "Merci aux quarante participants de Quimper ! Les supports des interventions "
                "sont partagés dans la communauté ; la prochaine journée aura lieu à Rennes.",
                False,
            ),
        ],
    },
    {
        "slug": "controleurs-securite-alimentaire-occitanie",
        "name": "Contrôleurs sécurité alimentaire Occitanie",
        "kind": K.EXPERTISE,
        "visibility": V.ON_REQUEST,
        "scope": SC.REGION,
        "region": "76",
        "themes": ["Sécurité alimentaire", "Fonctions de contrôle"],
        "ministries": ["agriculture", "economie"],
        "animators": [ANIMATOR, "agent18@demo.gouv.fr"],
        "members": 9,
        "demo_agent": "request",
        "description": (
            "Inspecteurs et contrôleurs des DDPP, DDCSPP et de la DRAAF d'Occitanie : "
            "restauration collective, remise directe, abattoirs, alertes sanitaires."
        ),
        "objective": (
            "Harmoniser les suites données aux contrôles et s'entraider sur les cas difficiles, "
            "dans le respect du secret professionnel."
        ),
        "announcements": [
            (
                "Grille commune de suites des contrôles en restauration collective",
                "La grille validée par le réseau est applicable à compter du mois prochain. "
                "Vos retours sont les bienvenus en commentaire.",
                True,
            ),
        ],
    },
    {
        "slug": "covoiturage-des-agents-lrmp",
        "name": "Covoiturage des agents LRMP",
        "kind": K.SOCIAL,
        "visibility": V.OPEN,
        "scope": SC.REGION,
        "region": "76",
        "themes": ["Covoiturage et mobilité", "Vie de site"],
        "ministries": ["interministeriel"],
        "animators": ["agent05@demo.gouv.fr"],
        "members": 10,
        "demo_agent": None,
        "description": (
            "Les agents de l'État en Languedoc-Roussillon – Midi-Pyrénées qui partagent leurs "
            "trajets domicile-travail et leurs déplacements entre Toulouse et Montpellier."
        ),
        "objective": "Réduire les trajets en voiture seul et les frais de déplacement.",
        "announcements": [
            (
                "Navette Toulouse – Montpellier du jeudi",
                "Deux places libres chaque jeudi, départ 7 h 15 de la cité administrative. "
                "Répondez ici si vous êtes intéressés.",
                True,
            ),
            (
                "Parking vélo sécurisé à Cahors",
                "La préfecture du Lot ouvre un local vélo sécurisé pour les agents.",
                False,
            ),
        ],
    },
    {
        "slug": "innovateurs-bourgogne-franche-comte",
        "name": "Innov@teurs Bourgogne-Franche-Comté",
        "kind": K.USAGE,
        "visibility": V.PRIVATE_LISTED,
        "scope": SC.REGION,
        "region": "27",
        "themes": ["Numérique et innovation", "Simplification administrative"],
        "ministries": ["interministeriel", "culture", "ecologie"],
        "animators": [ANIMATOR, "agent11@demo.gouv.fr"],
        "members": 8,
        "demo_agent": "invited",
        "description": (
            "Le réseau des agents innovateurs de Bourgogne-Franche-Comté : laboratoire "
            "d'innovation territoriale, design des services publics, outils collaboratifs."
        ),
        "objective": (
            "Faire émerger et essaimer des projets de simplification portés par les agents."
        ),
        "announcements": [
            (
                "Appel à idées : simplifier une démarche en 100 jours",
                "Proposez la démarche que vous voudriez simplifier : les trois idées retenues "
                "seront accompagnées par le laboratoire d'innovation.",
                True,
            ),
        ],
    },
    {
        "slug": "referents-risques-naturels-du-lot",
        "name": "Référents risques naturels du Lot",
        "kind": K.EXPERTISE,
        "visibility": V.ON_REQUEST,
        "scope": SC.DEPARTMENT,
        "department": "46",
        "themes": ["Risques naturels", "Gestion de crise"],
        "ministries": ["interieur", "ecologie", "interministeriel"],
        "animators": [ANIMATOR],
        "members": 6,
        "demo_agent": None,
        "description": (
            "Les référents de la préfecture, de la DDT et des services du Lot pour les crues, "
            "les mouvements de terrain et les feux de forêt."
        ),
        "objective": "Tenir à jour les plans de prévention et préparer les exercices de crise.",
        "announcements": [
            (
                "Exercice crue du Lot : retour d'expérience",
                "Le RETEX de l'exercice de mars est disponible. Points d'amélioration : "
                "l'alerte des campings et la remontée des hauteurs d'eau.",
                True,
            ),
        ],
    },
    {
        "slug": "cellule-de-crise-bretagne",
        "name": "Cellule de crise Bretagne",
        "kind": K.POLICY,
        "visibility": V.PRIVATE_SECRET,
        "scope": SC.REGION,
        "region": "53",
        "themes": ["Gestion de crise"],
        "ministries": ["interieur", "interministeriel"],
        "animators": [ANIMATOR],
        "members": 6,
        "demo_agent": "member",
        "description": (
            "L'espace restreint des membres de la cellule régionale de crise de Bretagne."
        ),
        "objective": "Se coordonner avant, pendant et après les crises régionales.",
        "announcements": [
            (
                "Astreintes de l'été",
                "Le tableau des astreintes de juillet et août est arrêté ; merci de vérifier "
                "vos créneaux.",
                True,
            ),
        ],
    },
    {
        "slug": "politique-de-la-ville-en-occitanie",
        "name": "Politique de la ville en Occitanie",
        "kind": K.POLICY,
        "visibility": V.OPEN,
        "scope": SC.REGION,
        "region": "76",
        "themes": ["Politique de la ville", "Cohésion sociale", "Logement et hébergement"],
        "ministries": ["jeunesse-sports", "logement", "interministeriel"],
        "animators": ["agent19@demo.gouv.fr"],
        "members": 8,
        "demo_agent": None,
        "description": (
            "Délégués du préfet, chargés de mission de la DRJSCS et des DDCSPP : contrats de "
            "ville, quartiers prioritaires, programmes de réussite éducative."
        ),
        "objective": "Partager les outils de suivi des contrats de ville et les bonnes pratiques.",
        "announcements": [
            (
                "Nouveaux indicateurs des contrats de ville",
                "La liste des indicateurs communs est arrêtée ; un tableau de bord partagé "
                "sera proposé à la rentrée.",
                False,
            ),
        ],
    },
    {
        "slug": "instructeurs-droit-des-sols-ille-et-vilaine",
        "name": "Instructeurs droit des sols d'Ille-et-Vilaine",
        "kind": K.EXPERTISE,
        "visibility": V.OPEN,
        "scope": SC.DEPARTMENT,
        "department": "35",
        "themes": ["Urbanisme et droit des sols"],
        "ministries": ["ecologie", "logement"],
        "animators": [ANIMATOR, "agent06@demo.gouv.fr"],
        "members": 7,
        "demo_agent": "member",
        "description": (
            "Les instructeurs des autorisations d'urbanisme de la DDTM 35 et des services "
            "associés : jurisprudence, cas pratiques, dématérialisation des dossiers."
        ),
        "objective": "Sécuriser l'instruction et harmoniser les avis entre les unités.",
        "announcements": [
            (
                "Dématérialisation des autorisations : les questions fréquentes",
                "Nous rassemblons ici les réponses aux questions posées lors des permanences.",
                True,
            ),
            (
                "Jurisprudence du mois",
                "Un arrêt récent sur les constructions en zone agricole mérite votre attention.",
                False,
            ),
        ],
    },
    {
        "slug": "teletravail-et-nomadisme",
        "name": "Télétravail et nomadisme",
        "kind": K.USAGE,
        "visibility": V.OPEN,
        "scope": SC.NATIONAL,
        "themes": ["Travail à distance et nomadisme", "Simplification administrative"],
        "ministries": ["interministeriel", "premier-ministre"],
        "animators": [ANIMATOR],
        "members": 15,
        "demo_agent": "member",
        "description": (
            "Outils, organisation et management à distance : ce qui marche dans nos services."
        ),
        "objective": "Partager les pratiques du travail hybride dans les services territoriaux.",
        "announcements": [
            (
                "Tiers-lieux ouverts aux agents de l'État",
                "La carte des tiers-lieux accessibles avec la carte d'agent est mise à jour.",
                True,
            ),
        ],
    },
    {
        "slug": "emploi-et-insertion-en-bourgogne-franche-comte",
        "name": "Emploi et insertion en Bourgogne-Franche-Comté",
        "kind": K.POLICY,
        "visibility": V.ON_REQUEST,
        "scope": SC.REGION,
        "region": "27",
        "themes": ["Emploi et insertion"],
        "ministries": ["travail", "economie"],
        "animators": ["agent12@demo.gouv.fr"],
        "members": 5,
        "demo_agent": None,
        "description": (
            "Les agents en charge de l'emploi, de l'insertion par l'activité économique et "
            "du développement économique en Bourgogne-Franche-Comté."
        ),
        "objective": "Coordonner les actions de l'État pour l'emploi dans les bassins fragiles.",
        "announcements": [],
    },
    {
        "slug": "gestionnaires-des-fonds-europeens",
        "name": "Gestionnaires des fonds européens",
        "kind": K.EXPERTISE,
        "visibility": V.PRIVATE_LISTED,
        "scope": SC.NATIONAL,
        "themes": ["Fonds européens"],
        "ministries": ["interministeriel", "economie", "agriculture"],
        "animators": ["sgar.bretagne@demo.gouv.fr"],
        "members": 6,
        "demo_agent": None,
        "description": (
            "Les gestionnaires FEDER, FSE+ et FEADER des SGAR et des directions régionales."
        ),
        "objective": "Partager les contrôles de service fait et les pistes d'audit.",
        "announcements": [],
    },
    {
        "slug": "vie-de-la-cite-administrative-de-rennes",
        "name": "Vie de la cité administrative de Rennes",
        "kind": K.SOCIAL,
        "visibility": V.OPEN,
        "scope": SC.DEPARTMENT,
        "department": "35",
        "themes": ["Vie de site"],
        "ministries": ["interministeriel"],
        "animators": ["agent01@demo.gouv.fr"],
        "members": 9,
        "demo_agent": None,
        "description": "Restaurant administratif, salles partagées, association sportive.",
        "objective": "Faire vivre le site et accueillir les nouveaux arrivants.",
        "announcements": [
            (
                "Tournoi de badminton inter-services",
                "Inscriptions ouvertes jusqu'à vendredi, toutes les équipes sont bienvenues !",
                False,
            ),
        ],
    },
    {
        "slug": "plan-de-relance-bretagne",
        "name": "Plan de relance en Bretagne",
        "kind": K.POLICY,
        "visibility": V.OPEN,
        "scope": SC.REGION,
        "region": "53",
        "themes": ["Fonds européens", "Emploi et insertion"],
        "ministries": ["economie", "interministeriel"],
        "animators": ["sgar.bretagne@demo.gouv.fr"],
        "members": 5,
        "demo_agent": None,
        "archived": True,
        "description": "Le suivi territorial du plan de relance, clos en 2023.",
        "objective": "Suivre l'avancement des mesures du plan de relance dans la région.",
        "announcements": [
            (
                "Bilan final du plan de relance",
                "Le bilan régional est publié ; la communauté est archivée.",
                True,
            ),
        ],
    },
]

REQUEST_MESSAGES = [
    "Bonjour, je rejoins le service et souhaite échanger avec mes homologues.",
    "Je travaille sur ces sujets depuis deux ans et aimerais partager nos pratiques.",
    "",
]
COMMENTS = [
    "Merci pour ce partage, très utile pour notre service.",
    "Nous avons la même question dans notre département : je suis preneur des retours.",
    "Je relaie auprès de mon équipe.",
]


def _pick_members(spec, agents, excluded, rng):
    """Demo agents of the community's territory first, others after, in a stable order."""
    region = spec.get("region")
    department = spec.get("department")

    def local(agent):
        service = agent.service
        if service is None:
            return False
        if department:
            return service.department_id is not None and service.department.code == department
        if region:
            return service.region.code == region
        return True

    candidates = [a for a in agents if a.email not in excluded]
    rng.shuffle(candidates)
    candidates.sort(key=lambda a: not local(a))
    return candidates[: spec["members"]]


def _enter(community, agent, animator, rng):
    """Bring an agent in the way the community's visibility asks."""
    if community.visibility == V.OPEN:
        services.community_join(community=community, agent=agent)
    elif community.visibility == V.ON_REQUEST:
        membership = services.community_request(
            community=community, agent=agent, message=rng.choice(REQUEST_MESSAGES)
        )
        services.request_answer(membership=membership, actor=animator, accept=True)
    else:
        services.invite(community=community, actor=animator, agent=agent)
        services.invitation_answer(community=community, agent=agent, accept=True)


def _create(spec, *, admin, by_email, agents):
    rng = random.Random(spec["slug"])  # noqa: S311 - stable demo data, not a secret
    animators = [by_email[email] for email in spec["animators"]]
    animator = animators[0]
    department = Department.objects.filter(code=spec.get("department") or "").first()
    region = (
        department.region
        if department
        else Region.objects.filter(code=spec.get("region") or "").first()
    )
    community = services.community_create(
        actor=admin,
        animators=animators,
        themes=list(Theme.objects.filter(name__in=spec["themes"])),
        ministries=list(Ministry.objects.filter(code__in=spec["ministries"])),
        slug=spec["slug"],
        name=spec["name"],
        description=spec["description"],
        objective=spec["objective"],
        kind=spec["kind"],
        visibility=spec["visibility"],
        scope=spec["scope"],
        region=region,
        department=department,
    )

    excluded = {*spec["animators"], ADMIN, AGENT}
    members = _pick_members(spec, agents, excluded, rng)
    if spec["demo_agent"] == "member":
        members.append(by_email[AGENT])
    for agent in members:
        _enter(community, agent, animator, rng)

    # The animators and about two thirds of the members accept the charter.
    version = community.current_charter_id
    for agent in animators:
        services.charter_accept(community=community, agent=agent, version_id=version)
    accepted = [a for i, a in enumerate(members) if i % 3 != 2 or a.email == AGENT]
    for agent in accepted:
        services.charter_accept(community=community, agent=agent, version_id=version)

    for index, (title, body, pinned) in enumerate(spec["announcements"]):
        announcement = services.announcement_create(
            community=community, actor=animator, title=title, body=body, pinned=pinned
        )
        for offset, agent in enumerate(accepted[index : index + 2 + index % 2]):
            services.comment_create(
                announcement=announcement,
                agent=agent,
                body=COMMENTS[(index + offset) % len(COMMENTS)],
            )

    if spec.get("agent_comment") and spec["announcements"]:
        first = community.announcements.order_by("created_at", "pk").first()
        services.comment_create(
            announcement=first, agent=by_email[AGENT], body=spec["agent_comment"]
        )

    _blog(spec, community, animator=animator, accepted=accepted, agent=by_email[AGENT])

    if spec["demo_agent"] == "request":
        services.community_request(
            community=community,
            agent=by_email[AGENT],
            message="Je contrôle des établissements en Ille-et-Vilaine et souhaiterais "
            "comparer nos pratiques avec l'Occitanie.",
        )
    elif spec["demo_agent"] == "invited":
        services.invite(community=community, actor=animator, agent=by_email[AGENT])

    if spec.get("archived"):
        services.community_archive(community=community, actor=admin, reason="Plan de relance clos.")
    return community


def _blog(spec, community, *, animator, accepted, agent):
    """The community's articles (by members who accepted the charter), rated by the others, the
    first one featured by the animation; the demo agent's article and draft."""
    from communities import blog

    writers = [member for member in accepted if member.pk != agent.pk]
    for index, (title, body) in enumerate(spec.get("articles", ())):
        if not writers:
            break
        author = writers[index % len(writers)]
        article = blog.post_create(
            community=community, actor=author, kind="article", title=title, body=body
        )
        for offset, rater in enumerate(m for m in accepted if m.pk != author.pk):
            if offset >= 4 + index:
                break
            blog.post_rate(post=article, agent=rater, stars=5 - (offset + index) % 3)
        if index == 0:
            blog.post_feature(post=article, actor=animator)
    if spec.get("agent_article"):
        title, body = spec["agent_article"]
        mine = blog.post_create(
            community=community, actor=agent, kind="article", title=title, body=body
        )
        blog.post_rate(post=mine, agent=animator, stars=4)
    if spec.get("agent_draft"):
        title, body = spec["agent_draft"]
        blog.post_create(
            community=community,
            actor=agent,
            kind="article",
            title=title,
            body=body,
            publish=False,
        )


# A proposal waiting for the administrators (the demo agent's), so that their page has one.
DEMO_PROPOSAL = {
    "name": "Réseau des référents France Rénov' de l'Ouest",
    "objective": (
        "Partager les pratiques d'accompagnement des ménages et harmoniser l'instruction des "
        "dossiers entre les départements."
    ),
    "kind": K.EXPERTISE,
    "visibility": V.ON_REQUEST,
    "why": (
        "Nous sommes une quinzaine de référents en DDT(M) à nous appeler chaque semaine : un "
        "espace commun nous ferait gagner du temps et garderait la trace des réponses."
    ),
    "themes": ["Logement et hébergement"],
}


def _demo_proposal(by_email):
    from communities.models import CommunityProposal
    from communities.proposals import proposal_create

    agent = by_email.get(AGENT)
    if agent is None or CommunityProposal.objects.filter(proposer=agent).exists():
        return
    spec = dict(DEMO_PROPOSAL)
    themes = list(Theme.objects.filter(name__in=spec.pop("themes")))
    proposal_create(agent=agent, themes=themes, **spec)


def load_demo_communities():
    """Create the demo communities that do not exist yet, and the demo agent's pending
    proposal; return how many communities were created."""
    existing = set(
        Community.objects.filter(slug__in=[s["slug"] for s in COMMUNITIES]).values_list(
            "slug", flat=True
        )
    )
    missing = [spec for spec in COMMUNITIES if spec["slug"] not in existing]
    if not missing:
        return 0
    agents = list(
        Agent.objects.filter(email__endswith="@demo.gouv.fr", is_active=True)
        .select_related("service__region", "service__department")
        .order_by("email")
    )
    by_email = {agent.email: agent for agent in agents}
    _demo_proposal(by_email)
    admin = by_email[ADMIN]
    pool = [a for a in agents if a.email.startswith("agent") and a.email != AGENT]
    for spec in missing:
        _create(spec, admin=admin, by_email=by_email, agents=pool)
    return len(missing)
