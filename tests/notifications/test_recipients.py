"""Who is notified of each event: THE recipients matrix, written out by hand.

Each event is made through the real service (``communities.services``, ``chat.services``) in a
community where one agent holds each state below; the fan-out then runs as the background task
does after the commit. A row is one kind of event, its 11 flags are the states, in this order:

    outsider  requested  invited  without_charter  member  animator  banned
    muted_all  muted_kind  actor  closed

- ``outsider``: a State agent without any membership;
- ``requested`` / ``invited``: asked to join / was invited, not answered yet;
- ``without_charter``: an active member who has not accepted the current charter;
- ``member``, ``animator``: active, current charter accepted;
- ``banned``: excluded by the animators;
- ``muted_all`` / ``muted_kind``: someone who would be notified (an animator for the animators'
  events, the requester for answers, an outsider for invitations, a member otherwise) and who
  muted this community entirely / muted only this kind of event in it;
- ``actor``: whoever makes the event happen (they are never told of their own action);
- ``closed``: someone who would be notified, whose account is closed after the event commits
  and before the background task runs.

Mutes are per community: a private conversation belongs to none, so they do not silence it.
"""

import contextlib

import pytest

from chat import services as chat
from chat.models import Message
from communities import services as communities
from communities.content import moderation
from communities.models import Community, Membership
from communities.services import CommunityError
from directory.services import agent_close_account
from notifications.models import CommunityMute, Notification
from tests.factories import AgentFactory, AnnouncementFactory, CommunityFactory, MembershipFactory
from tests.notifications.conftest import notifications_of

pytestmark = pytest.mark.django_db

STATES = (
    "outsider",
    "requested",
    "invited",
    "without_charter",
    "member",
    "animator",
    "banned",
    "muted_all",
    "muted_kind",
    "actor",
    "closed",
)

#                     out req inv wch mem ani ban mua muk act clo
RECIPIENTS = {
    "join_request":     "N   N   N   N   N   Y   N   N   N   N   N",
    "request_answered": "N   Y   N   N   N   N   N   N   N   N   N",
    "invitation":       "Y   N   N   N   N   N   N   N   N   N   N",
    "charter_version":  "N   N   N   Y   Y   Y   N   N   N   N   N",
    "announcement":     "N   N   N   Y   Y   Y   N   N   N   N   N",
    "report":           "N   N   N   N   N   Y   N   N   N   N   N",
    "mention":          "N   N   N   Y   Y   Y   N   N   N   N   N",
    "direct_message":   "Y   Y   Y   Y   Y   Y   Y   Y   Y   N   N",
}  # fmt: skip

# (community visibility, the role of whoever would be notified, the actor's role)
SETUP = {
    "join_request": ("on_request", "animator", None),
    "request_answered": ("on_request", "requested", "animator"),
    "invitation": ("private_secret", None, "animator"),
    "charter_version": ("private_secret", "member", "animator"),
    "announcement": ("private_secret", "member", "animator"),
    "report": ("private_secret", "animator", "member"),
    "mention": ("private_secret", "member", "member"),
    "direct_message": ("private_secret", "member", "member"),
}

NAMES = {
    "outsider": ("Olivier", "Dehors"),
    "requested": ("Rémi", "Demandeur"),
    "invited": ("Inès", "Invitée"),
    "without_charter": ("Nina", "Sanscharte"),
    "member": ("Élodie", "Bérard"),
    "animator": ("Alice", "Animatrice"),
    "banned": ("Bastien", "Banni"),
    "muted_all": ("Sophie", "Sourdine"),
    "muted_kind": ("Thomas", "Tamisé"),
    "actor": ("Armand", "Auteur"),
    "closed": ("Claire", "Fermée"),
}

TRAITS = {
    "requested": {"requested": True},
    "invited": {"invited": True},
    "without_charter": {"without_charter": True},
    "member": {},
    "animator": {"animator": True},
    "banned": {"banned": True},
}


