"""Following ideas, and the notifications of what happens to them.

Following is the generic « suivre » of the content contract (``communities.content``'s
``Subscription``). The receivers below are connected to ``ideas.signals`` (and to the comments'
``comment_mentioned``): those sent inside the transaction of the change (submitted, supported,
commented, merged) write their subscriptions with it, and ``notify`` queues the fan-out on
commit, where each kind's check drops the recipients who may not read
(``ideas.notification_kinds``); ``idea_status_changed`` is sent once the status change has
committed.

- an idea's author follows it; who supports or comments it follows it from then on (and may stop:
  « Ne plus suivre »);
- the animators of the box hear of a new idea (« idea_new »; the platform box's: its
  administrators);
- the author, the supporters and the followers of an idea hear of its new status, with the
  answer (« idea_status »);
- the followers of an idea hear of a new comment (« idea_comment »), except those the comment
  mentions, who hear of it once, by the mention (« idea_mention »);
- the author and the supporters of an idea merged into another hear where it went
  (« idea_merged »); its followers are moved to the target by the merge.

Whoever acts is never notified of their own action (``notify``).
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from communities.content import services as content
from communities.models import Membership
from ideas import comments, signals
from ideas.models import Idea, IdeaComment, IdeaSupport
from maillage import policy
from maillage.http import Refused
from notifications.services import notify


class FollowRefused(Refused):
    """A follow refused: the agent may not read the idea (a 404)."""


def idea_url(idea):
    return idea.get_absolute_url()


# --- following --------------------------------------------------------------------------------


def follow(*, agent, idea):
    """``agent`` follows an idea they may read (twice is once)."""
    if not isinstance(idea, Idea):
        raise TypeError(f"Only ideas are followed here, not {type(idea).__name__}.")
    if not agent.is_authenticated or not policy.can_read(agent, idea) or idea.is_merged:
        raise FollowRefused(_("Cette idée n'existe pas ou ne vous est pas ouverte."), "not_found")
    content.follow(agent=agent, target=idea)


def unfollow(*, agent, idea):
    """``agent`` stops following an idea (no check: one may always stop)."""
    content.unfollow(agent=agent, target=idea)


def is_following(agent, idea):
    return agent.is_authenticated and content.is_following(agent, idea)


def toggle(*, agent, idea):
    """Follow the idea, or stop following it; True when the agent follows it afterwards."""
    if is_following(agent, idea):
        unfollow(agent=agent, idea=idea)
        return False
    follow(agent=agent, idea=idea)
    return True


def supporter_ids(idea):
    return list(IdeaSupport.objects.filter(idea=idea).values_list("agent_id", flat=True))


def box_animator_ids(idea):
    """Who hears of a new idea: the community's animators; in the platform box, whose answers
    are the administrators', the platform's administrators."""
    box = getattr(idea.community, "idea_box", None)
    if box is not None and box.is_platform:
        Agent = get_user_model()
        return list(
            Agent.objects.filter(Q(role=Agent.Role.ADMIN) | Q(is_superuser=True))
            .filter(is_active=True)
            .values_list("pk", flat=True)
        )
    return list(
        Membership.objects.filter(
            community_id=idea.community_id,
            state=Membership.State.ACTIVE,
            role=Membership.Role.ANIMATOR,
        ).values_list("agent_id", flat=True)
    )


# --- the receivers ------------------------------------------------------------------------------


def _submitted(sender, idea, **kwargs):
    content.follow(agent=idea.author, target=idea)
    notify(
        "idea_new",
        box_animator_ids(idea),
        target=idea,
        community=idea.community,
        actor=idea.author,
        summary=_("Nouvelle idée dans « %(community)s » : %(title)s")
        % {"community": idea.community.name, "title": idea.title},
        url=idea_url(idea),
    )


def _supported(sender, idea, agent, **kwargs):
    content.follow(agent=agent, target=idea)


def status_summary(idea, change):
    """« L'idée « … » est maintenant « Retenue » : <the answer's start> » (300 characters at
    most: the notification's summary; the e-mail carries the whole answer)."""
    summary = _("L'idée « %(title)s » est maintenant « %(status)s »") % {
        "title": idea.title,
        "status": Idea.Status(change.new).label,
    }
    answer = " ".join((change.answer or "").split())
    if answer:
        summary = _("%(summary)s : %(answer)s") % {"summary": summary, "answer": answer}
    return Truncator(summary).chars(300)


def _status_changed(sender, idea, change, **kwargs):
    recipients = {idea.author_id, *supporter_ids(idea), *content.followers(idea)}
    notify(
        "idea_status",
        recipients,
        target=idea,
        community=idea.community,
        actor=change.actor,
        summary=status_summary(idea, change),
        url=idea_url(idea),
    )


def _commented(sender, idea, comment, **kwargs):
    followers = set(content.followers(idea))
    content.follow(agent=comment.author, target=idea)
    # The comment's mentions are stored after this signal: the followers it mentions are left
    # out once it commits, so they hear of it once, by the mention. Robust: the comment is
    # committed by then; a failure is logged, never the comment's 500.
    transaction.on_commit(lambda: _notify_comment(comment, followers), robust=True)


def _notify_comment(comment, followers):
    mentioned = set(comment.mentions.values_list("pk", flat=True))
    idea = comment.idea
    notify(
        "idea_comment",
        followers - mentioned,
        target=comment,
        community=comment.community,
        actor=comment.author,
        summary=_("%(agent)s a commenté l'idée « %(title)s »")
        % {"agent": comment.author.display_name, "title": idea.title},
        url=comment.get_absolute_url(),
    )


def _mentioned(sender, agents, comment, **kwargs):
    notify(
        "idea_mention",
        list(agents),
        target=comment,
        community=comment.community,
        actor=comment.author,
        summary=_("%(agent)s vous mentionne à propos de l'idée « %(title)s »")
        % {"agent": comment.author.display_name, "title": comment.idea.title},
        url=comment.get_absolute_url(),
    )


def _merged(sender, idea, target, actor=None, supporters=None, **kwargs):
    """``supporters``: the ids of the merged idea's supporters, when the merge sends them (its
    supports have moved to the target by then); else those still on the idea."""
    if supporters is None:
        supporters = supporter_ids(idea)
    notify(
        "idea_merged",
        {idea.author_id, *supporters},
        target=target,
        community=idea.community,
        actor=actor,
        summary=_("L'idée « %(title)s » est fusionnée avec « %(target)s »")
        % {"title": idea.title, "target": target.title},
        url=idea_url(target),
    )


def connect():
    """Connect the receivers (once, from ``ideas.social``)."""
    signals.idea_submitted.connect(_submitted, dispatch_uid="ideas.following.submitted")
    signals.idea_supported.connect(_supported, dispatch_uid="ideas.following.supported")
    signals.idea_status_changed.connect(_status_changed, dispatch_uid="ideas.following.status")
    signals.idea_commented.connect(_commented, dispatch_uid="ideas.following.commented")
    signals.idea_merged.connect(_merged, dispatch_uid="ideas.following.merged")
    comments.comment_mentioned.connect(
        _mentioned, sender=IdeaComment, dispatch_uid="ideas.following.mentioned"
    )
