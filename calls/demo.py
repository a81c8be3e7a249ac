"""The calls' demo (registered with ``maillage.demo`` by ``calls.registrations``): the 2016
« Communautés professionnelles territoriales » call replayed as a closed, historic call with its
two waves and dossiers in every state, and a current call built from the same template whose
first wave closes in a month, with the demo agent's dossier in preparation (§7.1).

The historic dossiers are written as they stand at the end of 2016 (their trail of events
included); the current one goes through the services. Idempotent: a call already there is left
as it is.
"""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from calls import services
from calls.models import (
    Call,
    CallRole,
    Dossier,
    DossierEvent,
    DossierMember,
    ExpertAssignment,
    FinancingLine,
    Partner,
    Score,
)
from calls.services import scored_criteria
from calls.template import call_from_template
from directory.models import Agent, Ministry, Region, Service

HISTORIC = "communautes-professionnelles-2016"
CURRENT = "communautes-professionnelles-2027"
REGIONAL = "communautes-professionnelles-bretagne-2027"
S = Dossier.State
M = DossierMember.Role

ACCOUNTS = {
    "agent01@demo.gouv.fr": "expert de l'appel « Communautés professionnelles » (évaluation)",
    "agent02@demo.gouv.fr": "membre du comité de pilotage de l'appel",
    "agent03@demo.gouv.fr": "Caisse des dépôts pour l'appel 2025 (conventions et versements)",
}

# (acronym, title, summary, final state, region code, PIA k€, total k€)
HISTORIC_DOSSIERS = [
    (
        "ADS-BZH",
        "Réseau des instructeurs du droit des sols de Bretagne",
        "Une communauté des instructeurs ADS des DDTM et des collectivités bretonnes pour "
        "partager la jurisprudence, les modèles d'arrêtés et les cas difficiles.",
        S.SELECTED,
        "53",
        Decimal("200"),
        Decimal("350"),
    ),
    (
        "EAU-NORM",
        "Police de l'eau en réseau",
        "Les agents de police de l'eau de Normandie échangent sur les contrôles et la "
        "programmation des inspections.",
        S.NOT_SELECTED,
        "28",
        Decimal("120"),
        Decimal("260"),
    ),
    (
        "NOMADE",
        "Travailler en multi-sites",
        "Des outils et des pratiques pour les équipes réparties sur plusieurs sites après la "
        "fusion des régions.",
        S.PROMISING,
        "76",
        Decimal("90"),
        Decimal("200"),
    ),
    (
        "SIGNAL",
        "Signalements partagés",
        "Une messagerie commune aux services de l'État pour les signalements urgents.",
        S.INELIGIBLE,
        "53",
        Decimal("260"),
        Decimal("480"),
    ),
    (
        "AGRI-DATA",
        "Données agricoles partagées",
        "Les DRAAF et les DDT partagent leurs tableaux de bord des aides agricoles.",
        S.REFERRED,
        "44",
        Decimal("250"),
        Decimal("500"),
    ),
    (
        "CARTO",
        "Cartes partagées des risques",
        "Les DDT et la DREAL publient ensemble les cartes des risques naturels de la région.",
        S.SELECTED,
        "53",
        Decimal("100"),
        Decimal("240"),
    ),
    (
        "ACCUEIL",
        "Accueil des nouveaux arrivants",
        "Un parcours d'intégration commun aux services de la région.",
        S.WITHDRAWN,
        "53",
        Decimal("40"),
        Decimal("90"),
    ),
]


def _agent(email):
    return Agent.objects.filter(email=email, is_active=True).first()


def _service(slug):
    return Service.objects.filter(slug=slug).first()


def _colleagues(exclude, count):
    return list(
        Agent.objects.filter(is_active=True, is_external=False, email__startswith="agent")
        .exclude(pk__in=[agent.pk for agent in exclude])
        .order_by("email")[:count]
    )