def _flags(text):
    return dict(zip(STATES, (flag == "Y" for flag in text.split()), strict=True))


def _build(kind):
    visibility, role, actor_role = SETUP[kind]
    community = CommunityFactory(visibility=visibility, name="Cellule de crise Ouessant")
    agents = {
        state: AgentFactory(first_name=first, last_name=last)
        for state, (first, last) in NAMES.items()
    }
    roles = {
        **{state: state for state in TRAITS},
        "muted_all": role,
        "muted_kind": role,
        "closed": role,
        "actor": actor_role,
    }
    for state, state_role in roles.items():
        if state_role is not None:
            MembershipFactory(community=community, agent=agents[state], **TRAITS[state_role])
    CommunityMute.objects.create(agent=agents["muted_all"], community=community)
    CommunityMute.objects.create(agent=agents["muted_kind"], community=community, kind=kind)
    return Community.objects.get(pk=community.pk), agents


def _fire(kind, community, agents):
    """Make the event happen through the real service."""
    actor = agents["actor"]
    others = [agents[state] for state in STATES if state != "actor"]
    if kind == "join_request":
        communities.community_request(community=community, agent=actor, message="Bonjour")
    elif kind == "request_answered":
        for membership in Membership.objects.filter(
            community=community, state=Membership.State.REQUESTED
        ):
            communities.request_answer(membership=membership, actor=actor, accept=True)
    elif kind == "invitation":
        for agent in others:  # whoever may be invited is; the others are refused or accepted
            with contextlib.suppress(CommunityError):
                communities.invite(community=community, actor=actor, agent=agent)
    elif kind == "charter_version":
        communities.charter_publish(community=community, actor=actor, text="Charte, version 2")
    elif kind == "announcement":
        communities.announcement_create(
            community=community, actor=actor, title="Exercice", body="Jeudi à 9 h."
        )
    elif kind == "report":
        content = AnnouncementFactory(community=community, author=agents["animator"])
        moderation.report_create(agent=actor, content=content, reason="Hors sujet")
    elif kind == "mention":
        body = "Point de situation " + " ".join(
            f"@{first} {last}" for first, last in NAMES.values()
        )
        chat.message_send(
            agent=actor,
            room=chat.room_for_community(community),
            body=body,
            client_id="mention-everyone",
        )
    elif kind == "direct_message":
        for number, agent in enumerate(others):
            chat.message_send(
                agent=actor,
                room=chat.direct_open(agent=actor, other=agent),
                body="Bonjour, un mot en privé",
                client_id=f"direct-message-{number}",
            )


@pytest.mark.usefixtures("no_failed_tasks")
@pytest.mark.parametrize(("kind", "expected"), list(RECIPIENTS.items()), ids=list(RECIPIENTS))
def test_recipients_of_each_event(kind, expected, django_capture_on_commit_callbacks):
    """Each event reaches exactly the states its row says, and only once each."""
    community, agents = _build(kind)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _fire(kind, community, agents)
    # Committed; before the background task runs, one account is closed.
    with django_capture_on_commit_callbacks(execute=True):
        agent_close_account(agent=agents["closed"])
    for callback in callbacks:
        callback()
    received = {state: notifications_of(agents[state], kind) for state in STATES}
    assert {state: bool(kinds) for state, kinds in received.items()} == _flags(expected)
    assert all(len(kinds) <= 1 for kinds in received.values())


def test_muting_another_kind_or_another_community_does_not_silence(run_on_commit):
    """A member who muted another kind here, or this kind in another community, is notified."""
    community = CommunityFactory()
    animator = MembershipFactory(community=community, animator=True).agent
    other_kind = MembershipFactory(community=community).agent
    elsewhere = MembershipFactory(community=community).agent
    CommunityMute.objects.create(agent=other_kind, community=community, kind="mention")
    CommunityMute.objects.create(agent=elsewhere, community=CommunityFactory(), kind="")
    with run_on_commit():
        communities.announcement_create(community=community, actor=animator, title="A", body="B")
    assert notifications_of(other_kind) == ["announcement"]
    assert notifications_of(elsewhere) == ["announcement"]


