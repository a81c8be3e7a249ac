"""The idea boxes' demo data (registered with ``maillage.demo`` after the other tools'): the
boxes of « Politique de l'eau en Bretagne » and « Télétravail et nomadisme » with ideas in every
status — new ones, one under study, one adopted and one implemented with the animator's answer,
one rejected, a duplicate merged into another — supports from several agents, and comments; and
the platform box « Améliorer Maillage » with a few ideas and an administrator's answer. Written
through the services, so that every page of the box has something to show (the walk of every
page, ``tests/maillage/test_bad_input.py``, goes through them).

Idempotent: a community whose box has ideas is left as it is.
"""

from django.db import transaction

from communities.models import Community, Membership
from directory.models import Agent
from ideas import services
from ideas.models import Idea

ADMIN = "admin@demo.gouv.fr"
ANIMATOR = "animateur@demo.gouv.fr"
AGENT = "agent@demo.gouv.fr"
WATER = "politique-de-l-eau-en-bretagne"
TELEWORK = "teletravail-et-nomadisme"

S = Idea.Status

# Each box: (author key, title, body, theme indexes, status, answer, supporters).
# The author key: "agent" (the demo agent), "animator", or an index into the members.
WATER_IDEAS = [
    (
        "agent",
        "Un modèle partagé d'arrêté sécheresse",
        "Chaque département rédige ses arrêtés de restriction de son côté. Un **modèle "
        "commun** à la région, tenu à jour après chaque comité ressource, ferait gagner du "
        "temps et harmoniserait les mesures.",
        [0],
        S.ADOPTED,
        "Retenue : l'animation rédige le modèle avec la DREAL, pour le comité de mars.",
        [0, 1, 2, "animator"],
    ),
    (
        0,
        "Cartographier les captages prioritaires sur une carte commune",
        "Une carte partagée des captages prioritaires et de leurs aires d'alimentation, "
        "consultable par les services des quatre départements.",
        [0, 1],
        S.STUDYING,
        "",
        [1, 2, "agent"],
    ),
    (
        1,
        "Une carte commune des captages",
        "Pourquoi ne pas réunir sur une même carte les captages des départements bretons ?",
        [0],
        S.MERGED,
        "",
        [2, "agent"],
    ),
    (
        2,
        "Mutualiser les tournées de contrôle entre départements voisins",
        "Les contrôleurs de deux départements pourraient faire équipe sur les bassins "
        "versants à cheval sur la limite.",
        [0],
        S.IMPLEMENTED,
        "Mise en œuvre : trois tournées communes Ille-et-Vilaine / Côtes-d'Armor depuis septembre.",
        [0, 1, "agent"],
    ),
    (
        0,
        "Un logiciel dédié pour chaque service instructeur",
        "Développer un outil propre à chaque DDTM pour l'instruction des dossiers.",
        [],
        S.REJECTED,
        "Non retenue : l'outil national existe déjà et ses évolutions se demandent au "
        "ministère ; un outil par service disperserait l'effort.",
        [],
    ),
    (
        2,
        "Un webinaire mensuel sur la jurisprudence loi sur l'eau",
        "Une heure par mois pour partager les décisions récentes des tribunaux.",
        [0],
        S.NEW,
        "",
        [0],
    ),
    (
        "agent",
        "Afficher les débits de référence dans l'outil de suivi",
        "Les débits seuils de chaque station, affichés à côté des relevés du jour.",
        [0, 2],
        S.NEW,
        "",
        [],
    ),
]

TELEWORK_IDEAS = [
    (
        0,
        "Des bureaux partagés dans les sous-préfectures",
        "Les agents en déplacement pourraient travailler depuis un poste réservé dans "
        "n'importe quelle sous-préfecture.",
        [],
        S.STUDYING,
        "",
        [1, 2, "agent"],
    ),
    (
        "agent",
        "Un guide du télétravail pour les nouveaux arrivants",
        "Une page qui rassemble les règles, le matériel et les contacts utiles.",
        [],
        S.NEW,
        "",
        [0, 1],
    ),
]

PLATFORM_IDEAS = [
    (
        "agent",
        "Recevoir un résumé hebdomadaire de mes communautés",
        "Un courriel le lundi avec ce qui s'est passé dans mes communautés la semaine "
        "précédente, plutôt qu'une notification par message.",
        [0],
        S.ADOPTED,
        "Retenue : le résumé hebdomadaire arrive avec la prochaine version des notifications.",
        [0, 1],
    ),
    (
        0,
        "Un mode sombre pour la messagerie",
        "Le thème sombre du DSFR existe : la messagerie pourrait le suivre.",
        [0, 2],
        S.NEW,
        "",
        ["agent"],
    ),
]


