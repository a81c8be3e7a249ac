"""THE permission matrix of communities: every state of an agent towards a community × the four
visibilities × archived or not, for every ability of ``communities.permissions``.

Each table is written out by hand from issue 3 and the module docstring of the policy: it is the
specification, never computed from the code. A row is one state; its 8 flags are the columns

    open  on_request  private_listed  private_secret   |   the same four, archived

so ``"YYYN YYYN"`` reads: yes on the three visible kinds, no on the secret one, archived or not.

The querysets ("every community this agent may see / read / find in the list") are then checked
against the abilities over the same matrix, so a page and a list can never disagree.
"""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from communities.models import Announcement, AnnouncementComment, Community, Membership
from communities.permissions import (
    abilities,
    agents_visible_to,
    communities_listed_for,
    communities_readable_by,
    communities_visible_to,
    content_visible_to,
)
from communities.services import animators_community
from directory.models import Agent
from tests.factories import (
    AgentFactory,
    AnnouncementFactory,
    CommentFactory,
    CommunityFactory,
    ExternalAgentFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db

STATES = (
    "anonymous",  # not signed in
    "outsider",  # signed-in State agent, no membership
    "external",  # external partner, no membership here (member of another community)
    "external_invited",  # external partner invited here, not answered yet
    "external_member",  # external partner, active member here
    "requested",  # asked to join, not answered yet
    "invited",  # invited, not answered yet
    "member_without_charter",  # active member who has not accepted the current charter
    "member",  # active member, current charter accepted
    "animator",  # active animator (the community has another animator too)
    "banned",  # excluded by the animators
    "sgar",  # SGAR officer, not a member
    "admin",  # platform administrator, not a member
)
VISIBILITIES = ("open", "on_request", "private_listed", "private_secret")
COLUMNS = tuple((visibility, archived) for archived in (False, True) for visibility in VISIBILITIES)

# The membership each state holds in every community of the matrix (None: no membership).
MEMBERSHIP_TRAITS = {
    "external_invited": {"invited": True},
    "external_member": {},
    "requested": {"requested": True},
    "invited": {"invited": True},
    "member_without_charter": {"without_charter": True},
    "member": {},
    "animator": {"animator": True},
    "banned": {"banned": True},
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One agent per state and one community per column, built once for the module inside a
    transaction rolled back at the end (each test runs in a savepoint within it)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _build_world():
    agents = {
        "anonymous": AnonymousUser(),
        "outsider": AgentFactory(),
        "external": ExternalAgentFactory(),
        "external_invited": ExternalAgentFactory(),
        "external_member": ExternalAgentFactory(),
        "sgar": AgentFactory(sgar=True),
        "admin": AgentFactory(platform_admin=True),
    }
    for state in MEMBERSHIP_TRAITS:
        agents.setdefault(state, AgentFactory())
    # The external partner belongs to a community outside the matrix: they are a real external
    # user, who reaches that one and nothing else.
    MembershipFactory(community=CommunityFactory(private_listed=True), agent=agents["external"])

    founder = AgentFactory()
    communities = {}
    for visibility, archived in COLUMNS:
        community = CommunityFactory(
            visibility=visibility, archived_at=timezone.now() if archived else None
        )
        MembershipFactory(community=community, agent=founder, animator=True)
        for state, traits in MEMBERSHIP_TRAITS.items():
            MembershipFactory(community=community, agent=agents[state], **traits)
        communities[visibility, archived] = Community.objects.get(pk=community.pk)
    return SimpleNamespace(agents=agents, communities=communities)


def _flags(values):
    flags = "".join("Y" if value else "N" for value in values)
    return f"{flags[:4]} {flags[4:]}"


def row(world, state, ability):
    """The policy's answer for one state over the 8 columns, as a table row."""
    agent = world.agents[state]
    return _flags(
        getattr(abilities(agent, world.communities[column]), ability) for column in COLUMNS
    )


def row_of_queryset(world, queryset):
    """Which of the 8 communities a queryset contains, as a table row."""
    pks = set(queryset.values_list("pk", flat=True))
    return _flags(world.communities[column].pk in pks for column in COLUMNS)


# --- the tables ------------------------------------------------------------------------------
#                           open req listed secret | archived

CAN_VIEW = {
    "anonymous":              "NNNN NNNN",
    "outsider":               "YYYN YYYN",
    "external":               "NNNN NNNN",
    "external_invited":       "YYYY YYYY",
    "external_member":        "YYYY YYYY",
    "requested":              "YYYN YYYN",
    "invited":                "YYYY YYYY",
    "member_without_charter": "YYYY YYYY",
    "member":                 "YYYY YYYY",
    "animator":               "YYYY YYYY",
    "banned":                 "YYYN YYYN",
    "sgar":                   "YYYN YYYN",
    "admin":                  "YYYY YYYY",
}  # fmt: skip

CAN_READ = {
    "anonymous":              "NNNN NNNN",
    "outsider":               "YNNN YNNN",
    "external":               "NNNN NNNN",
    "external_invited":       "NNNN NNNN",
    "external_member":        "YYYY YYYY",
    "requested":              "YNNN YNNN",
    "invited":                "YNNN YNNN",
    "member_without_charter": "YYYY YYYY",
    "member":                 "YYYY YYYY",
    "animator":               "YYYY YYYY",
    "banned":                 "NNNN NNNN",
    "sgar":                   "YNNN YNNN",
    "admin":                  "YYYY YYYY",
}  # fmt: skip

CAN_SEE_MEMBERS = {
    "anonymous":              "NNNN NNNN",
    "outsider":               "YNNN YNNN",
    "external":               "NNNN NNNN",
    "external_invited":       "NNNN NNNN",
    "external_member":        "YYYY YYYY",
    "requested":              "YNNN YNNN",
    "invited":                "YNNN YNNN",
    "member_without_charter": "YYYY YYYY",
    "member":                 "YYYY YYYY",
    "animator":               "YYYY YYYY",
    "banned":                 "NNNN NNNN",
    "sgar":                   "YNNN YNNN",
    "admin":                  "YYYY YYYY",
}  # fmt: skip

CAN_JOIN = {
    "anonymous":              "NNNN NNNN",
    "outsider":               "YNNN NNNN",
    "external":               "NNNN NNNN",
    "external_invited":       "NNNN NNNN",
    "external_member":        "NNNN NNNN",
    "requested":              "NNNN NNNN",
    "invited":                "NNNN NNNN",
    "member_without_charter": "NNNN NNNN",
    "member":                 "NNNN NNNN",
    "animator":               "NNNN NNNN",
    "banned":                 "NNNN NNNN",
    "sgar":                   "YNNN NNNN",
    "admin":                  "YNNN NNNN",
}  # fmt: skip

CAN_REQUEST = {
    "anonymous":              "NNNN NNNN",
    "outsider":               "NYNN NNNN",
    "external":               "NNNN NNNN",
    "external_invited":       "NNNN NNNN",
    "external_member":        "NNNN NNNN",
    "requested":              "NNNN NNNN",
    "invited":                "NNNN NNNN",
    "member_without_charter": "NNNN NNNN",
    "member":                 "NNNN NNNN",
    "animator":               "NNNN NNNN",
    "banned":                 "NNNN NNNN",
    "sgar":                   "NYNN NNNN",
    "admin":                  "NYNN NNNN",
}  # fmt: skip

CAN_CANCEL_REQUEST = {
    "anonymous":              "NNNN NNNN",
    "outsider":               "NNNN NNNN",
    "external":               "NNNN NNNN",
    "external_invited":       "NNNN NNNN",
    "external_member":        "NNNN NNNN",
    "requested":              "YYYY YYYY",
    "invited":                "NNNN NNNN",
    "member_without_charter": "NNNN NNNN",
    "member":                 "NNNN NNNN",
    "animator":               "NNNN NNNN",
    "banned":                 "NNNN NNNN",
    "sgar":                   "NNNN NNNN",
    "admin":                  "NNNN NNNN",
}  # fmt: skip

CAN_ANSWER_INVITATION = {
    "anonymous":              "NNNN NNNN",
    "outsider":               "NNNN NNNN",
    "external":               "NNNN NNNN",
    "external_invited":       "YYYY NNNN",
    "external_member":        "NNNN NNNN",
    "requested":              "NNNN NNNN",
    "invited":                "YYYY NNNN",
    "member_without_charter": "NNNN NNNN",
    "member":                 "NNNN NNNN",
    "animator":               "NNNN NNNN",
    "banned":                 "NNNN NNNN",
    "sgar":                   "NNNN NNNN",
    "admin":                  "NNNN NNNN",
}  # fmt: skip

CAN_LEAVE = {
    "anonymous":              "NNNN NNNN",
    "outsider":               "NNNN NNNN",
    "external":               "NNNN NNNN",
    "external_invited":       "NNNN NNNN",
    "external_member":        "YYYY YYYY",
    "requested":              "NNNN NNNN",
    "invited":                "NNNN NNNN",
    "member_without_charter": "YYYY YYYY",
    "member":                 "YYYY YYYY",
    "animator":               "YYYY YYYY",
    "banned":                 "NNNN NNNN",
    "sgar":                   "NNNN NNNN",
    "admin":                  "NNNN NNNN",
}  # fmt: skip

MUST_ACCEPT_CHARTER = {
    "anonymous":              "NNNN NNNN",
    "outsider":               "NNNN NNNN",
    "external":               "NNNN NNNN",
    "external_invited":       "NNNN NNNN",
    "external_member":        "NNNN NNNN",
    "requested":              "NNNN NNNN",
    "invited":                "NNNN NNNN",
    "member_without_charter": "YYYY YYYY",
    "member":                 "NNNN NNNN",
    "animator":               "NNNN NNNN",
    "banned":                 "NNNN NNNN",
    "sgar":                   "NNNN NNNN",
    "admin":                  "NNNN NNNN",
}  # fmt: skip

CAN_ACCEPT_CHARTER = {
    "anonymous":              "NNNN NNNN",
    "outsider":               "NNNN NNNN",
    "external":               "NNNN NNNN",
    "external_invited":       "NNNN NNNN",
    "external_member":        "NNNN NNNN",
    "requested":              "NNNN NNNN",
    "invited":                "NNNN NNNN",
    "member_without_charter": "YYYY NNNN",
    "member":                 "NNNN NNNN",
    "animator":               "NNNN NNNN",
    "banned":                 "NNNN NNNN",
    "sgar":                   "NNNN NNNN",
    "admin":                  "NNNN NNNN",
}  # fmt: skip

CAN_CONTRIBUTE = {
    "anonymous":              "NNNN NNNN",
    "outsider":               "NNNN NNNN",
    "external":               "NNNN NNNN",
    "external_invited":       "NNNN NNNN",
    "external_member":        "YYYY NNNN",
    "requested":              "NNNN NNNN",
    "invited":                "NNNN NNNN",
    "member_without_charter": "NNNN NNNN",
    "member":                 "YYYY NNNN",
    "animator":               "YYYY NNNN",
    "banned":                 "NNNN NNNN",
    "sgar":                   "NNNN NNNN",
    "admin":                  "NNNN NNNN",
}  # fmt: skip

CAN_REPORT = {
    "anonymous":              "NNNN NNNN",
    "outsider":               "NNNN NNNN",
    "external":               "NNNN NNNN",
    "external_invited":       "NNNN NNNN",
    "external_member":        "YYYY NNNN",
    "requested":              "NNNN NNNN",
    "invited":                "NNNN NNNN",
    "member_without_charter": "YYYY NNNN",
    "member":                 "YYYY NNNN",
    "animator":               "YYYY NNNN",
    "banned":                 "NNNN NNNN",
    "sgar":                   "NNNN NNNN",
    "admin":                  "NNNN NNNN",
}  # fmt: skip

# The animators' powers, all alike: only the animators and the platform administrators, and
# nobody once the community is archived (read-only).
ANIMATION = {
    "anonymous":              "NNNN NNNN",
    "outsider":               "NNNN NNNN",
    "external":               "NNNN NNNN",
    "external_invited":       "NNNN NNNN",
    "external_member":        "NNNN NNNN",
    "requested":              "NNNN NNNN",
    "invited":                "NNNN NNNN",
    "member_without_charter": "NNNN NNNN",
    "member":                 "NNNN NNNN",
    "animator":               "YYYY NNNN",
    "banned":                 "NNNN NNNN",
    "sgar":                   "NNNN NNNN",
    "admin":                  "YYYY NNNN",
}  # fmt: skip

CAN_SEE_AUDIT_LOG = {
    "anonymous":              "NNNN NNNN",
    "outsider":               "NNNN NNNN",
    "external":               "NNNN NNNN",
    "external_invited":       "NNNN NNNN",
    "external_member":        "NNNN NNNN",
    "requested":              "NNNN NNNN",
    "invited":                "NNNN NNNN",
    "member_without_charter": "NNNN NNNN",
    "member":                 "NNNN NNNN",
    "animator":               "YYYY YYYY",
    "banned":                 "NNNN NNNN",
    "sgar":                   "NNNN NNNN",
    "admin":                  "YYYY YYYY",
}  # fmt: skip

CAN_ARCHIVE = {
    "anonymous":              "NNNN NNNN",
    "outsider":               "NNNN NNNN",
    "external":               "NNNN NNNN",
    "external_invited":       "NNNN NNNN",
    "external_member":        "NNNN NNNN",
    "requested":              "NNNN NNNN",
    "invited":                "NNNN NNNN",
    "member_without_charter": "NNNN NNNN",
    "member":                 "NNNN NNNN",
    "animator":               "NNNN NNNN",
    "banned":                 "NNNN NNNN",
    "sgar":                   "NNNN NNNN",
    "admin":                  "YYYY NNNN",
}  # fmt: skip

CAN_RESTORE = {
    "anonymous":              "NNNN NNNN",
    "outsider":               "NNNN NNNN",
    "external":               "NNNN NNNN",
    "external_invited":       "NNNN NNNN",
    "external_member":        "NNNN NNNN",
    "requested":              "NNNN NNNN",
    "invited":                "NNNN NNNN",
    "member_without_charter": "NNNN NNNN",
    "member":                 "NNNN NNNN",
    "animator":               "NNNN NNNN",
    "banned":                 "NNNN NNNN",
    "sgar":                   "NNNN NNNN",
    "admin":                  "NNNN YYYY",
}  # fmt: skip

TABLES = {
    "can_view": CAN_VIEW,
    "can_read": CAN_READ,
    "can_see_members": CAN_SEE_MEMBERS,
    "can_join": CAN_JOIN,
    "can_request": CAN_REQUEST,
    "can_cancel_request": CAN_CANCEL_REQUEST,
    "can_answer_invitation": CAN_ANSWER_INVITATION,
    "can_leave": CAN_LEAVE,
    "must_accept_charter": MUST_ACCEPT_CHARTER,
    "can_accept_charter": CAN_ACCEPT_CHARTER,
    "can_contribute": CAN_CONTRIBUTE,
    "can_report": CAN_REPORT,
    "can_moderate": ANIMATION,
    "can_manage_members": ANIMATION,
    "can_invite": ANIMATION,
    "can_edit": ANIMATION,
    "can_publish_charter": ANIMATION,
    "can_post_announcement": ANIMATION,
    "can_see_audit_log": CAN_SEE_AUDIT_LOG,
    "can_archive": CAN_ARCHIVE,
    "can_restore": CAN_RESTORE,
}


@pytest.mark.parametrize("ability", TABLES)
def test_every_table_covers_every_state_and_column(ability):
    """Each table has one row of 8 Y/N flags for every state, so no cell is left unspecified."""
    table = TABLES[ability]
    assert tuple(table) == STATES
    for flags in table.values():
        assert len(flags.replace(" ", "")) == 8 and set(flags) <= {"Y", "N", " "}


# --- one test per ability --------------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_can_view(world, state):
    """Who sees a community exists: secret ones only members/invitees/admins; archiving unlists."""
    assert row(world, state, "can_view") == CAN_VIEW[state]


@pytest.mark.parametrize("state", STATES)
def test_can_read(world, state):
    """Who reads content: members, admins; other State agents open ones only, archived or not."""
    assert row(world, state, "can_read") == CAN_READ[state]


@pytest.mark.parametrize("state", STATES)
def test_can_see_members(world, state):
    """The member list is content: whoever reads the community sees it, nobody else."""
    assert row(world, state, "can_see_members") == CAN_SEE_MEMBERS[state]


@pytest.mark.parametrize("state", STATES)
def test_can_join(world, state):
    """One-click join: only a State agent with no membership, on an open non-archived community."""
    assert row(world, state, "can_join") == CAN_JOIN[state]


@pytest.mark.parametrize("state", STATES)
def test_can_request(world, state):
    """Asking to join: only a State agent with no membership, on an on-request non-archived one."""
    assert row(world, state, "can_request") == CAN_REQUEST[state]


@pytest.mark.parametrize("state", STATES)
def test_can_cancel_request(world, state):
    """Only the agent with a pending request may withdraw it."""
    assert row(world, state, "can_cancel_request") == CAN_CANCEL_REQUEST[state]


@pytest.mark.parametrize("state", STATES)
def test_can_answer_invitation(world, state):
    """Only an invited agent (State or external) answers an invitation, not once archived."""
    assert row(world, state, "can_answer_invitation") == CAN_ANSWER_INVITATION[state]


@pytest.mark.parametrize("state", STATES)
def test_can_leave(world, state):
    """Every active member may leave (the animators' count is checked separately)."""
    assert row(world, state, "can_leave") == CAN_LEAVE[state]


@pytest.mark.parametrize("state", STATES)
def test_must_accept_charter(world, state):
    """Only an active member who has not accepted the current version must accept it."""
    assert row(world, state, "must_accept_charter") == MUST_ACCEPT_CHARTER[state]


@pytest.mark.parametrize("state", STATES)
def test_can_accept_charter(world, state):
    """The member who must accept the charter may do so, except in an archived community."""
    assert row(world, state, "can_accept_charter") == CAN_ACCEPT_CHARTER[state]


@pytest.mark.parametrize("state", STATES)
def test_can_contribute(world, state):
    """Writing: active members who accepted the current charter, never in an archived community."""
    assert row(world, state, "can_contribute") == CAN_CONTRIBUTE[state]


@pytest.mark.parametrize("state", STATES)
def test_can_report(world, state):
    """Any active member reports content (even before accepting the charter), not when archived."""
    assert row(world, state, "can_report") == CAN_REPORT[state]


@pytest.mark.parametrize("state", STATES)
def test_can_moderate(world, state):
    """Moderation belongs to the animators and the platform admins, until archiving."""
    assert row(world, state, "can_moderate") == ANIMATION[state]


@pytest.mark.parametrize("state", STATES)
def test_can_manage_members(world, state):
    """Managing members belongs to the animators and the platform admins, until archiving."""
    assert row(world, state, "can_manage_members") == ANIMATION[state]


@pytest.mark.parametrize("state", STATES)
def test_can_invite(world, state):
    """Inviting belongs to the animators and the platform admins, until archiving."""
    assert row(world, state, "can_invite") == ANIMATION[state]


@pytest.mark.parametrize("state", STATES)
def test_can_edit(world, state):
    """Editing the community belongs to the animators and the platform admins, until archiving."""
    assert row(world, state, "can_edit") == ANIMATION[state]


@pytest.mark.parametrize("state", STATES)
def test_can_publish_charter(world, state):
    """Publishing a charter version belongs to the animators and the admins, until archiving."""
    assert row(world, state, "can_publish_charter") == ANIMATION[state]


@pytest.mark.parametrize("state", STATES)
def test_can_post_announcement(world, state):
    """Posting announcements belongs to the animators and the admins, until archiving."""
    assert row(world, state, "can_post_announcement") == ANIMATION[state]


@pytest.mark.parametrize("state", STATES)
def test_can_see_audit_log(world, state):
    """The audit log is read by the animators and the platform admins, archived or not."""
    assert row(world, state, "can_see_audit_log") == CAN_SEE_AUDIT_LOG[state]


@pytest.mark.parametrize("state", STATES)
def test_can_archive(world, state):
    """Only a platform administrator archives, and only a community not yet archived."""
    assert row(world, state, "can_archive") == CAN_ARCHIVE[state]


@pytest.mark.parametrize("state", STATES)
def test_can_restore(world, state):
    """Only a platform administrator restores, and only an archived community."""
    assert row(world, state, "can_restore") == CAN_RESTORE[state]


# --- the querysets agree with the abilities --------------------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_communities_visible_to_matches_can_view(world, state):
    """communities_visible_to holds a community exactly when can_view says so."""
    agent = world.agents[state]
    assert row_of_queryset(world, communities_visible_to(agent)) == row(world, state, "can_view")


@pytest.mark.parametrize("state", STATES)
def test_communities_readable_by_matches_can_read(world, state):
    """communities_readable_by holds a community exactly when can_read says so."""
    agent = world.agents[state]
    assert row_of_queryset(world, communities_readable_by(agent)) == row(world, state, "can_read")


@pytest.mark.parametrize("state", STATES)
def test_communities_listed_for_matches_can_view_unarchived(world, state):
    """communities_listed_for holds a community exactly when it is viewable and not archived."""
    agent = world.agents[state]
    expected = _flags(
        abilities(agent, world.communities[visibility, archived]).can_view and not archived
        for visibility, archived in COLUMNS
    )
    assert row_of_queryset(world, communities_listed_for(agent)) == expected


# --- around the matrix -----------------------------------------------------------------------


def test_last_animator_cannot_leave():
    """The policy does not offer « quitter » to the last animator of a community."""
    community = CommunityFactory()
    last = MembershipFactory(community=community, animator=True).agent
    assert abilities(last, community).can_leave is False


def test_second_animator_can_leave():
    """An animator who is not the last one may leave."""
    community = CommunityFactory()
    MembershipFactory(community=community, animator=True)
    other = MembershipFactory(community=community, animator=True).agent
    assert abilities(other, community).can_leave is True


def test_animators_community_is_built_in():
    """The animators' community: no leaving by hand, no management, no archiving, secret."""
    community = animators_community()
    animator = MembershipFactory(community=community).agent
    admin = AgentFactory(platform_admin=True)
    outsider = AgentFactory()
    assert abilities(animator, community).can_read
    assert not abilities(animator, community).can_leave
    assert not abilities(admin, community).can_manage_members
    assert not abilities(admin, community).can_invite
    assert not abilities(admin, community).can_archive
    assert not abilities(outsider, community).can_view
    assert community not in communities_visible_to(outsider)


def test_disabled_announcements_tool_refuses_posting():
    """With the announcements tool switched off, nobody may post an announcement."""
    community = CommunityFactory(tool_announcements=False)
    animator = MembershipFactory(community=community, animator=True).agent
    assert abilities(animator, community).can_moderate
    assert not abilities(animator, community).can_post_announcement


def test_content_of_a_switched_off_tool_is_read_by_nobody():
    """The announcements' tool switched off: its announcements and their comments are no longer
    read, one by one (policy.can_read, which downloads ask) or in lists (content_visible_to);
    switched on again, they are back."""
    from maillage import policy

    community = CommunityFactory(open=True)
    member = MembershipFactory(community=community).agent
    announcement = AnnouncementFactory(community=community)
    comment = AnnouncementComment.objects.create(
        announcement=announcement, community=community, author=member, body="Oui"
    )
    assert policy.can_read(member, announcement) and policy.can_read(member, comment)
    Community.objects.filter(pk=community.pk).update(tool_announcements=False)
    announcement = Announcement.objects.get(pk=announcement.pk)
    comment = AnnouncementComment.objects.get(pk=comment.pk)
    assert not policy.can_read(member, announcement)
    assert not policy.can_read(member, comment)
    assert not content_visible_to(member, Announcement.objects.all()).exists()
    assert not content_visible_to(member, AnnouncementComment.objects.all()).exists()
    Community.objects.filter(pk=community.pk).update(tool_announcements=True)
    assert list(content_visible_to(member, Announcement.objects.all())) == [announcement]


def test_membership_cache_follows_the_agent_not_the_community():
    """The memoised membership of one community never answers for another one."""
    agent = AgentFactory()
    mine, other = CommunityFactory(private_secret=True), CommunityFactory(private_secret=True)
    MembershipFactory(community=mine, agent=agent)
    assert abilities(agent, mine).can_read
    assert not abilities(agent, other).can_view


# --- content and agents ----------------------------------------------------------------------


def test_content_visible_to_excludes_hidden_and_unreadable_content():
    """content_visible_to drops hidden content and content of unreadable communities."""
    agent = AgentFactory()
    mine = CommunityFactory(private_listed=True)
    MembershipFactory(community=mine, agent=agent)
    secret = CommunityFactory(private_secret=True)
    public = CommunityFactory(open=True)
    banned_from = CommunityFactory(open=True)
    MembershipFactory(community=banned_from, agent=agent, banned=True)

    shown = AnnouncementFactory(community=mine)
    hidden = AnnouncementFactory(community=mine, is_hidden=True)
    in_secret = AnnouncementFactory(community=secret)
    in_public = AnnouncementFactory(community=public)
    in_banned = AnnouncementFactory(community=banned_from)
    ours = [shown, hidden, in_secret, in_public, in_banned]
    visible = content_visible_to(agent, Announcement.objects.filter(pk__in=[a.pk for a in ours]))
    assert set(visible) == {shown, in_public}

    # (the comments under a hidden announcement are pinned in test_services)
    comments = [CommentFactory(announcement=a) for a in ours if a is not hidden]
    hidden_comment = CommentFactory(announcement=shown, is_hidden=True)
    visible = content_visible_to(
        agent,
        AnnouncementComment.objects.filter(pk__in=[c.pk for c in [*comments, hidden_comment]]),
    )
    assert {c.announcement for c in visible} == {shown, in_public}
    assert hidden_comment not in visible


def test_content_visible_to_anonymous_and_admin():
    """Anonymous visitors get no content; a platform admin gets every non-hidden piece."""
    secret = CommunityFactory(private_secret=True)
    shown = AnnouncementFactory(community=secret)
    hidden = AnnouncementFactory(community=secret, is_hidden=True)
    qs = Announcement.objects.filter(pk__in=[shown.pk, hidden.pk])
    assert not content_visible_to(AnonymousUser(), qs).exists()
    assert set(content_visible_to(AgentFactory(platform_admin=True), qs)) == {shown}


def test_agents_visible_to_external_user_only_members_of_their_communities():
    """An external user sees only the active members of their own communities."""
    external = ExternalAgentFactory()
    community = CommunityFactory(private_listed=True)
    MembershipFactory(community=community, agent=external)
    colleague = MembershipFactory(community=community).agent
    pending = MembershipFactory(community=community, requested=True).agent
    banned = MembershipFactory(community=community, banned=True).agent
    elsewhere = MembershipFactory(community=CommunityFactory(open=True)).agent
    stranger = AgentFactory()

    visible = set(agents_visible_to(external, Agent.objects.all()))
    assert visible == {external, colleague}
    assert not visible & {pending, banned, elsewhere, stranger}


def test_agents_visible_to_external_without_community_sees_nobody():
    """An external user with only a pending invitation sees nobody in the directory."""
    external = ExternalAgentFactory()
    MembershipFactory(community=CommunityFactory(private_secret=True), agent=external, invited=True)
    AgentFactory()
    assert not agents_visible_to(external, Agent.objects.exclude(pk=external.pk)).exists()


@pytest.mark.parametrize("role", [{}, {"sgar": True}, {"platform_admin": True}])
def test_agents_visible_to_state_agent_sees_everyone(role):
    """A State agent (any role) sees every agent of the directory, external ones included."""
    viewer = AgentFactory(**role)
    ExternalAgentFactory()
    AgentFactory()
    everyone = Agent.objects.all()
    assert agents_visible_to(viewer, everyone).count() == everyone.count()


def test_agents_visible_to_anonymous_sees_nobody():
    """An anonymous visitor sees no agent at all."""
    AgentFactory()
    assert not agents_visible_to(AnonymousUser(), Agent.objects.all()).exists()


def test_membership_states_of_the_world(world):
    """The matrix really holds the states it claims (guards the fixture, not the policy)."""
    community = world.communities["open", False]
    states = dict(Membership.objects.filter(community=community).values_list("agent_id", "state"))
    for state, traits in MEMBERSHIP_TRAITS.items():
        expected = (
            "requested" if traits.get("requested")
            else "invited" if traits.get("invited")
            else "banned" if traits.get("banned")
            else "active"
        )  # fmt: skip
        assert states[world.agents[state].pk] == expected
    assert world.agents["external"].pk not in states
    assert world.agents["outsider"].pk not in states
