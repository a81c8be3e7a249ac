"""THE permission policy: every "may this agent do X on this community or its content?" and every
"what may this agent see?" is answered here, and only here.

Pages, lists, search, notifications, WebSocket events, exports and downloads all ask this module.
Templates get an ``abilities`` object; querysets get the filters at the bottom of this file.

The states of an agent towards a community:

- anonymous visitor: sees no community at all (the platform is for signed-in agents);
- outsider: signed in, no membership (SGAR officers are outsiders unless they are members: their
  steering reports use aggregated figures, never content);
- external user (a partner invited by e-mail): reaches only the communities they were invited to;
- pending: asked to join (requested) or was invited, not yet a member;
- member who has not accepted the current charter: reads, but contributes nothing until they do;
- member; animator (a member who animates);
- banned: excluded by the animators, sees no content, cannot ask again;
- platform administrator: sees and moderates everything, creates, archives and restores.

× visibility: open (everyone reads, one-click join), on request (everyone sees the home, members
read, join by request), private listed (name and description listed, invitation only), private
secret (404 to non-members, invitation only) × archived (read-only and hidden from browsing, but
still readable by link by whoever could read it before; nobody joins or writes).
"""

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Exists, FilteredRelation, OuterRef, Q

from communities.models import Community, Membership
from directory.roles import principal
from maillage import policy

V = Community.Visibility
S = Membership.State
# "Not given" (None is a real answer: no membership).
UNSET = object()


def is_platform_admin(agent):
    return principal(agent).is_platform_admin


def membership_key(agent_id, community_id):
    """Where the policy's scope remembers one membership (``maillage.policy``)."""
    return ("membership", agent_id, community_id)


def membership_of(agent, community):
    """The agent's membership of the community (None: none), read once per request or event:
    a save or a deletion of the membership forgets it (``communities.signals``)."""
    if not agent.is_authenticated:
        return None
    return policy.remembered(
        membership_key(agent.pk, community.pk),
        lambda: Membership.objects.filter(agent=agent, community=community).first(),
    )


def remember_memberships(agent, community_ids):
    """Read the agent's memberships of these communities in one query, for the questions that
    follow in the same scope (a page or a notification list about many communities)."""
    community_ids = set(community_ids)
    if not community_ids or not agent.is_authenticated:
        return
    found = {
        membership.community_id: membership
        for membership in Membership.objects.filter(agent=agent, community_id__in=community_ids)
    }
    for community_id in community_ids:
        policy.remember(membership_key(agent.pk, community_id), found.get(community_id))


def with_own_membership(queryset, agent, community_path="community"):
    """``queryset`` whose rows bring the agent's membership of their community in the same query
    (a join on the one membership an agent may hold there), for ``remember_own_membership``: the
    paths taken for every chat message and read position then ask the policy without a second
    query."""
    if not agent.is_authenticated:
        return queryset
    return queryset.annotate(
        own_membership=FilteredRelation(
            f"{community_path}__memberships",
            condition=Q(**{f"{community_path}__memberships__agent": agent}),
        )
    ).select_related("own_membership")


def remember_own_membership(agent, row, community_id):
    """Remember, in the current scope, the membership a ``with_own_membership`` row brought (or
    that there is none)."""
    if agent.is_authenticated and community_id is not None:
        policy.remember(membership_key(agent.pk, community_id), row.__dict__.get("own_membership"))


