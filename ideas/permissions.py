"""The idea box's part of the permission policy: who reads a community's box, submits, supports,
comments, edits, moves statuses, merges and exports.

The community's own abilities (``communities.permissions``) decide; this module composes them, as
every community tool does:

- read: the community's content is readable and its « boîte à idées » tool is on (hidden ideas
  and comments only for those who moderate);
- submit: contribute (active member, current charter accepted, community not archived), in a
  box open to the members' ideas (``IdeaBox.who_may_submit``), or moderate;
- support (« je soutiens », withdrawable): contribute, never one's own idea, only while the idea
  is open (« nouvelle », « à l'étude », « retenue »: a closed idea's count no longer moves);
- comment: contribute, the idea neither hidden nor merged;
- edit an idea: its author while it is « nouvelle » and they contribute; the animators any time
  (audited);
- statuses, answers, merges, hiding, settings, export: moderate (the animators, the platform
  administrators everywhere).

**The platform box « Améliorer Maillage »** (``IdeaBox.is_platform``, ``docs/adr/0009``) differs
here only: any signed-in State agent — not an external partner, not banned from it — submits,
supports and comments without joining first (the service makes them a member of that open
community on their first contribution: ``will_join``); its statuses, answers and merges are the
platform administrators' alone (its community has no animators who could answer for the State).
"""

from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import gettext as _

from communities.permissions import (
    UNSET,
    CommunityAbilities,
    abilities,
    communities_readable_by,
    content_visible_to,
)
from ideas.models import Idea, IdeaBox, IdeaComment, IdeaStatusChange
from maillage import policy

# The statuses in which an idea takes (and gives back) supports.
SUPPORT_OPEN = {Idea.Status.NEW, Idea.Status.STUDYING, Idea.Status.ADOPTED}


def box_key(community_id):
    """Where the policy's scope remembers a community's box (``services.box_for`` forgets it)."""
    return ("idea_box", community_id)


def box_of(community):
    """The community's box as stored (None: not created yet: the defaults apply), read once per
    request or event."""
    return policy.remembered(
        box_key(community.pk), lambda: IdeaBox.objects.filter(community=community).first()
    )


@dataclass
class IdeaAbilities:
    """What one agent may do in one community's idea box (``ab``: the community's abilities).
    ``box`` is the community's ``IdeaBox`` when the caller has it (else read once per scope)."""

    agent: object
    community: object
    ab: CommunityAbilities
    box: IdeaBox | None = None

    def __post_init__(self):
        if self.box is None:
            self.box = box_of(self.community)

    @property
    def signed_in(self):
        return self.ab.signed_in

    @property
    def is_platform(self):
        return self.box is not None and self.box.is_platform

    @property
    def tool_on(self):
        return self.ab.tool("ideas")

    @property
    def can_read(self):
        return self.tool_on and self.ab.can_read

    @property
    def must_accept_charter(self):
        return self.can_read and self.ab.must_accept_charter

    @property
    def will_join(self):
        """The platform box: a State agent who is not a member yet may contribute, and joins the
        community with their first contribution (the page says so)."""
        ab = self.ab
        return (
            self.is_platform
            and self.can_read
            and ab.membership is None
            and ab.signed_in
            and not ab.is_external
            and not ab.archived
        )

    @property
    def can_contribute(self):
        return self.can_read and (self.ab.can_contribute or self.will_join)

    @property
    def can_moderate(self):
        """Answer, move statuses, merge, hide, edit any idea, change the settings, export: the
        animators (and the platform administrators); the platform box's, the administrators."""
        if not self.can_read:
            return False
        if self.is_platform:
            return self.ab.is_admin and not self.ab.archived
        return self.ab.can_moderate

    @property
    def can_report(self):
        return self.can_read and self.ab.can_report

    @property
    def animators_only(self):
        return self.box is not None and self.box.who_may_submit == IdeaBox.Submitters.ANIMATORS

    @property
    def can_submit(self):
        if not self.can_contribute:
            return False
        return not self.animators_only or self.can_moderate

    @property
    def can_export(self):
        return self.can_moderate

    @property
    def can_manage_settings(self):
        return self.can_moderate

    @property
    def can_filter_mine(self):
        """« Mes idées », « Que je soutiens »: any signed-in reader."""
        return self.can_read and self.signed_in

    # --- on ideas -----------------------------------------------------------------------------
    def _is_author(self, obj):
        return self.signed_in and obj.author_id == self.agent.pk

    def can_read_idea(self, idea):
        return (
            self.can_read
            and idea.community_id == self.community.pk
            and (not idea.is_hidden or self.can_moderate)
        )

    def _open(self, idea):
        return self.can_read_idea(idea) and not idea.is_hidden and not idea.is_merged

    def can_support(self, idea):
        """Give or withdraw « je soutiens »."""
        return (
            self.can_contribute
            and self._open(idea)
            and idea.status in SUPPORT_OPEN
            and not self._is_author(idea)
        )

    def can_comment(self, idea):
        return self.can_contribute and self._open(idea)

    def can_edit(self, idea):
        """The author while the idea is « nouvelle » (and they contribute); the animators any
        time (audited)."""
        if not self._open(idea):
            return False
        if self.can_moderate:
            return True
        return self._is_author(idea) and self.ab.can_contribute and idea.status == Idea.Status.NEW

    def can_set_status(self, idea):
        return self.can_moderate and self._open(idea)

    def can_merge(self, idea):
        return self.can_moderate and self._open(idea)

    def can_hide(self, idea):
        return self.can_moderate and self.can_read_idea(idea)

    # --- on comments --------------------------------------------------------------------------
    def can_read_comment(self, comment, idea=None):
        idea = idea or comment.idea
        return self.can_read_idea(idea) and (not comment.is_hidden or self.can_moderate)

    def can_edit_comment(self, comment, idea=None):
        return (
            self._is_author(comment)
            and self.ab.can_contribute
            and not comment.is_deleted
            and not comment.is_hidden
            and self.can_read_comment(comment, idea)
        )

    def can_delete_comment(self, comment, idea=None):
        if comment.is_deleted or not self.can_read_comment(comment, idea) or self.ab.archived:
            return False
        if self.can_moderate:
            return True
        return self._is_author(comment) and self.ab.is_member

    def can_react(self, comment):
        return self.can_contribute and not comment.is_deleted and not comment.is_hidden

    def can_see_comment_history(self, comment):
        return self.can_read and (self.can_moderate or self._is_author(comment))