def _agent(email):
    return Agent.objects.filter(email=email, is_active=True).first()


def _contributors(community, *exclude):
    """Active members of the community who accepted its current charter (the animators and the
    demo agent aside)."""
    return [
        membership.agent
        for membership in Membership.objects.filter(
            community=community,
            state=Membership.State.ACTIVE,
            role=Membership.Role.MEMBER,
            charter_accepted_id=community.current_charter_id,
        )
        .exclude(agent__in=exclude)
        .select_related("agent")
        .order_by("agent__email")[:3]
    ]


def _load_box(community, ideas, *, people, moderator, merge_into=None):
    """Write a box's ideas through the services; return how many."""
    if Idea.objects.filter(community=community).exists():
        return 0
    themes = list(community.themes.order_by("pk"))
    written = {}
    for index, (author, title, body, theme_indexes, status, answer, supporters) in enumerate(ideas):
        chosen = [themes[i] for i in theme_indexes if i < len(themes)]
        idea = services.idea_submit(
            community=community, agent=people[author], title=title, body=body, themes=chosen
        )
        for supporter in supporters:
            if people[supporter].pk != idea.author_id:
                services.support_toggle(idea=idea, agent=people[supporter], support=True)
        written[index] = idea
        path = {
            S.STUDYING: [S.STUDYING],
            S.ADOPTED: [S.STUDYING, S.ADOPTED],
            S.IMPLEMENTED: [S.STUDYING, S.ADOPTED, S.IMPLEMENTED],
            S.REJECTED: [S.REJECTED],
        }.get(status, [])
        for step in path:
            idea.refresh_from_db()
            idea.community = community
            services.idea_set_status(
                idea=idea,
                actor=moderator,
                status=step,
                answer=answer if step == status else "Nous étudions cette idée.",
            )
    if merge_into is not None:
        duplicate, target = merge_into
        services.idea_merge(idea=written[duplicate], target=written[target], actor=moderator)
    _comment(written, people)
    return len(written)


# The comments of a box: (idea index, commenter key, text).
COMMENTS = [
    (0, 0, "Très bonne idée : nous avons le même besoin dans notre service."),
    (0, 1, "Pensez à associer l'ARS dès le départ."),
    (1, "agent", "Je peux partager nos couches cartographiques si cela aide."),
]


def _comment(written, people):
    """A few comments, one of them the demo agent's (to edit or delete)."""
    from ideas.comments import comment_create

    for index, key, text in COMMENTS:
        idea, agent = written.get(index), people.get(key)
        if idea is None or agent is None or idea.is_merged:
            continue
        idea.refresh_from_db()
        if agent.pk != idea.author_id and not idea.is_merged:
            comment_create(idea=idea, agent=agent, body=text)


@transaction.atomic
def load_demo_ideas():
    """Write the demo idea boxes if they are missing; return how many ideas were written."""
    animator, agent, admin = _agent(ANIMATOR), _agent(AGENT), _agent(ADMIN)
    if animator is None or agent is None:
        return 0
    count = 0
    for slug, ideas, merge in ((WATER, WATER_IDEAS, (2, 1)), (TELEWORK, TELEWORK_IDEAS, None)):
        community = Community.objects.filter(slug=slug).first()
        if community is None:
            continue
        colleagues = _contributors(community, animator, agent)
        if len(colleagues) < 3:
            continue
        people = {"agent": agent, "animator": animator, **dict(enumerate(colleagues))}
        count += _load_box(community, ideas, people=people, moderator=animator, merge_into=merge)
    if admin is not None:
        box = services.platform_box()
        community = box.community
        voices = list(
            Agent.objects.filter(is_active=True, is_external=False, email__startswith="agent0")
            .exclude(pk__in=[agent.pk, animator.pk])
            .order_by("email")[:2]
        )
        if len(voices) == 2:
            people = {"agent": agent, 0: voices[0], 1: voices[1]}
            count += _load_box(community, PLATFORM_IDEAS, people=people, moderator=admin)
    return count


def summary():
    """What ``load_demo_data`` prints for the idea boxes."""
    return (
        "des boîtes à idées dans « Politique de l'eau en Bretagne » et « Télétravail et "
        "nomadisme », et celle de la plateforme, « Améliorer Maillage » "
        "(/communautes/ameliorer-maillage/idees/)"
    )