@dataclass
class CommunityAbilities:
    """What one agent may do in one community, computed once per request and page."""

    agent: object
    community: Community
    membership: Membership | None

    # --- who the agent is here -------------------------------------------------------------
    @property
    def signed_in(self):
        return self.agent.is_authenticated and self.agent.is_active

    @property
    def is_admin(self):
        return is_platform_admin(self.agent)

    @property
    def is_external(self):
        return self.signed_in and self.agent.is_external

    @property
    def state(self):
        return self.membership.state if self.membership else None

    @property
    def is_member(self):
        return self.state == S.ACTIVE

    @property
    def is_animator(self):
        return self.is_member and self.membership.role == Membership.Role.ANIMATOR

    @property
    def is_banned(self):
        return self.state == S.BANNED

    @property
    def is_invited(self):
        return self.state == S.INVITED

    @property
    def has_requested(self):
        return self.state == S.REQUESTED

    @property
    def archived(self):
        return self.community.is_archived

    # --- seeing ----------------------------------------------------------------------------
    @property
    def can_view(self):
        """See that the community exists: its home, name, description, animators, charter."""
        if not self.signed_in:
            return False
        if self.is_admin:
            return True
        if self.is_member or self.is_invited:
            return True
        if self.is_external:
            return False
        # Archived communities stay readable where they were (read-only); browsing hides them.
        return not self.community.is_secret

    @property
    def can_read(self):
        """Read its content: announcements, comments, activity, members, tools."""
        if not self.signed_in:
            return False
        if self.is_admin or self.is_member:
            return True
        if self.is_external or self.is_banned:
            return False
        return self.community.visibility == V.OPEN

    @property
    def can_see_members(self):
        return self.can_read

    # --- joining and leaving -----------------------------------------------------------------
    def _can_enter(self):
        return (
            self.signed_in
            and not self.is_external
            and not self.archived
            and self.membership is None
        )

    @property
    def can_join(self):
        return self._can_enter() and self.community.visibility == V.OPEN

    @property
    def can_request(self):
        return self._can_enter() and self.community.visibility == V.ON_REQUEST

    @property
    def can_cancel_request(self):
        return self.has_requested

    @property
    def can_answer_invitation(self):
        return self.is_invited and not self.archived

    @property
    def can_leave(self):
        """Members leave; the last animator hands over first; the animators' community is kept
        by the services."""
        if not self.is_member or self.community.is_animators_community:
            return False
        return not (self.is_animator and self.animator_count == 1)

    @cached_property
    def animator_count(self):
        return self.community.memberships.filter(
            state=S.ACTIVE, role=Membership.Role.ANIMATOR
        ).count()

    # --- the charter -------------------------------------------------------------------------
    @property
    def must_accept_charter(self):
        current = self.community.current_charter_id
        return (
            self.is_member
            and current is not None
            and self.membership.charter_accepted_id != current
        )

    @property
    def can_accept_charter(self):
        return self.must_accept_charter and not self.archived

    # --- contributing ------------------------------------------------------------------------
    @property
    def can_contribute(self):
        """Write anything in the community (comments now; posts, pages, ideas, messages later)."""
        return self.is_member and not self.must_accept_charter and not self.archived

    @property
    def can_report(self):
        return self.is_member and not self.archived

    # --- animating ---------------------------------------------------------------------------
    @property
    def can_moderate(self):
        """Animators' powers: moderation queue, hide and restore content, members."""
        if self.archived:
            return False
        return self.is_admin or self.is_animator

    @property
    def can_manage_members(self):
        return self.can_moderate and not self.community.is_animators_community

    @property
    def can_invite(self):
        return self.can_manage_members

    @property
    def can_edit(self):
        return self.can_moderate

    @property
    def can_publish_charter(self):
        return self.can_moderate

    @property
    def can_post_announcement(self):
        return self.can_moderate and self.tool("announcements")

    @property
    def can_write_article(self):
        """Write an article in the blog: any member who may contribute (charter accepted, not
        archived) while the tool is on."""
        return self.can_contribute and self.tool("announcements")

    @property
    def can_write_post(self):
        return self.can_write_article or self.can_post_announcement

    @property
    def can_see_audit_log(self):
        return self.is_admin or self.is_animator

    # --- administering -----------------------------------------------------------------------
    @property
    def can_archive(self):
        return self.is_admin and not self.archived and not self.community.is_animators_community

    @property
    def can_restore(self):
        return self.is_admin and self.archived

    # --- tools -------------------------------------------------------------------------------
    def tool(self, name):
        return self.community.tool_enabled(name)


def abilities(agent, community, membership=UNSET):
    if membership is UNSET:
        membership = membership_of(agent, community)
    return CommunityAbilities(agent=agent, community=community, membership=membership)


