"""Each agent's choice, per kind of event, of the channels of their notifications: in the app,
by e-mail at once, in the daily or weekly digest, or not at all; the defaults; the unread
counter and marking read."""

import re
from datetime import timedelta

import pytest
from django.urls import resolve

from chat import services as chat
from communities import services as communities
from directory.models import Agent
from notifications import kinds, services
from notifications.models import Email, Notification, Preference
from notifications.services import NotificationError
from tests.factories import AgentFactory, CommunityFactory, MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_failed_tasks")]


@pytest.fixture
def community():
    return CommunityFactory(name="Gestion de l'eau en Bretagne")


@pytest.fixture
def animator(community):
    return MembershipFactory(community=community, animator=True).agent


@pytest.fixture
def member(community):
    return MembershipFactory(
        community=community, agent=AgentFactory(first_name="Maëlle", last_name="Kervella")
    ).agent


@pytest.fixture
def announce(community, animator, run_on_commit):
    """Post an announcement in the community, the fan-out run as after the commit."""

    def post(title="Réunion de lancement"):
        with run_on_commit():
            return communities.announcement_create(
                community=community, actor=animator, title=title, body="Jeudi 9 h."
            )

    return post


def unread(agent):
    return Agent.objects.get(pk=agent.pk).notifications_unread


# --- the channels ------------------------------------------------------------------------------


def test_in_app_only(member, announce, mailoutbox):
    """In the app, no e-mail: a row shown in the centre, nothing e-mailed, now or later."""
    services.preference_set(agent=member, kind="announcement", in_app=True, email=Email.NONE)
    announce()
    notification = Notification.objects.get(recipient=member)
    assert (notification.in_app, notification.email) == (True, Email.NONE)
    assert mailoutbox == []
    assert unread(member) == 1


def test_immediate_email_with_one_click_unsubscribe(member, announce, mailoutbox, settings):
    """By e-mail at once: one e-mail now, in French, with the List-Unsubscribe headers and the
    same signed link in its text, which stops that kind's e-mails."""
    services.preference_set(agent=member, kind="announcement", in_app=True, email=Email.IMMEDIATE)
    announce("Réunion de lancement")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [member.email]
    assert message.subject == (
        "[Maillage] Nouvelle annonce dans « Gestion de l'eau en Bretagne » : Réunion de lancement"
    )
    assert "Bonjour Maëlle," in message.body
    assert "Voir sur Maillage : http" in message.body
    headers = message.message()
    link = re.fullmatch(r"<(.+)>", headers["List-Unsubscribe"]).group(1)
    assert link.startswith(settings.SITE_URL + "/notifications/desabonnement/")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"Ne plus recevoir ces e-mails : {link}" in message.body
    html = message.alternatives[0]
    assert html.mimetype == "text/html" and link in html.content
    notification = Notification.objects.get(recipient=member)
    assert notification.emailed_at is not None

    match = resolve(link.removeprefix(settings.SITE_URL))
    assert match.view_name == "notifications:unsubscribe"
    agent, kind = services.unsubscribe(match.kwargs["token"])
    assert (agent, kind.key) == (member, "announcement")
    assert services.preferences_of([member.pk], "announcement")[member.pk] == (True, Email.NONE)
    announce("Deuxième réunion")
    assert len(mailoutbox) == 1
    assert Notification.objects.filter(recipient=member).count() == 2


@pytest.mark.parametrize("frequency", [Email.DAILY, Email.WEEKLY])
def test_digest_frequency_waits_for_the_digest(
    frequency, member, announce, mailoutbox, run_on_commit
):
    """Daily or weekly: no e-mail at once; the notification waits, unsent, for its digest, which
    carries it."""
    services.preference_set(agent=member, kind="announcement", in_app=True, email=frequency)
    announce()
    notification = Notification.objects.get(recipient=member)
    assert (notification.email, notification.emailed_at) == (frequency, None)
    assert mailoutbox == []

    next_week = notification.created_at + timedelta(days=8)
    with run_on_commit():
        queued = services.digest_tick(now=next_week)
    assert [(d.agent_id, d.frequency) for d in queued] == [(member.pk, frequency)]
    assert [m.to for m in mailoutbox] == [[member.email]]
    assert "Réunion de lancement" in mailoutbox[0].body
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_never_makes_no_row(member, community, announce, mailoutbox):
    """Neither in the app nor by e-mail: no row at all, no counter, no e-mail (a member with
    the defaults gets theirs)."""
    other = MembershipFactory(community=community).agent
    services.preference_set(agent=member, kind="announcement", in_app=False, email=Email.NONE)
    announce()
    assert Notification.objects.filter(recipient=member).count() == 0
    assert Notification.objects.filter(recipient=other).count() == 1
    assert unread(member) == 0
    assert mailoutbox == []


def test_email_only_is_not_counted_in_the_bell(member, announce, mailoutbox):
    """By e-mail at once but not in the app: the e-mail goes, the row is hidden from the centre
    and the counter does not move."""
    services.preference_set(agent=member, kind="announcement", in_app=False, email=Email.IMMEDIATE)
    announce()
    notification = Notification.objects.get(recipient=member)
    assert notification.in_app is False
    assert len(mailoutbox) == 1
    assert unread(member) == 0


def test_preferences_are_per_kind(member, community, animator, announce, mailoutbox):
    """A choice for one kind leaves the others at their defaults."""
    services.preference_set(agent=member, kind="mention", in_app=False, email=Email.NONE)
    announce()
    notification = Notification.objects.get(recipient=member)
    assert (notification.in_app, notification.email) == (True, Email.WEEKLY)