def _fill(dossier, *, acronym, summary, pia, total, region):
    dossier.acronym = acronym
    dossier.summary = summary
    dossier.main_theme = dossier.call.themes.order_by("order").first()
    dossier.sponsor_name = f"Préfecture de la région {region.name}"
    dossier.sponsor_acronym = "SGAR"
    dossier.sponsor_address = f"Préfecture de la région {region.name}"
    dossier.sponsor_email = "projets@prefecture.gouv.fr"
    dossier.sponsor_legal_status = "Services déconcentrés de l'État"
    dossier.contact_name = dossier.members.get(role=M.LEAD).agent.display_name
    dossier.contact_function = "Porteur opérationnel"
    dossier.contact_email = dossier.members.get(role=M.LEAD).agent.email
    dossier.signatory_name = f"Le préfet de la région {region.name}"
    dossier.signatory_title = "Préfet de région"
    dossier.support_needs = "Un appui méthodologique à l'animation de la communauté."
    dossier.free_software = True
    dossier.save()
    FinancingLine.objects.filter(dossier=dossier).delete()
    FinancingLine.objects.bulk_create(
        [
            FinancingLine(dossier=dossier, side="resource", category="pia", amount=pia),
            FinancingLine(dossier=dossier, side="resource", category="self", amount=total - pia),
            FinancingLine(
                dossier=dossier,
                side="cost",
                category="moe_internal",
                label="Temps des agents de l'équipe",
                amount=total - pia,
                in_kind=True,
                valuation="Jours-agents au coût moyen chargé",
                eligible=FinancingLine.Eligible.STAFF,
            ),
            FinancingLine(
                dossier=dossier,
                side="cost",
                category="software",
                label="Plateforme collaborative libre",
                amount=pia,
                eligible=FinancingLine.Eligible.INVESTMENT,
                free_software=True,
            ),
        ]
    )


def _historic(admin, agent, expert, committee):
    call = call_from_template(
        "communautes-2016",
        slug=HISTORIC,
        published=True,
        historic=True,
        created_by=admin,
    )
    for person, role in ((expert, CallRole.Role.EXPERT), (committee, CallRole.Role.COMMITTEE)):
        CallRole.objects.get_or_create(call=call, agent=person, role=role)
    waves = list(call.waves.order_by("number"))
    leads = _colleagues([admin, agent, expert, committee], 20)[5:]
    criteria = scored_criteria(call)
    for index, (acronym, title, summary, state, region_code, pia, total) in enumerate(
        HISTORIC_DOSSIERS
    ):
        region = Region.objects.get(code=region_code)
        wave = waves[index % len(waves)]
        lead, member = leads[2 * index], leads[2 * index + 1]
        if acronym == "NOMADE":
            # The demo agent's own promising project: he chooses the innovators' registry.
            lead = agent
        closing = wave.deadline
        dossier = Dossier.objects.create(
            call=call,
            wave=wave,
            title=title,
            region=region,
            operational_service=lead.service,
            created_by=lead,
            created_at=closing - timedelta(days=40),
        )
        DossierMember.objects.create(dossier=dossier, agent=lead, role=M.LEAD)
        DossierMember.objects.create(dossier=dossier, agent=member, role=M.TEAM)
        Partner.objects.create(
            dossier=dossier,
            name=f"Direction régionale de l'agriculture de {region.name}",
            acronym="DRAAF",
            nature=Partner.Nature.STATE_ATE,
            ministry=Ministry.objects.get(code="agriculture"),
            contact_name="Responsable du pôle numérique",
            role="Met à disposition deux agents pour l'animation.",
        )
        _fill(dossier, acronym=acronym, summary=summary, pia=pia, total=total, region=region)
        trail = [("dossier_created", "", S.DRAFT, "", closing - timedelta(days=40))]
        if state == S.WITHDRAWN:
            trail.append(("dossier_withdrawn", S.DRAFT, S.WITHDRAWN, "Projet reporté.", closing))
        else:
            trail.append(
                ("dossier_deposited", S.DRAFT, S.DEPOSITED, "", closing - timedelta(hours=3))
            )
        if state == S.INELIGIBLE:
            trail.append(
                (
                    "dossier_ineligible",
                    S.DEPOSITED,
                    S.INELIGIBLE,
                    "Le financement demandé dépasse 250 k€ (E6).",
                    closing + timedelta(days=7),
                )
            )
        if state in (S.SELECTED, S.NOT_SELECTED, S.PROMISING, S.REFERRED):
            trail += [
                (
                    "dossier_evaluation",
                    S.DEPOSITED,
                    S.EVALUATION,
                    "",
                    closing + timedelta(days=7),
                ),
                (
                    "dossier_reviewed",
                    S.EVALUATION,
                    S.REVIEWED,
                    "Projet interministériel solide, indicateurs mesurables.",
                    closing + timedelta(days=30),
                ),
                (
                    f"dossier_{state}",
                    S.REVIEWED,
                    state,
                    "Décision du comité de pilotage.",
                    closing + timedelta(days=45),
                ),
            ]
            assignment = ExpertAssignment.objects.create(
                dossier=dossier,
                expert=expert,
                assigned_by=admin,
                opinion="Projet utile, équipe crédible ; calendrier à préciser.",
                submitted_at=closing + timedelta(days=20),
            )
            Score.objects.bulk_create(
                Score(assignment=assignment, criterion=criterion, score=3 + (n + index) % 3)
                for n, criterion in enumerate(criteria)
            )
        for action, source, target, comment, at in trail:
            DossierEvent.objects.create(
                dossier=dossier,
                actor=lead if action in ("dossier_created", "dossier_deposited") else admin,
                action=action,
                source=source,
                target=target,
                comment=comment,
                at=at,
            )
        fields = {"state": state, "updated_at": trail[-1][4]}
        if state not in (S.WITHDRAWN,):
            fields.update(deposited_at=closing - timedelta(hours=3), deposited_by=lead)
        if trail[-1][0].startswith("dossier_") and state in (
            S.SELECTED,
            S.NOT_SELECTED,
            S.PROMISING,
        ):
            fields.update(
                decided_at=trail[-1][4],
                committee_opinion="Projet interministériel solide, indicateurs mesurables.",
            )
        if state == S.SELECTED:
            fields.update(
                granted_amount=pia,
                decision_derogation="Projet exemplaire, porté par des services publics : "
                "l'aide dépasse exceptionnellement 50 % du coût total.",
            )
        if state == S.PROMISING:
            fields.update(registry_consent=True)
        Dossier.objects.filter(pk=dossier.pk).update(**fields)
        if state == S.SELECTED and acronym == "ADS-BZH":
            # The first laureate has its community; the second waits for its managers.
            dossier.refresh_from_db()
            services.community_from_dossier(actor=admin, dossier=dossier)
    return call