# Who else may create a community, for what: ``{source model: (agent, source) -> bool}``,
# registered by the apps that end with a community (the calls for projects: a selected dossier's
# managers create its community). Asked with the source, never without.
_creation_rights = {}


def register_creation_right(model, check):
    """Let ``check(agent, source)`` allow creating a community from a ``model`` object."""
    _creation_rights[model] = check


def can_create_community(agent, source=None):
    """The platform administrators create communities; others only from a source whose app
    registered the right (``register_creation_right``) and that right allows it."""
    if is_platform_admin(agent):
        return True
    if source is None:
        return False
    check = _creation_rights.get(type(source))
    return bool(check and check(agent, source))


# --- querysets: "everything this agent may see" ---------------------------------------------


def _membership_in(agent, states):
    return Exists(
        Membership.objects.filter(community=OuterRef("pk"), agent=agent, state__in=states)
    )


def communities_visible_to(agent):
    """Communities whose home the agent may open (archived ones included)."""
    qs = Community.objects.all()
    if not agent.is_authenticated or not agent.is_active:
        return qs.none()
    if is_platform_admin(agent):
        return qs
    member_or_invited = _membership_in(agent, [S.ACTIVE, S.INVITED])
    if agent.is_external:
        return qs.filter(member_or_invited)
    return qs.filter(member_or_invited | ~Q(visibility=V.PRIVATE_SECRET))


def communities_listed_for(agent):
    """What the browsing page lists: visible and not archived."""
    return communities_visible_to(agent).filter(archived_at__isnull=True)


def communities_readable_by(agent):
    """Communities whose content (announcements, activity, members, tools) the agent may read."""
    qs = Community.objects.all()
    if not agent.is_authenticated or not agent.is_active:
        return qs.none()
    if is_platform_admin(agent):
        return qs
    member = _membership_in(agent, [S.ACTIVE])
    if agent.is_external:
        return qs.filter(member)
    banned = _membership_in(agent, [S.BANNED])
    return qs.filter(member | (Q(visibility=V.OPEN) & ~banned))


def communities_of(agent):
    """The communities the agent is an active member of."""
    if not agent.is_authenticated:
        return Community.objects.none()
    return Community.objects.filter(memberships__agent=agent, memberships__state=S.ACTIVE)


def content_visible_to(agent, queryset, community_field="community"):
    """Any community content (announcements, comments, later posts, pages, ideas, messages)."""
    queryset = queryset.filter(
        **{f"{community_field}__in": communities_readable_by(agent)}, is_hidden=False
    )
    # The content of a tool the community switched off is not read (its kind's ``tool``).
    tool = _tool_of(queryset.model)
    if tool is not None:
        queryset = queryset.filter(**{f"{community_field}__tool_{tool}": True})
    # Content that hangs below another (a comment below its announcement) goes with it.
    for lookup in getattr(queryset.model, "hidden_with", ()):
        queryset = queryset.filter(**{lookup: False})
    # A draft is nobody's reading but its author's (``drafts_of`` lists those).
    for lookup in getattr(queryset.model, "published_with", ()):
        queryset = queryset.filter(**{f"{lookup}__isnull": False})
    return queryset


def agents_visible_to(agent, queryset):
    """Agents whose profile the viewer may open: every agent for State agents; for an external
    user, only the members of the communities they belong to. The directory asks it through
    ``directory.relations`` (registered by ``CommunitiesConfig``)."""
    if not agent.is_authenticated or not agent.is_active:
        return queryset.none()
    if not agent.is_external:
        return queryset
    return queryset.filter(pk__in=colleague_ids(agent))


def colleague_ids(agent):
    """The ids of the agents who are active members of a community ``agent`` is an active member
    of (``agent`` included when they are a member of any): a subquery for ``pk__in``."""
    return Membership.objects.filter(state=S.ACTIVE, community__in=communities_of(agent)).values(
        "agent_id"
    )


# --- a piece of community content -----------------------------------------------------------