def test_unknown_choices_are_refused(member):
    """An unknown kind or e-mail choice is refused; nothing is stored."""
    with pytest.raises(KeyError):
        services.preference_set(agent=member, kind="rumeur", in_app=True, email=Email.NONE)
    with pytest.raises(NotificationError):
        services.preference_set(agent=member, kind="mention", in_app=True, email="hourly")
    assert not Preference.objects.exists()


# --- the defaults ------------------------------------------------------------------------------

DEFAULTS = {
    "join_request": (True, Email.IMMEDIATE),
    "request_answered": (True, Email.IMMEDIATE),
    "invitation": (True, Email.IMMEDIATE),
    "charter_version": (True, Email.WEEKLY),
    "announcement": (True, Email.WEEKLY),
    "comment": (True, Email.WEEKLY),
    "forum_topic": (True, Email.WEEKLY),
    "forum_reply": (True, Email.DAILY),
    "forum_solution": (True, Email.DAILY),
    "forum_mention": (True, Email.IMMEDIATE),
    "wiki_page_changed": (True, Email.DAILY),
    "wiki_page_created": (True, Email.WEEKLY),
    "idea_new": (True, Email.WEEKLY),
    "idea_status": (True, Email.IMMEDIATE),
    "idea_comment": (True, Email.DAILY),
    "idea_merged": (True, Email.DAILY),
    "idea_mention": (True, Email.IMMEDIATE),
    "call_dossier": (True, Email.IMMEDIATE),
    "call_request": (True, Email.IMMEDIATE),
    "call_indicator_due": (True, Email.IMMEDIATE),
    "mention": (True, Email.IMMEDIATE),
    "direct_message": (True, Email.IMMEDIATE),
    "report": (True, Email.WEEKLY),
    "proposal_answered": (True, Email.IMMEDIATE),
    "community_proposal": (True, Email.IMMEDIATE),
}


def test_every_kind_has_its_defaults_written_here():
    """The table below covers every registered kind (a new kind must say its defaults)."""
    assert set(DEFAULTS) == set(kinds.KINDS)


@pytest.mark.parametrize(("kind", "expected"), list(DEFAULTS.items()), ids=list(DEFAULTS))
def test_defaults(kind, expected, member):
    """Without a choice: mentions, private messages, requests to join, their answers and
    invitations by e-mail at once, the rest in the weekly digest; all in the app."""
    assert services.preferences_of([member.pk], kind) == {member.pk: expected}


def test_default_mention_is_emailed_at_once(member, community, run_on_commit, mailoutbox):
    """A mention, with no choice made, is shown in the app and e-mailed at once."""
    author = MembershipFactory(community=community).agent
    with run_on_commit():
        chat.message_send(
            agent=author,
            room=chat.room_for_community(community),
            body="@Maëlle Kervella peux-tu relire ?",
            client_id="default-mention-1",
        )
    notification = Notification.objects.get(recipient=member)
    assert (notification.kind, notification.in_app) == ("mention", True)
    assert notification.emailed_at is not None
    assert [m.to for m in mailoutbox] == [[member.email]]
    assert "vous mentionne" in mailoutbox[0].subject


def test_default_direct_message_is_emailed_at_once(member, run_on_commit, mailoutbox):
    """A private message, with no choice made, is e-mailed at once."""
    other = AgentFactory()
    with run_on_commit():
        chat.message_send(
            agent=other,
            room=chat.direct_open(agent=other, other=member),
            body="Bonjour",
            client_id="default-direct-1",
        )
    assert Notification.objects.get(recipient=member).kind == "direct_message"
    assert [m.to for m in mailoutbox] == [[member.email]]


def test_default_announcement_waits_for_the_weekly_digest(member, announce, mailoutbox):
    """An announcement, with no choice made, is in the app and waits for the weekly digest."""
    announce()
    notification = Notification.objects.get(recipient=member)
    assert (notification.in_app, notification.email, notification.emailed_at) == (
        True,
        Email.WEEKLY,
        None,
    )
    assert mailoutbox == []


# --- the unread counter and marking read ---------------------------------------------------------


def test_unread_counter_follows_notifications_and_reading(member, announce):
    """The counter goes up by one per notification shown in the app, down by one per
    notification read (once), and to 0 when all are read."""
    for number in range(3):
        announce(f"Annonce {number}")
    assert unread(member) == 3
    first, second, _third = Notification.objects.filter(recipient=member)
    services.mark_read(agent=member, notification_id=first.pk)
    assert unread(member) == 2
    services.mark_read(agent=member, notification_id=str(first.pk))  # again: no change
    assert unread(member) == 2
    services.mark_read(agent=member, notification_id=second.pk)
    assert unread(member) == 1
    announce("Annonce 3")
    assert unread(member) == 2
    services.mark_all_read(agent=member)
    assert unread(member) == 0
    assert not Notification.objects.filter(recipient=member, read_at=None).exists()


@pytest.mark.parametrize("foreign", ["someone else's", "unknown", "not a number"])
def test_mark_read_of_someone_elses_notification_is_refused(foreign, member, announce, community):
    """Marking read another agent's notification (or an unknown or malformed id) raises
    NotificationError and changes nothing, neither theirs nor the caller's."""
    other = MembershipFactory(community=community).agent
    announce()
    theirs = Notification.objects.get(recipient=other)
    notification_id = {
        "someone else's": theirs.pk,
        "unknown": 10**9,
        "not a number": "1 OR 1=1",
    }[foreign]
    with pytest.raises(NotificationError, match="Cette notification n'existe pas."):
        services.mark_read(agent=member, notification_id=notification_id)
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert unread(other) == 1
    assert unread(member) == 1
    assert Notification.objects.filter(read_at__isnull=False).count() == 0
