"""The forums' demo data (registered with ``maillage.demo`` after the communities' and the
chat's): the forum of « Politique de l'eau en Bretagne » — a help forum with a solved and an
open question, a forum of experience with a pinned discussion, the animators' announcements
with a locked topic, an unanswered topic, votes, a reaction, an edited and a deleted post, a
mention — written through the services, so that every page of the forum has something to
show (the walk of every page, ``tests/maillage/test_bad_input.py``, goes through them).

Idempotent: a community whose forum has categories is left as it is.
"""

from django.db import transaction

from communities.models import Community, Membership
from directory.models import Agent
from forums import services
from forums.models import Category, Topic

ANIMATOR = "animateur@demo.gouv.fr"
AGENT = "agent@demo.gouv.fr"
WATER = "politique-de-l-eau-en-bretagne"


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


@transaction.atomic
def load_demo_forums():
    """Write the demo forum if it is missing; return how many posts were written."""
    animator, agent = _agent(ANIMATOR), _agent(AGENT)
    community = Community.objects.filter(slug=WATER).first()
    if animator is None or agent is None or community is None:
        return 0
    if Category.objects.filter(community=community).exists():
        return 0
    colleagues = _contributors(community, animator, agent)
    if len(colleagues) < 2:
        return 0
    first, second = colleagues[0], colleagues[1]

    def category(name, description, **fields):
        return services.category_create(
            community=community, actor=animator, name=name, description=description, **fields
        )

    help_forum = category(
        "Entraide réglementaire",
        "Vos questions sur l'instruction des dossiers loi sur l'eau, les arrêtés sécheresse "
        "et les contrôles : la communauté y répond, l'auteur choisit la solution.",
        is_help=True,
    )
    experience = category(
        "Retours d'expérience",
        "Ce qui a marché (ou pas) dans vos services : méthodes, outils, partenariats.",
    )
    news = category(
        "Annonces de l'animation",
        "Les informations de l'animation de la communauté.",
        who_may_start=Category.Starters.ANIMATORS,
    )
    category("Questions diverses", "Tout ce qui ne rentre pas ailleurs.")

    posts = 0
    # A question solved by a colleague's reply, with votes and a mention.
    question = services.topic_create(
        category=help_forum,
        agent=agent,
        title="Forage agricole : déclaration ou autorisation ?",
        body="Un exploitant prévoit un forage de **12 000 m³/an** en zone de répartition des "
        "eaux. Faut-il une déclaration ou une autorisation au titre de la loi sur l'eau ?",
    )
    answer = services.post_reply(
        topic=question,
        agent=first,
        body="En ZRE, le seuil d'autorisation est de 8 m³/h : vérifiez la rubrique 1.3.1.0 de "
        "la nomenclature. En dessous, c'est une déclaration.",
    )
    services.post_reply(
        topic=question,
        agent=animator,
        body=f"Je confirme. @{first.first_name} {first.last_name} a mis la fiche de "
        "la DDTM 35 dans les documents de la communauté.",
    )
    services.post_reply(topic=question, agent=agent, body="Merci à vous deux, c'est clair !")
    services.solution_mark(topic=question, agent=agent, post=answer)
    services.post_vote(post=answer, agent=agent)
    services.post_vote(post=answer, agent=animator)
    services.post_vote(post=question.posts.get(number=1), agent=first)
    posts += 4

    # An open question, whose reply the demo agent edited.
    open_question = services.topic_create(
        category=help_forum,
        agent=second,
        title="Arrêté sécheresse : quel délai de publication ?",
        body="Combien de temps avant l'entrée en vigueur publiez-vous vos arrêtés de restriction ?",
    )
    edited = services.post_reply(
        topic=open_question, agent=agent, body="Chez nous, la veille au soir."
    )
    services.post_edit(
        post=edited,
        agent=agent,
        body="Chez nous, la veille au soir, avec un communiqué de presse le matin même.",
    )
    services.post_reply(topic=open_question, agent=animator, body="Idem dans le Morbihan.")
    posts += 3

    # A pinned discussion with a reaction and a deleted post.
    discussion = services.topic_create(
        category=experience,
        agent=animator,
        title="Partagez vos tableaux de bord des contrôles",
        body="Quels indicateurs suivez-vous pour vos contrôles de prélèvements ?",
    )
    shared = services.post_reply(
        topic=discussion,
        agent=first,
        body="Nombre de contrôles, taux de non-conformité, délais de suite.",
    )
    services.post_react(post=shared, agent=agent, emoji="👍")
    mistaken = services.post_reply(topic=discussion, agent=second, body="Message en double.")
    services.post_delete(post=mistaken, agent=second)
    services.post_reply(topic=discussion, agent=agent, body="Nous ajoutons les suites pénales.")
    Topic.objects.filter(pk=discussion.pk).update(is_pinned=True)
    posts += 4

    # An unanswered topic.
    services.topic_create(
        category=experience,
        agent=second,
        title="Un outil de cartographie des captages ?",
        body="Quelqu'un utilise-t-il un outil libre pour cartographier les captages ?",
    )
    posts += 1

    # The animators' announcement, locked.
    locked = services.topic_create(
        category=news,
        agent=animator,
        title="Comité de bassin du 12 mars : compte rendu",
        body="Le compte rendu est disponible ; les échanges se poursuivent dans « Retours "
        "d'expérience ».",
    )
    Topic.objects.filter(pk=locked.pk).update(is_locked=True)
    posts += 1
    return posts