@dataclass
class ContentAbilities:
    """What one agent may do with one piece of community content (an announcement, a comment;
    the tools' contents compose the same way): read it while it is visible — hidden content and
    what hangs below hidden content only for those who moderate — report it, moderate it."""

    agent: object
    content: object
    community_abilities: CommunityAbilities

    @property
    def is_hidden(self):
        if self.content.is_hidden:
            return True
        for lookup in getattr(type(self.content), "hidden_with", ()):
            value = self.content
            for name in lookup.split("__"):
                value = getattr(value, name)
            if value:
                return True
        return False

    @property
    def is_draft(self):
        """Not published yet (``published_with``): seen by its author only."""
        for lookup in getattr(type(self.content), "published_with", ()):
            value = self.content
            for name in lookup.split("__"):
                value = getattr(value, name)
            if value is None:
                return True
        return False

    @property
    def can_moderate(self):
        return self.community_abilities.can_moderate

    @property
    def can_read(self):
        if not self.community_abilities.can_read:
            return False
        tool = _tool_of(type(self.content))
        if tool is not None and not self.community_abilities.tool(tool):
            return False
        if self.is_draft and not self.is_author:
            return False
        return not self.is_hidden or self.can_moderate

    @property
    def can_report(self):
        return self.can_read and self.community_abilities.can_report

    @property
    def is_author(self):
        return getattr(self.content, "author_id", None) == getattr(self.agent, "pk", None)

    @property
    def is_deleted(self):
        return getattr(self.content, "deleted_at", None) is not None

    @property
    def can_edit(self):
        """Its author changes it while they may contribute and it is neither hidden nor
        deleted (as the chat's messages)."""
        return (
            self.is_author
            and not self.is_deleted
            and not self.is_hidden
            and self.can_read
            and self.community_abilities.can_contribute
        )

    @property
    def can_delete(self):
        """Its author (still a member) or the animators delete it, while the community is not
        archived."""
        if self.is_deleted or not self.can_read or self.community_abilities.archived:
            return False
        if self.can_moderate:
            return True
        return self.is_author and self.community_abilities.is_member


def _tool_of(model):
    from communities.content.registry import kind_of

    kind = kind_of(model)
    return kind.tool if kind is not None else None


def content_abilities(agent, content):
    return ContentAbilities(
        agent=agent, content=content, community_abilities=abilities(agent, content.community)
    )


@dataclass
class PostAbilities(ContentAbilities):
    """What one agent may do with one post of the blog (an annonce or an article): its author
    writes, publishes and deletes it while they may write its kind; the animators unpublish,
    feature and delete any; the members who may contribute rate and comment the others'
    published posts."""

    @property
    def can_write_kind(self):
        ab = self.community_abilities
        return ab.can_write_article if self.content.is_article else ab.can_post_announcement

    @property
    def can_edit(self):
        return self.is_author and not self.is_hidden and self.can_read and self.can_write_kind

    @property
    def can_publish(self):
        return self.is_draft and self.can_edit

    @property
    def can_unpublish(self):
        return not self.is_draft and self.can_read and self.can_moderate

    @property
    def can_delete(self):
        if not self.can_read or self.community_abilities.archived:
            return False
        return self.can_moderate or self.can_edit

    @property
    def can_feature(self):
        return not self.is_draft and not self.is_hidden and self.can_read and self.can_moderate

    @property
    def can_rate(self):
        return (
            not self.is_draft
            and not self.is_hidden
            and not self.is_author
            and self.can_read
            and self.community_abilities.can_contribute
        )

    @property
    def can_comment(self):
        return not self.is_draft and not self.is_hidden and self.community_abilities.can_contribute

    @property
    def can_report(self):
        return not self.is_draft and super().can_report


def post_abilities(agent, post):
    return PostAbilities(
        agent=agent, content=post, community_abilities=abilities(agent, post.community)
    )


def content_readable_by(model):
    """``readable`` of a community content model for the policy registry."""

    def readable(agent):
        return content_visible_to(agent, model.objects.all())

    return readable
