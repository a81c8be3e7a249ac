"""A notification shows only what its recipient may see now. Once what it is about is hidden by
moderation, or its recipient is banned, removed or gone, it is withdrawn: out of the centre (no
community name, no summary, no link), out of the bell's count and the digest, and its address
answers 404. Every read withdraws it (``when="read"``: the communities' on-commit hooks never
ran), and the communities' services withdraw it at once when their change commits
(``when="commit"``)."""

import asyncio
import json
from contextlib import nullcontext
from datetime import timedelta
from html import unescape
from types import SimpleNamespace

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.urls import reverse

from communities import services
from communities.content import moderation
from communities.models import Community, Membership, Report
from directory.models import Agent
from maillage.realtime import agent_group
from notifications import services as notifications
from notifications.models import Email, Notification
from tests.communities.content_helpers import accept_charter, fresh, make_community
from tests.factories import AgentFactory, AnnouncementFactory, CommunityFactory, MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_failed_tasks")]

CENTRE = reverse("notifications:centre")
UNREAD = reverse("notifications:unread_count")
SECRET = "Cellule Ouessant"
SECRET_TITLE = "Exercice de crise à Ouessant"
KEPT_TITLE = "Réunion du réseau en mars"


def text(response):
    return unescape(response.content.decode())


def open_url(notification):
    return reverse("notifications:open", args=[notification.pk])


def unread_of(agent):
    return Agent.objects.get(pk=agent.pk).notifications_unread


def about(agent, target):
    """The agent's notification about ``target``."""
    return Notification.objects.get(recipient=agent, target_id=target.pk, kind="announcement")


def announce(community, animator, title):
    return services.announcement_create(
        community=fresh(community), actor=fresh(animator), title=title, body="Ordre du jour."
    )


def maybe_on_commit(run_on_commit, when):
    """The block's on-commit hooks run (``"commit"``) or are lost (``"read"``: only the reads
    can then withdraw anything)."""
    return run_on_commit() if when == "commit" else nullcontext()


@pytest.fixture
def world(run_on_commit):
    """An open community: Alice animates, Marc is a member, notified of two announcements."""
    with run_on_commit():
        animator = AgentFactory(first_name="Alice", last_name="Anim")
        community = make_community(animator=animator, name="Politique de l'eau")
        member = AgentFactory(first_name="Marc", last_name="Membre")
        services.community_join(community=fresh(community), agent=member)
        accept_charter(community, member)
        kept = announce(community, animator, KEPT_TITLE)
        doomed = announce(community, animator, "Annonce litigieuse")
    return SimpleNamespace(
        community=fresh(community),
        animator=fresh(animator),
        member=fresh(member),
        kept=kept,
        doomed=doomed,
    )


@pytest.fixture
def secret(run_on_commit):
    """Marc, invited to the secret « Cellule Ouessant », accepts; he is notified of the
    invitation and of an announcement there, and of one in an open community."""
    with run_on_commit():
        animator = AgentFactory(first_name="Alice", last_name="Anim")
        community = make_community(
            animator=animator, name=SECRET, visibility=Community.Visibility.PRIVATE_SECRET
        )
        open_community = make_community(animator=animator, name="Politique de l'eau")
        member = AgentFactory(first_name="Marc", last_name="Membre")
        # Everything of Marc's waits for the weekly digest (invitations are e-mailed at once
        # by default).
        notifications.preference_set(
            agent=member, kind="invitation", in_app=True, email=Email.WEEKLY
        )
        services.invite(community=fresh(community), actor=fresh(animator), agent=member)
    with run_on_commit():
        services.invitation_answer(community=fresh(community), agent=fresh(member), accept=True)
        accept_charter(community, member)
        services.community_join(community=fresh(open_community), agent=fresh(member))
        accept_charter(open_community, member)
        announcement = announce(community, animator, SECRET_TITLE)
        kept = announce(open_community, animator, KEPT_TITLE)
    member = fresh(member)
    assert sorted(Notification.objects.filter(recipient=member).values_list("kind", flat=True)) == [
        "announcement",
        "announcement",
        "invitation",
    ]
    return SimpleNamespace(
        community=fresh(community),
        animator=fresh(animator),
        member=member,
        announcement=announcement,
        kept=kept,
    )


def ban(world, run_on_commit, when):
    membership = Membership.objects.get(community=world.community, agent=world.member)
    with maybe_on_commit(run_on_commit, when):
        services.member_remove(
            membership=membership, actor=world.animator, ban=True, reason="Fuite d'informations"
        )


# --- an announcement hidden by moderation ---------------------------------------------------------


