"""The wiki's demo data (registered with ``maillage.demo`` at 50, after the forums'): the wiki of
« Politique de l'eau en Bretagne » — its home page, a small tree of pages, a guide with several
revisions (one of them merged from two concurrent edits), a FAQ, a link to a page still to
write and a page protected by the animators — written through the services, so that every page
of the wiki has something to show (the walk of every page, ``tests/maillage/test_bad_input.py``,
goes through them).

Idempotent: a community whose wiki has a page is left as it is.
"""

from django.db import transaction

from communities.models import Community, Membership
from directory.models import Agent
from wiki import services
from wiki.models import Page

ANIMATOR = "animateur@demo.gouv.fr"
AGENT = "agent@demo.gouv.fr"
WATER = "politique-de-l-eau-en-bretagne"

HOME = """Bienvenue sur le wiki de la communauté **Politique de l'eau en Bretagne**.

Les membres y rassemblent ce qu'il faut savoir pour instruire, contrôler et animer :

- [[Guide de l'instruction loi sur l'eau]] : les étapes d'un dossier ;
- [[Foire aux questions]] : les questions qui reviennent ;
- [[Calendrier des comités de bassin]] : à écrire ;
- [[Règles du wiki]] : comment contribuer.
"""

GUIDE_V1 = """## Recevabilité

Vérifier que le dossier est complet : pièces, plans, étude d'incidence.

## Instruction

Consulter les services concernés.

## Décision

Arrêté préfectoral ou récépissé de déclaration.
"""

RULES = """## Contribuer

Chaque membre qui a accepté la charte peut créer et modifier les pages. Résumez vos
modifications : l'historique garde chaque version, et l'on peut toujours revenir en arrière.

## Liens entre pages

Écrivez le titre d'une page entre doubles crochets, par exemple [[Accueil]] ; une page qui
n'existe pas encore s'affiche en rouge, et un clic la crée.

## Pages protégées

Cette page est protégée : seule l'animation la modifie.
"""

FAQ = """Les questions posées le plus souvent dans la communauté.

## Qui instruit les dossiers loi sur l'eau ?

Les services police de l'eau des DDTM, sous l'autorité du préfet de département.

## Où trouver la nomenclature IOTA ?

À l'article R. 214-1 du code de l'environnement ; la page [[Rubriques de la nomenclature]]
résume les plus courantes.

## Comment proposer une nouvelle question ?

Modifiez cette page et ajoutez une section « ## Votre question ? » suivie de la réponse.
"""


def _agent(email):
    return Agent.objects.filter(email=email, is_active=True).first()


def _colleague(community, *exclude):
    """A member who accepted the current charter (the animators and the demo agent aside)."""
    membership = (
        Membership.objects.filter(
            community=community,
            state=Membership.State.ACTIVE,
            role=Membership.Role.MEMBER,
            charter_accepted_id=community.current_charter_id,
        )
        .exclude(agent__in=exclude)
        .select_related("agent")
        .order_by("agent__email")
        .first()
    )
    return membership.agent if membership else None


@transaction.atomic
def load_demo_wiki():
    """Write the demo wiki if it is missing; return how many revisions were written."""
    animator, agent = _agent(ANIMATOR), _agent(AGENT)
    community = Community.objects.filter(slug=WATER).first()
    if animator is None or agent is None or community is None:
        return 0
    if Page.objects.filter(community=community).exists():
        return 0
    colleague = _colleague(community, animator, agent) or animator

    home = services.page_create(
        community=community,
        agent=animator,
        title="Accueil",
        body=HOME,
        summary="Première version",
        is_home=True,
    )
    guide = services.page_create(
        community=community,
        agent=agent,
        title="Guide de l'instruction loi sur l'eau",
        body=GUIDE_V1,
        summary="Les trois étapes",
        parent=home,
    )
    services.page_save(
        page=guide,
        agent=colleague,
        title=guide.title,
        body=GUIDE_V1.replace(
            "Consulter les services concernés.",
            "Consulter les services concernés (ARS, OFB, DREAL) et, pour une autorisation, "
            "ouvrir l'enquête publique.",
        ),
        summary="Les consultations et l'enquête publique",
        base_number=1,
    )
    # Two edits started from revision 2: the second one is merged with the first.
    second = Page.objects.get(pk=guide.pk).body
    services.page_save(
        page=guide,
        agent=agent,
        title=guide.title,
        body=second.replace(
            "pièces, plans, étude d'incidence.",
            "pièces, plans, étude d'incidence ou d'impact, rubrique de la nomenclature visée.",
        ),
        summary="Précisions sur la complétude",
        base_number=2,
    )
    services.page_save(
        page=guide,
        agent=animator,
        title=guide.title,
        body=second.replace(
            "Arrêté préfectoral ou récépissé de déclaration.",
            "Arrêté préfectoral ou récépissé de déclaration, publié au recueil des actes "
            "administratifs. Voir aussi [[Rubriques de la nomenclature]].",
        ),
        summary="La publication de la décision",
        base_number=2,
    )
    rubriques = services.page_create(
        community=community,
        agent=colleague,
        title="Rubriques de la nomenclature",
        body="- **1.1.1.0** : sondages et forages ;\n- **1.3.1.0** : prélèvements en ZRE ;\n"
        "- **3.1.2.0** : modification du profil d'un cours d'eau.\n",
        summary="Les rubriques les plus courantes",
        parent=guide,
    )
    faq = services.page_create(
        community=community,
        agent=animator,
        title="Foire aux questions",
        body=FAQ,
        kind=Page.Kind.FAQ,
        parent=home,
    )
    rules = services.page_create(
        community=community, agent=animator, title="Règles du wiki", body=RULES, parent=home
    )
    services.page_protect(page=rules, agent=animator, protected=True)
    # Every page has a history to compare and restore from.
    services.page_save(
        page=home,
        agent=agent,
        title=home.title,
        body=HOME + "\nUne question ? Posez-la dans le forum de la communauté.\n",
        summary="Un renvoi vers le forum",
        base_number=1,
    )
    services.page_save(
        page=rubriques,
        agent=agent,
        title=rubriques.title,
        body=rubriques.body + "- **3.3.1.0** : assèchement de zones humides.\n",
        summary="Les zones humides",
        base_number=1,
    )
    services.page_save(
        page=rules,
        agent=animator,
        title=rules.title,
        body=RULES.replace("Résumez vos\nmodifications", "Résumez toujours vos\nmodifications"),
        summary="Insister sur le résumé",
        base_number=1,
    )
    services.faq_move(
        page=faq, agent=animator, anchor="ou-trouver-la-nomenclature-iota", direction=-1
    )
    return Page.objects.filter(community=community).count()