def _current(admin, agent, expert, committee, animator):
    first_closing = timezone.localdate() + timedelta(days=30)
    call = call_from_template(
        "communautes-2016",
        title="Communautés professionnelles territoriales : nouveaux usages collaboratifs (2027)",
        slug=CURRENT,
        published=True,
        created_by=admin,
        shift_to=first_closing,
    )
    for person, role in ((expert, CallRole.Role.EXPERT), (committee, CallRole.Role.COMMITTEE)):
        CallRole.objects.get_or_create(call=call, agent=person, role=role)
    bretagne = Region.objects.get(code="53")
    dossier = services.dossier_create(
        actor=agent,
        call=call,
        title="Communauté des instructeurs ADS d'Ille-et-Vilaine",
        region=bretagne,
    )
    colleague = _colleagues([admin, agent, expert, committee], 4)[-1]
    services.member_add(actor=agent, dossier=dossier, agent=colleague, role=M.TEAM)
    services.dossier_update(
        actor=agent,
        dossier=dossier,
        part="synthesis",
        acronym="ADS-35",
        summary="Les instructeurs du droit des sols de la DDTM et des communes partagent leurs "
        "modèles et leurs cas difficiles.",
        main_theme=call.themes.order_by("order").first(),
    )
    services.partner_save(
        actor=agent,
        dossier=dossier,
        name="Rennes Métropole",
        nature=Partner.Nature.LOCAL,
        contact_name="Direction de l'urbanisme",
        role="Ouvre la communauté à ses instructeurs.",
        justification="Indispensable : la métropole instruit la moitié des permis du département.",
    )
    services.question_ask(
        actor=agent, call=call, text="Une collectivité peut-elle être partenaire du projet ?"
    )
    question = call.questions.get()
    services.question_answer(
        actor=admin,
        question=question,
        answer="Oui, si elle est indispensable au projet et que son intégration technique est "
        "prévue (§ 3.2 du cahier des charges).",
    )
    services.question_ask(
        actor=colleague,
        call=call,
        text="Les frais de déplacement de l'équipe sont-ils des dépenses éligibles ?",
    )
    _under_way(call, admin, agent, animator)
    return call


