"""The kinds of notifications the idea box produces (a new idea for the animators, an idea's new
status with its answer, a new comment on a followed idea, a merge, a mention), registered with
the notifications from ``ideas.social`` (``notifications.kinds``).

Each check is batched (``visible_many(agents, target)``): the recipients' memberships of the
community are read in one query (``communities.notification_kinds.abilities_many``), then the
community's abilities answer for each, as ``ideas.permissions`` reads them: the « boîte à idées »
tool on and the community readable (the platform box is open: every signed-in State agent reads
it). A notification is about what its recipient may read now — the idea not hidden, the comment
neither hidden nor deleted, for the animators too (a hidden idea is not news) — and which they
chose to hear of: the preferences page lists these kinds with their default channels.
"""

from django.utils.translation import gettext_lazy as _

from communities.notification_kinds import abilities_many
from notifications import kinds
from notifications.models import Email


def _readers(agents, community):
    """The ids of ``agents`` who read the community's idea box."""
    return {
        agent.pk
        for agent, ability in abilities_many(agents, community)
        if ability.can_read and ability.tool("ideas")
    }


def _moderators(agents, community):
    """The ids of ``agents`` who moderate the box (its animators; the platform box's, its
    administrators)."""
    from ideas.permissions import IdeaAbilities, box_of

    box = box_of(community)  # read once for all the recipients
    return {
        agent.pk
        for agent, ability in abilities_many(agents, community)
        if IdeaAbilities(agent=agent, community=community, ab=ability, box=box).can_moderate
    }


def _idea_visible(agents, idea):
    """An idea's new status, an idea merged (the target is the notification's idea)."""
    if idea.is_hidden:
        return set()
    return _readers(agents, idea.community)


def _new_idea_visible(agents, idea):
    """A new idea, for who moderates the box, while it is shown and not merged away."""
    if idea.is_hidden or idea.merged_into_id is not None:
        return set()
    return _moderators(agents, idea.community)


def _comment_visible(agents, comment):
    """A comment on a followed idea, a mention in a comment."""
    if comment.is_hidden or comment.is_deleted or comment.idea.is_hidden:
        return set()
    return _readers(agents, comment.community)


def register():
    kinds.register(
        "idea_new",
        label=_("Nouvelles idées"),
        description=_(
            "Une idée est proposée dans une boîte à idées que vous animez (ou, pour "
            "« Améliorer Maillage », que vous administrez)."
        ),
        visible_many=_new_idea_visible,
        order=64,
        related=("community",),
    )
    kinds.register(
        "idea_status",
        label=_("Statut d'une idée"),
        description=_(
            "Une idée que vous avez proposée, soutenue ou suivie change de statut, avec la "
            "réponse de l'animation."
        ),
        visible_many=_idea_visible,
        default_email=Email.IMMEDIATE,
        order=65,
        related=("community",),
        email_template="ideas/email/notification_status",
    )
    kinds.register(
        "idea_comment",
        label=_("Commentaires d'idées"),
        description=_(
            "Un nouveau commentaire sur une idée que vous suivez (les vôtres, celles que vous "
            "soutenez ou avez commentées)."
        ),
        visible_many=_comment_visible,
        default_email=Email.DAILY,
        order=66,
        related=("community", "idea"),
    )
    kinds.register(
        "idea_merged",
        label=_("Idée fusionnée"),
        description=_(
            "Une idée que vous avez proposée ou soutenue est fusionnée avec une autre : votre "
            "soutien la suit."
        ),
        visible_many=_idea_visible,
        default_email=Email.DAILY,
        order=67,
        related=("community",),
    )
    kinds.register(
        "idea_mention",
        label=_("Mentions dans les idées"),
        description=_("Quelqu'un vous mentionne dans un commentaire d'idée (@Prénom Nom)."),
        visible_many=_comment_visible,
        default_email=Email.IMMEDIATE,
        order=68,
        related=("community", "idea"),
    )