@pytest.mark.parametrize("when", ["read", "commit"])
def test_hidden_announcement_leaves_the_centre_the_bell_and_its_address(
    client, world, run_on_commit, when
):
    """After the announcement is hidden, its title is absent from the centre, the bell counts
    only the other one, its address answers 404; the other still shows and opens."""
    doomed, kept = about(world.member, world.doomed), about(world.member, world.kept)
    client.force_login(world.member)
    assert "Annonce litigieuse" in text(client.get(CENTRE))  # seen before: the test can fail
    with maybe_on_commit(run_on_commit, when):
        moderation.content_set_hidden(
            content=world.doomed, actor=world.animator, hidden=True, reason="Hors charte"
        )
    if when == "commit":  # withdrawn with the moderation, before anyone reads
        assert not Notification.objects.filter(pk=doomed.pk).exists()
        assert unread_of(world.member) == 1
    page = text(client.get(CENTRE))
    assert "Annonce litigieuse" not in page
    assert KEPT_TITLE in page
    assert 'data-testid="notifications-badge" data-notifications-badge data-count="1"' in page
    assert "1 notification non lue." in page
    assert client.get(UNREAD).json() == {"unread": 1}
    assert client.get(open_url(doomed)).status_code == 404
    response = client.get(open_url(kept))
    assert response.status_code == 302
    assert response["Location"] == world.kept.get_absolute_url()
    assert unread_of(world.member) == 0


@pytest.mark.parametrize("method", ["open", "mark_read"])
def test_a_notification_no_longer_visible_answers_404_when_opened_or_marked(client, world, method):
    """Opened (or marked read) straight from a stale page, before the centre is read again:
    404, no redirect to its address, and it is withdrawn from the bell."""
    doomed = about(world.member, world.doomed)
    moderation.content_set_hidden(content=world.doomed, actor=world.animator, hidden=True)
    client.force_login(world.member)
    url = reverse(f"notifications:{method}", args=[doomed.pk])
    response = client.get(url) if method == "open" else client.post(url)
    assert response.status_code == 404
    assert world.doomed.get_absolute_url() not in response.get("Location", "")
    assert not Notification.objects.filter(pk=doomed.pk).exists()
    assert unread_of(world.member) == 1


@pytest.mark.parametrize("when", ["read", "commit"])
def test_a_withdrawn_notification_does_not_come_back_when_the_content_is_restored(
    client, world, run_on_commit, when
):
    """Hidden then restored: the announcement is back in the community, but its notification,
    withdrawn (at the moderation, or by the first read while it was hidden), stays withdrawn."""
    doomed = about(world.member, world.doomed)
    client.force_login(world.member)
    with maybe_on_commit(run_on_commit, when):
        moderation.content_set_hidden(content=world.doomed, actor=world.animator, hidden=True)
    if when == "read":
        assert "Annonce litigieuse" not in text(client.get(CENTRE))
    with run_on_commit():
        moderation.content_set_hidden(
            content=fresh(world.doomed), actor=world.animator, hidden=False
        )
    assert "Annonce litigieuse" in text(client.get(world.doomed.get_absolute_url()))
    assert "Annonce litigieuse" not in text(client.get(CENTRE))
    assert client.get(open_url(doomed)).status_code == 404
    assert client.get(UNREAD).json() == {"unread": 1}


def test_withdrawn_first_then_paginated_so_pages_stay_full(client, agent):
    """35 notifications, the 3 newest about announcements since hidden: the first page still
    shows 30, none of them hidden, and the second the 2 oldest."""
    community = CommunityFactory()
    MembershipFactory(community=community, agent=agent)
    rows = []
    for number in range(1, 36):
        announcement = AnnouncementFactory(community=community, author=agent)
        rows.append(
            Notification(
                recipient=agent,
                kind="announcement",
                summary=f"Annonce numéro {number:02d}",
                url=announcement.get_absolute_url(),
                community=community,
                target=announcement,
                created_at=announcement.created_at + timedelta(minutes=number),
            )
        )
    Notification.objects.bulk_create(rows)
    admin = AgentFactory(platform_admin=True)
    for row in rows[-3:]:  # the on-commit hooks are lost: only the centre withdraws
        moderation.content_set_hidden(content=row.target, actor=admin, hidden=True)
    client.force_login(agent)
    first, second = text(client.get(CENTRE)), text(client.get(CENTRE + "?page=2"))
    assert first.count('data-testid="notification"') == 30
    assert second.count('data-testid="notification"') == 2
    for number in (33, 34, 35):
        assert f"Annonce numéro {number}" not in first + second
    assert "Annonce numéro 32" in first and "Annonce numéro 03" in first
    assert "Annonce numéro 02" in second and "Annonce numéro 01" in second