def contribution_refusal(ia):
    """Why ``ia``'s agent may not write in the box, whatever their membership: the first refusal
    in the order a person understands them, (its French message, its code); None when none.
    The services (ideas and their comments) raise it in their own error, then check membership."""
    if not ia.can_read:
        return _("Cette boîte à idées n'est pas accessible."), "not_found"
    if ia.ab.archived:
        return _("Cette communauté est archivée : plus rien n'y change."), "archived"
    if ia.must_accept_charter:
        return _("Acceptez la charte de la communauté avant de contribuer."), "charter"
    return None


def idea_abilities(agent, community, membership=UNSET, box=None):
    """The abilities of ``agent`` in the idea box of ``community`` (the membership and the box
    read once per request or event through the policy's scope)."""
    return IdeaAbilities(
        agent=agent, community=community, ab=abilities(agent, community, membership), box=box
    )


@dataclass
class IdeaObjectAbilities:
    """The policy's answer for one idea, comment or status change (``can_read`` at least), for
    what reads across the apps (attachments, notifications, search, the leak tests)."""

    ideas: IdeaAbilities
    obj: object

    @cached_property
    def can_read(self):
        obj = self.obj
        if isinstance(obj, Idea):
            return self.ideas.can_read_idea(obj)
        if isinstance(obj, IdeaComment):
            return self.ideas.can_read_comment(obj)
        if isinstance(obj, IdeaStatusChange):
            return self.ideas.can_read_idea(obj.idea)
        return self.ideas.can_read

    @property
    def can_moderate(self):
        return self.ideas.can_moderate

    @property
    def can_report(self):
        return self.can_read and self.ideas.can_report

    def __getattr__(self, name):
        return getattr(self.ideas, name)


def object_abilities(agent, obj):
    community = obj.idea.community if isinstance(obj, IdeaStatusChange) else obj.community
    return IdeaObjectAbilities(ideas=idea_abilities(agent, community), obj=obj)


def boxes_readable_by(agent):
    """The boxes the agent reads (tool on, community readable)."""
    return IdeaBox.objects.filter(
        community__in=communities_readable_by(agent), community__tool_ideas=True
    )


def ideas_readable_by(agent):
    """The ideas the agent reads (not hidden; the tool on; merged ones included: their page
    says where they went)."""
    return content_visible_to(agent, Idea.objects.all())


def comments_readable_by(agent):
    """The comments the agent reads (neither they nor their idea hidden; the tool on)."""
    return content_visible_to(agent, IdeaComment.objects.all())


def status_changes_readable_by(agent):
    return IdeaStatusChange.objects.filter(idea__in=ideas_readable_by(agent))