def test_refused_request_is_told_to_the_requester(run_on_commit):
    """A refused request still tells the requester (who no longer has any membership)."""
    community = CommunityFactory(on_request=True)
    animator = MembershipFactory(community=community, animator=True).agent
    membership = MembershipFactory(community=community, requested=True)
    with run_on_commit():
        communities.request_answer(membership=membership, actor=animator, accept=False)
    notification = Notification.objects.get(recipient=membership.agent)
    assert notification.kind == "request_answered"
    assert "n'est pas acceptée" in notification.summary


# --- what the recipient may no longer see when the task runs -----------------------------------


def test_secret_community_left_before_the_task_notifies_nothing(
    django_capture_on_commit_callbacks,
):
    """A member who leaves a secret community between the announcement and the fan-out is not
    notified of it; the members who stayed are."""
    community = CommunityFactory(private_secret=True)
    animator = MembershipFactory(community=community, animator=True).agent
    leaver = MembershipFactory(community=community).agent
    stayer = MembershipFactory(community=community).agent
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        communities.announcement_create(community=community, actor=animator, title="A", body="B")
    communities.community_leave(community=community, agent=leaver)
    for callback in callbacks:
        callback()
    assert notifications_of(leaver) == []
    assert notifications_of(stayer) == ["announcement"]


def test_chat_message_deleted_before_the_task_notifies_nobody(
    django_capture_on_commit_callbacks, mailoutbox
):
    """A mention whose message is deleted before the fan-out makes no notification, no e-mail;
    the one sent next to it, kept, does."""
    community = CommunityFactory(private_secret=True)
    author = MembershipFactory(community=community).agent
    named = MembershipFactory(
        community=community, agent=AgentFactory(first_name="Yann", last_name="Le Goff")
    ).agent
    room = chat.room_for_community(community)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = chat.message_send(
            agent=author, room=room, body="@Yann Le Goff tu peux voir ?", client_id="gone-0001"
        )
        kept = chat.message_send(
            agent=author, room=room, body="@Yann Le Goff et celui-ci", client_id="kept-0001"
        )
    chat.message_delete(agent=author, message=Message.objects.get(pk=message.pk))
    for callback in callbacks:
        callback()
    assert list(Notification.objects.filter(recipient=named).values_list("kind", "target_id")) == [
        ("mention", kept.pk)
    ]
    assert [m.to for m in mailoutbox] == [[named.email]]


def test_request_cancelled_before_the_task_notifies_nobody(django_capture_on_commit_callbacks):
    """A join request cancelled before the fan-out does not reach the animators; another one,
    kept, does."""
    community = CommunityFactory(on_request=True)
    animator = MembershipFactory(community=community, animator=True).agent
    agent, patient = AgentFactory(), AgentFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        communities.community_request(community=community, agent=agent)
        kept = communities.community_request(community=community, agent=patient)
    communities.request_cancel(community=community, agent=agent)
    for callback in callbacks:
        callback()
    assert list(
        Notification.objects.filter(recipient=animator).values_list("kind", "target_id")
    ) == [("join_request", kept.pk)]


def test_invitation_declined_before_the_task_notifies_nobody(django_capture_on_commit_callbacks):
    """An invitation answered (declined) before the fan-out is not notified any more; one still
    waiting is."""
    community = CommunityFactory(private_secret=True)
    animator = MembershipFactory(community=community, animator=True).agent
    agent, other = AgentFactory(), AgentFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        communities.invite(community=community, actor=animator, agent=agent)
        communities.invite(community=community, actor=animator, agent=other)
    communities.invitation_answer(community=community, agent=agent, accept=False)
    for callback in callbacks:
        callback()
    assert notifications_of(agent) == []
    assert notifications_of(other) == ["invitation"]