# --- a member banned from a secret community ------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "first_read"), [("read", "centre"), ("read", "open"), ("commit", "centre")]
)
def test_member_banned_from_a_secret_community_sees_nothing_of_it(
    client, secret, run_on_commit, when, first_read
):
    """Notified of the secret community's invitation and announcement, then banned: the centre
    names neither the community nor the announcement, the bell counts only the open
    community's announcement, and the notifications' addresses answer 404 without the secret
    address — whichever of them is read first."""
    member = secret.member
    theirs = list(Notification.objects.filter(recipient=member, community=secret.community))
    assert len(theirs) == 2
    client.force_login(member)
    ban(secret, run_on_commit, when)

    def centre():
        page = text(client.get(CENTRE))
        for word in (SECRET, SECRET_TITLE, secret.community.slug):
            assert word not in page
        assert KEPT_TITLE in page
        assert 'data-testid="notifications-badge" data-notifications-badge data-count="1"' in page

    def addresses():
        for notification in theirs:
            response = client.get(open_url(notification))
            assert response.status_code == 404
            assert secret.community.slug not in response.get("Location", "")
            assert secret.community.slug not in text(response)
            assert SECRET not in text(response)

    for read in (centre, addresses) if first_read == "centre" else (addresses, centre):
        read()
    assert client.get(UNREAD).json() == {"unread": 1}
    assert not Notification.objects.filter(recipient=member, community=secret.community).exists()


def test_digest_of_a_member_banned_from_a_secret_community(secret, run_on_commit, mailoutbox):
    """The weekly digest after the ban carries the open community's announcement only, and
    withdraws the secret community's notifications from the centre and the bell too."""
    ban(secret, run_on_commit, "read")
    later = Notification.objects.latest("created_at").created_at + timedelta(days=8)
    with run_on_commit():
        notifications.digest_tick(now=later)
    (message,) = [m for m in mailoutbox if m.to == [secret.member.email]]
    for part in (message.subject, message.body, unescape(message.alternatives[0].content)):
        assert SECRET not in part
        assert SECRET_TITLE not in part
    assert KEPT_TITLE in message.body
    assert list(Notification.objects.filter(recipient=secret.member).values_list("kind")) == [
        ("announcement",)
    ]
    assert unread_of(secret.member) == 1


# --- withdrawn at once by the communities' services -------------------------------------------------


def _pushed(agent):
    """A channel in the agent's group of the real (in-memory) channel layer: ``drain()`` returns
    what was pushed to the agent's tabs since."""
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(agent_group(agent.pk), channel)

    async def collect():
        events = []
        while True:
            try:
                message = await asyncio.wait_for(layer.receive(channel), timeout=0.2)
            except TimeoutError:
                return events
            if message["type"] == "notifications.event":  # the chat uses the group too
                events.append(json.loads(message["text"]))

    return lambda: async_to_sync(collect)()


@pytest.mark.parametrize("change", ["banned", "removed", "left"])
def test_membership_ended_withdraws_the_community_notifications_at_once(
    world, run_on_commit, change
):
    """Banned, removed or leaving: on commit, the member's notifications of the community are
    withdrawn and the new count (0) pushed to their tabs, before any read."""
    drain = _pushed(world.member)
    membership = Membership.objects.get(community=world.community, agent=world.member)
    with run_on_commit():
        if change == "left":
            services.community_leave(community=world.community, agent=world.member)
        else:
            services.member_remove(
                membership=membership,
                actor=world.animator,
                ban=change == "banned",
                reason="Propos injurieux",
            )
    assert not Notification.objects.filter(recipient=world.member).exists()
    assert unread_of(world.member) == 0
    assert drain() == [{"type": "notifications.unread", "unread": 0}]


@pytest.mark.parametrize("close", ["dismissed", "content hidden"])
def test_closed_report_withdraws_the_animators_notification_at_once(world, run_on_commit, close):
    """A report dismissed, or closed by hiding the reported comment: on commit, the animators'
    notification of it is withdrawn; the members keep theirs."""
    comment = services.comment_create(announcement=world.kept, agent=world.member, body="Bof.")
    with run_on_commit():
        report = moderation.report_create(agent=world.member, content=comment, reason="Hors sujet")
    assert Notification.objects.filter(recipient=world.animator, kind="report").exists()
    with run_on_commit():
        if close == "dismissed":
            moderation.report_dismiss(report=report, actor=world.animator)
        else:
            moderation.content_set_hidden(content=comment, actor=world.animator, hidden=True)
    assert Report.objects.get(pk=report.pk).status != Report.Status.OPEN
    assert not Notification.objects.filter(recipient=world.animator, kind="report").exists()
    assert unread_of(world.animator) == 0
    assert Notification.objects.filter(recipient=world.member).count() == 2