def _under_way(call, admin, agent, animator):
    """Two dossiers of the current call further on: one deposited, waiting for its screening;
    one in evaluation, the demo agent in its team, the animator its expert with an open
    request."""
    leads = _colleagues([admin, agent, animator], 12)[8:10]
    bretagne = Region.objects.get(code="53")
    for lead, (acronym, title, state) in zip(
        leads,
        (
            ("RISQUES-29", "Réseau des référents risques du Finistère", S.DEPOSITED),
            ("EAU-56", "Communauté des contrôleurs de l'eau du Morbihan", S.EVALUATION),
        ),
        strict=True,
    ):
        dossier = services.dossier_create(actor=lead, call=call, title=title, region=bretagne)
        _fill(
            dossier,
            acronym=acronym,
            summary=f"{title} : partager les pratiques et les outils entre services.",
            pia=Decimal("120"),
            total=Decimal("260"),
            region=bretagne,
        )
        now = timezone.now()
        trail = [("dossier_deposited", S.DRAFT, S.DEPOSITED)]
        if state == S.EVALUATION:
            trail.append(("dossier_evaluation", S.DEPOSITED, S.EVALUATION))
            DossierMember.objects.create(dossier=dossier, agent=agent, role=M.TEAM)
            ExpertAssignment.objects.create(dossier=dossier, expert=animator, assigned_by=admin)
            CallRole.objects.get_or_create(call=call, agent=animator, role=CallRole.Role.EXPERT)
            dossier.requests.create(
                asked_by=animator,
                text="Précisez le calendrier du déploiement dans les quatre départements.",
            )
        for action, source, target in trail:
            DossierEvent.objects.create(
                dossier=dossier,
                actor=lead if action == "dossier_deposited" else admin,
                action=action,
                source=source,
                target=target,
            )
        Dossier.objects.filter(pk=dossier.pk).update(
            state=state, deposited_at=now, deposited_by=lead
        )


def _in_preparation(admin):
    """A regional call of Bretagne its managers have not published yet."""
    call = call_from_template(
        "communautes-2016",
        title="Communautés professionnelles en Bretagne (2027)",
        slug=REGIONAL,
        created_by=admin,
        shift_to=timezone.localdate() + timedelta(days=75),
    )
    Call.objects.filter(pk=call.pk).update(
        scope=Call.Scope.REGIONAL, region=Region.objects.get(code="53")
    )
    return call


def load_demo_calls():
    """Write the demo calls if they are missing (the three of part 1, then the follow-up's two:
    ``calls.demo_follow_up``); return how many were written."""
    from calls.demo_follow_up import load_follow_up_demo

    admin, agent = _agent("admin@demo.gouv.fr"), _agent("agent@demo.gouv.fr")
    expert, committee = _agent("agent01@demo.gouv.fr"), _agent("agent02@demo.gouv.fr")
    animator = _agent("animateur@demo.gouv.fr")
    if None in (admin, agent, expert, committee, animator):
        return 0
    written = 0
    with transaction.atomic():
        if not Call.objects.filter(slug=HISTORIC).exists():
            _historic(admin, agent, expert, committee)
            written += 1
        if not Call.objects.filter(slug=CURRENT).exists():
            _current(admin, agent, expert, committee, animator)
            written += 1
        if not Call.objects.filter(slug=REGIONAL).exists():
            _in_preparation(admin)
            written += 1
        written += load_follow_up_demo(
            admin=admin,
            agent=agent,
            sgar=_agent("sgar.bretagne@demo.gouv.fr"),
            colleagues=_colleagues([admin, agent, expert, committee, animator], 40)[25:35],
        )
    return written


def summary():
    return (
        "six appels à projets (/appels/) : celui de 2016, clos, avec ses dossiers dans chaque "
        "état et la communauté de son lauréat, un appel en cours où agent@demo.gouv.fr "
        "prépare un dossier (et dont deux dossiers sont déposés), un appel régional en "
        "préparation, l'appel de 2025 et ses quatre lauréats en suivi (/appels/suivi/ : "
        "convention, tranches, indicateurs dont un en retard, rapport final, projet clos et son "
        "retour d'expérience) et deux appels « Laboratoires », l'un avec un candidat en "
        "audition, l'autre avec un laboratoire dans sa deuxième année de suivi (revues et "
        "rapports annuels)"
    )
