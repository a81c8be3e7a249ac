"""The kinds of notifications the forums produce (a new topic in a followed category, a reply in
a followed topic, the solution of a followed question, a mention), registered with the
notifications from ``forums.registrations`` (``notifications.kinds``).

Each check is batched (``visible_many(agents, target)``): the recipients' memberships of the
community are read in one query (``communities.notification_kinds.abilities_many``), then the
community's abilities answer for each. A notification is about what its recipient may read now:
the forum tool on, the community readable, the topic and the post neither hidden nor deleted —
for the animators too (a hidden post is not news), and a solution only while it is the solution.
"""

from django.utils.translation import gettext_lazy as _

from communities.notification_kinds import abilities_many
from notifications import kinds
from notifications.models import Email


def _readers(agents, community):
    """The ids of ``agents`` who read the community's forum."""
    return {
        agent.pk
        for agent, ability in abilities_many(agents, community)
        if ability.can_read and ability.tool("forum")
    }


def _topic_shown(topic):
    return not topic.is_hidden and topic.merged_into_id is None


def _post_shown(post):
    return not post.is_hidden and post.deleted_at is None and not post.topic.is_hidden


def _topic_visible(agents, topic):
    """A new topic in a followed category."""
    if not _topic_shown(topic):
        return set()
    return _readers(agents, topic.community)


def _post_visible(agents, post):
    """A reply in a followed topic, a mention in a post."""
    if not _post_shown(post):
        return set()
    return _readers(agents, post.community)


def _solution_visible(agents, post):
    """The solution of a followed question: while it is still its solution."""
    if not _post_shown(post) or post.topic.solution_id != post.pk:
        return set()
    return _readers(agents, post.community)


def register():
    kinds.register(
        "forum_topic",
        label=_("Nouveaux sujets de forum"),
        description=_("Un nouveau sujet dans une catégorie de forum que vous suivez."),
        visible_many=_topic_visible,
        order=56,
        related=("community",),
    )
    kinds.register(
        "forum_reply",
        label=_("Réponses dans les forums"),
        description=_(
            "Une réponse dans un sujet de forum que vous suivez (les vôtres, ceux où vous "
            "avez répondu)."
        ),
        visible_many=_post_visible,
        default_email=Email.DAILY,
        order=57,
        related=("community", "topic"),
    )
    kinds.register(
        "forum_solution",
        label=_("Questions résolues"),
        description=_(
            "Une solution est choisie pour votre question ou une question que vous suivez."
        ),
        visible_many=_solution_visible,
        default_email=Email.DAILY,
        order=58,
        related=("community", "topic"),
    )
    kinds.register(
        "forum_mention",
        label=_("Mentions dans les forums"),
        description=_("Quelqu'un vous mentionne dans un message de forum (@Prénom Nom)."),
        visible_many=_post_visible,
        default_email=Email.IMMEDIATE,
        order=61,
        related=("community", "topic"),
    )
