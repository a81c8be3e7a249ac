"""The notifications' pages: the bell in the header, the centre (who may open or mark which
notification, forged ids, marking all read, grouping, pagination, query counts), the preferences
(saved, invalid values refused) and the communities muted (from the preferences and from a
community's home)."""

import re
import uuid
from datetime import timedelta
from html import unescape

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from chat import services as chat
from chat.models import Message, Participant, Room
from communities.content import moderation
from communities.models import Community, Membership
from directory.models import Agent
from notifications import services
from notifications.models import CommunityMute, Email, Notification, Preference
from tests.factories import (
    AgentFactory,
    AnnouncementFactory,
    CommunityFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db

CENTRE = reverse("notifications:centre")
PREFERENCES = reverse("notifications:preferences")
MARK_ALL = reverse("notifications:mark_all_read")
MUTE = reverse("notifications:mute")
UNMUTE = reverse("notifications:unmute")


def text(response):
    """The page as a reader sees it (entities decoded)."""
    return unescape(response.content.decode())


def open_url(notification):
    return reverse("notifications:open", args=[notification.pk])


def mark_url(notification):
    return reverse("notifications:mark_read", args=[notification.pk])


def recount(agent):
    """Set the agent's unread counter from the rows, as the services keep it."""
    count = Notification.objects.filter(recipient=agent, in_app=True, read_at=None).count()
    Agent.objects.filter(pk=agent.pk).update(notifications_unread=count)
    agent.notifications_unread = count
    return count


def _direct_room(agent):
    """A direct conversation of ``agent`` with someone else: ``(room, the other)``."""
    other = AgentFactory()
    room = Room.objects.create(
        kind=Room.Kind.DIRECT, direct_key=f"{min(agent.pk, other.pk)}-{max(agent.pk, other.pk)}"
    )
    Participant.objects.bulk_create(
        [Participant(room=room, agent=agent), Participant(room=room, agent=other)]
    )
    return room, other


def targets_for(agent, n, *, community=None, kind=None):
    """``(kind, [n targets])`` the agent may see: announcements of ``community`` (the agent made
    an active member if needed) or, for ``kind="mention"``, messages of its main room; without a
    community, messages of a direct conversation (filed under « Messagerie et compte »)."""
    kind = kind or ("announcement" if community else "direct_message")
    if kind == "announcement":
        if not Membership.objects.filter(
            community=community, agent=agent, state=Membership.State.ACTIVE
        ).exists():
            MembershipFactory(community=community, agent=agent)
        return kind, [AnnouncementFactory(community=community, author=agent) for _ in range(n)]
    assert kind in ("direct_message", "mention"), kind
    if community is not None:  # a mention in the community's main room
        assert kind == "mention"
        if not Membership.objects.filter(community=community, agent=agent).exists():
            MembershipFactory(community=community, agent=agent)
        room = chat.room_for_community(community)
        return kind, [
            Message.objects.create(
                room=room,
                community=community,
                author=agent,
                client_id=uuid.uuid4().hex,
                body="@vous",
            )
            for _ in range(n)
        ]
    room, other = _direct_room(agent)
    return kind, [
        Message.objects.create(room=room, author=other, client_id=uuid.uuid4().hex, body="…")
        for _ in range(n)
    ]


def make(agent, n=1, *, community=None, kind=None, read=False, in_app=True, **fields):
    """``n`` notifications of ``agent`` about targets the agent may see (``targets_for``), the
    last one the newest; the counter kept right."""
    kind, targets = targets_for(agent, n, community=community, kind=kind)
    now = timezone.now()
    rows = Notification.objects.bulk_create(
        Notification(
            recipient=agent,
            kind=kind,
            summary=fields.get("summary", f"Notification {i + 1}"),
            url=fields.get("url", f"/communautes/?n={i + 1}"),
            community=community,
            target_type=ContentType.objects.get_for_model(target),
            target_id=target.pk,
            created_at=now - timedelta(minutes=n - i),
            in_app=in_app,
            read_at=now if read else None,
        )
        for i, target in enumerate(targets)
    )
    recount(agent)
    return rows


def unread_of(agent):
    return Agent.objects.get(pk=agent.pk).notifications_unread


@pytest.fixture
def community(agent):
    community = CommunityFactory(name="Politique de l'eau en Bretagne")
    MembershipFactory(community=community, agent=agent)
    return community


@pytest.fixture
def other_client(other_agent):
    client = Client()
    client.force_login(other_agent)
    return client


# --- who may open or mark which notification ------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "centre"),
        ("get", "preferences"),
        ("post", "preferences"),
        ("post", "mark_all_read"),
        ("post", "mute"),
        ("post", "unmute"),
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, method, name):
    """Every page but the unsubscribe one asks an anonymous visitor to sign in."""
    response = getattr(client, method)(reverse(f"notifications:{name}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("method", "name"), [("get", "open"), ("post", "mark_read")])
def test_anonymous_visitors_cannot_open_or_mark_a_notification(client, agent, method, name):
    """An anonymous visitor is sent to sign in and the notification stays unread."""
    (notification,) = make(agent)
    response = getattr(client, method)(reverse(f"notifications:{name}", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    notification.refresh_from_db()
    assert notification.read_at is None
    assert unread_of(agent) == 1


def test_owner_opens_a_notification_marks_it_read_and_lands_on_its_url(agent_client, agent):
    """Opening one's notification marks it read, lowers the counter, redirects to its url."""
    first, second = make(agent, 2, url="/communautes/")
    response = agent_client.get(open_url(first))
    assert response.status_code == 302
    assert response["Location"] == "/communautes/"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None
    assert second.read_at is None
    assert unread_of(agent) == 1


def test_opening_a_read_notification_again_still_redirects(agent_client, agent):
    """A notification already read opens again without changing the counter."""
    (notification,) = make(agent, read=True, url="/communautes/")
    response = agent_client.get(open_url(notification))
    assert response.status_code == 302
    assert response["Location"] == "/communautes/"
    assert unread_of(agent) == 0


def test_another_agent_cannot_open_someone_elses_notification(other_client, agent):
    """Another agent's id answers 404 and leaves the notification unread."""
    (notification,) = make(agent)
    assert other_client.get(open_url(notification)).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None
    assert unread_of(agent) == 1


def test_another_agent_cannot_mark_someone_elses_notification(other_client, agent):
    """Another agent's id posted to « Marquer comme lue » answers 404, nothing changes."""
    (notification,) = make(agent)
    assert other_client.post(mark_url(notification)).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None
    assert unread_of(agent) == 1


@pytest.mark.parametrize("pk", [999_999, 2**63 + 5, 10**30])
def test_unknown_or_huge_ids_answer_404(agent_client, agent, pk):
    """Unknown and out-of-range ids are a 404, never a 500."""
    make(agent)
    assert agent_client.get(f"/notifications/{pk}/").status_code == 404
    assert agent_client.post(f"/notifications/{pk}/lue/").status_code == 404
    assert unread_of(agent) == 1


def test_malformed_ids_answer_404(agent_client):
    """A notification address with letters in its id is a 404."""
    assert agent_client.get("/notifications/abc/").status_code == 404
    assert agent_client.post("/notifications/-1/lue/").status_code == 404


def test_an_email_only_notification_cannot_be_opened_from_the_centre(agent_client, agent):
    """A notification not shown in the app is refused like a forged id."""
    (notification,) = make(agent, in_app=False)
    assert agent_client.get(open_url(notification)).status_code == 404


def test_open_never_redirects_outside_the_site(agent_client, agent):
    """A notification whose url points elsewhere sends to the centre instead."""
    (notification,) = make(agent, url="https://exemple.invalid/piege")
    response = agent_client.get(open_url(notification))
    assert response.status_code == 302
    assert response["Location"] == CENTRE
    notification.refresh_from_db()
    assert notification.is_read


def test_owner_marks_one_notification_read(agent_client, agent):
    """« Marquer comme lue » marks that one only and comes back to the centre."""
    first, second = make(agent, 2)
    response = agent_client.post(mark_url(first))
    assert response.status_code == 302
    assert response["Location"] == CENTRE
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_read
    assert not second.is_read
    assert unread_of(agent) == 1


def test_mark_read_comes_back_to_the_page_it_was_on_but_not_elsewhere(agent_client, agent):
    """The form's ``next`` is followed inside the site only."""
    first, second = make(agent, 2)
    response = agent_client.post(mark_url(first), {"next": f"{CENTRE}?page=2"})
    assert response["Location"] == f"{CENTRE}?page=2"
    response = agent_client.post(mark_url(second), {"next": "https://exemple.invalid/"})
    assert response["Location"] == CENTRE


def test_mark_read_refuses_get(agent_client, agent):
    """Marking read is a POST: a GET answers 405 and changes nothing."""
    (notification,) = make(agent)
    assert agent_client.get(mark_url(notification)).status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_marks_only_ones_own(agent_client, agent, other_agent):
    """« Tout marquer comme lu » reads every notification of the agent, nobody else's."""
    make(agent, 3)
    make(other_agent, 2)
    response = agent_client.post(MARK_ALL)
    assert response.status_code == 302
    assert response["Location"] == CENTRE
    assert not Notification.objects.filter(recipient=agent, read_at=None).exists()
    assert Notification.objects.filter(recipient=other_agent, read_at=None).count() == 2
    assert unread_of(agent) == 0
    assert unread_of(other_agent) == 2
    assert "Toutes vos notifications sont marquées comme lues." in text(agent_client.get(CENTRE))


def test_mark_all_read_refuses_get(agent_client, agent):
    """A GET on « Tout marquer comme lu » answers 405."""
    make(agent)
    assert agent_client.get(MARK_ALL).status_code == 405
    assert unread_of(agent) == 1


# --- the centre -----------------------------------------------------------------------------------


def test_centre_lists_ones_own_notifications_newest_first(agent_client, agent, other_agent):
    """The centre shows the agent's notifications, newest first, and nobody else's."""
    make(agent, 3)
    make(other_agent, 1, summary="Pas pour vous")
    response = agent_client.get(CENTRE)
    assert response.status_code == 200
    page = text(response)
    assert (
        page.index("Notification 3") < page.index("Notification 2") < page.index("Notification 1")
    )
    assert "Pas pour vous" not in page


def test_centre_hides_email_only_notifications(agent_client, agent):
    """A notification the agent chose to get by e-mail only is not in the centre."""
    make(agent, 1, summary="Dans l'application")
    make(agent, 1, summary="Par e-mail seulement", in_app=False)
    page = text(agent_client.get(CENTRE))
    assert "Dans l'application" in page
    assert "Par e-mail seulement" not in page


def test_centre_groups_by_community_with_a_heading_for_the_others(agent_client, agent, community):
    """A heading per community, « Messagerie et compte » for those without one."""
    make(agent, 2, community=community, summary="Annonce")
    make(agent, 1, kind="direct_message", summary="Message privé")
    page = text(agent_client.get(CENTRE))
    headings = re.findall(r'<h2 id="notifications-group-\d+"[^>]*>\s*(.*?)\s*</h2>', page, re.S)
    assert [re.sub(r"<[^>]+>", "", h).strip() for h in headings] == [
        "Messagerie et compte",
        "Politique de l'eau en Bretagne",
    ]
    assert f'href="{community.get_absolute_url()}"' in page


def test_centre_marks_unread_ones_and_links_each_to_open(agent_client, agent):
    """Unread notifications carry « Non lue » and a « Marquer comme lue » form; all link to open."""
    (read,) = make(agent, read=True, summary="Déjà lue")
    (unread,) = make(agent, summary="Toute neuve")
    page = agent_client.get(CENTRE).content.decode()
    assert page.count('data-testid="notification-unread"') == 1
    assert f'href="{open_url(read)}"' in page
    assert f'href="{open_url(unread)}"' in page
    assert f'action="{mark_url(unread)}"' in page
    assert f'action="{mark_url(read)}"' not in page
    assert "Non lue" in page


def test_centre_empty_state(agent_client):
    """With no notification, the centre says so and offers no « Tout marquer comme lu »."""
    page = text(agent_client.get(CENTRE))
    assert "Aucune notification pour l'instant" in page
    assert "Tout marquer comme lu" not in page
    assert 'data-testid="notifications-empty"' in page


def test_centre_links_the_preferences(agent_client):
    """The centre links to the preferences."""
    assert f'href="{PREFERENCES}"' in agent_client.get(CENTRE).content.decode()


def test_centre_is_paginated_by_30(agent_client, agent, community):
    """35 notifications: 30 on the first page, the 5 oldest on the second, grouping kept."""
    make(agent, 35, community=community)
    first = agent_client.get(CENTRE).content.decode()
    second = agent_client.get(CENTRE + "?page=2").content.decode()
    assert first.count('data-testid="notification"') == 30
    assert second.count('data-testid="notification"') == 5
    summaries = re.findall(r"<strong>(Notification \d+)</strong>", second)
    assert summaries == [f"Notification {n}" for n in (5, 4, 3, 2, 1)]
    assert "Notification 35" in first
    assert second.count('data-testid="notification-group"') == 1


@pytest.mark.parametrize("page", ["abc", "999", "-1", "0", "1" * 40])
def test_centre_survives_any_page_number(agent_client, agent, page):
    """A malformed or out-of-range page number shows a page, never a 500."""
    make(agent, 3)
    assert agent_client.get(CENTRE, {"page": page}).status_code == 200


# session, agent, the unread notifications, the page's count and rows (with their communities),
# the targets (one query per content type: announcements, messages with their rooms), the agent's
# memberships of the communities involved, their conversations.
CENTRE_QUERIES = 9


def _notified_across(agent, *, communities, announcements, mentions, directs):
    """Notifications of announcements and mentions in new communities and of direct messages,
    then one more, the newest, about an announcement hidden by moderation since (its on-commit
    hook lost: the centre has to find it)."""
    for community in CommunityFactory.create_batch(communities):
        make(agent, announcements, community=community)
        if mentions:
            make(agent, mentions, community=community, kind="mention")
    make(agent, directs)
    community = CommunityFactory()
    (hidden,) = make(agent, 1, community=community, summary="Annonce masquée depuis")
    moderation.content_set_hidden(
        content=hidden.target, actor=AgentFactory(platform_admin=True), hidden=True
    )
    return recount(agent)


def test_centre_query_count_does_not_grow(client, agent, django_assert_max_num_queries):
    """The centre checks every notification on it against the policy (the one about a hidden
    announcement is withdrawn, not shown) and costs the same queries with 2 notifications or 30
    in six communities and three kinds; CENTRE_QUERIES once there is nothing to withdraw."""
    client.force_login(agent)
    assert _notified_across(agent, communities=0, announcements=0, mentions=0, directs=1) == 2
    with CaptureQueriesContext(connection) as small:
        page = text(client.get(CENTRE))
    assert "Annonce masquée depuis" not in page
    assert page.count('data-testid="notification"') == 1
    Notification.objects.all().delete()
    assert _notified_across(agent, communities=5, announcements=3, mentions=2, directs=4) == 30
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = text(client.get(CENTRE))
    assert "Annonce masquée depuis" not in page
    assert page.count('data-testid="notification"') == 29
    assert page.count('data-testid="notification-group"') == 6
    assert unread_of(agent) == 29
    with django_assert_max_num_queries(CENTRE_QUERIES):
        client.get(CENTRE)


# --- the bell --------------------------------------------------------------------------------------


def bell(response):
    match = re.search(r"<a [^>]*data-testid=\"notifications-bell\".*?</a>", text(response), re.S)
    assert match, "no bell in the header"
    return match.group(0)


def bell_name(html):
    """The bell's accessible name: its text, hidden elements left out (it has no aria-label,
    whose words would not contain the visible count)."""
    assert "aria-label" not in html
    shown = re.sub(r"<span [^>]*\bhidden\b[^>]*>[^<]*</span>", "", html)
    return " ".join(re.sub(r"<[^>]+>", "", shown).split())


def test_bell_shows_the_unread_count(agent_client, agent):
    """The bell links to the centre and shows the count, read in its accessible name."""
    make(agent, 3)
    make(agent, 2, read=True)
    html = bell(agent_client.get(reverse("directory:account")))
    assert f'href="{CENTRE}"' in html
    assert bell_name(html) == "Notifications 3 non lues"
    badge = re.search(r'<span [^>]*id="notifications-badge"[^>]*>([^<]*)</span>', html)
    assert badge.group(1) == "3"
    assert " hidden" not in badge.group(0)


def test_bell_badge_is_hidden_at_zero(agent_client):
    """With nothing unread the badge is there for the live updates, but hidden."""
    html = bell(agent_client.get(reverse("directory:account")))
    assert bell_name(html) == "Notifications"
    badge = re.search(r'<span [^>]*id="notifications-badge"[^>]*>', html).group(0)
    assert " hidden" in badge


def test_bell_says_one_unread_in_the_singular(agent_client, agent):
    """One unread notification: « 1 non lue »."""
    make(agent, 1)
    assert bell_name(bell(agent_client.get(CENTRE))) == "Notifications 1 non lue"


def test_bell_caps_the_badge_at_99(agent_client, agent):
    """Beyond 99 the badge reads « 99+ »."""
    Agent.objects.filter(pk=agent.pk).update(notifications_unread=150)
    html = bell(agent_client.get(CENTRE))
    assert ">99+</span>" in html
    assert bell_name(html) == "Notifications 99+ non lues"


def test_no_bell_for_anonymous_visitors(client):
    """Anonymous visitors have no bell and no notifications script."""
    page = client.get(reverse("login")).content.decode()
    assert 'data-testid="notifications-bell"' not in page
    assert "js/notifications.js" not in page


def test_signed_in_pages_load_the_notifications_script_with_the_nonce(agent_client):
    """The live script is served from /static/ with the page's CSP nonce."""
    response = agent_client.get(reverse("directory:account"))
    tag = re.search(r"<script [^>]*js/notifications\.js[^>]*>", response.content.decode())
    assert tag, "no notifications script"
    nonce = re.search(r'nonce="([^"]+)"', tag.group(0)).group(1)
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    assert "/static/" in tag.group(0)


def test_bell_costs_no_query(agent_client, agent):
    """The count comes from the agent's row: no page reads the notifications table for it."""
    make(agent, 4)
    with CaptureQueriesContext(connection) as queries:
        response = agent_client.get(reverse("directory:account"))
    assert bell_name(bell(response)) == "Notifications 4 non lues"
    tables = re.compile(r'(FROM|JOIN) "notifications_')
    assert not [q for q in queries.captured_queries if tables.search(q["sql"])]


def test_bell_counts_what_deliver_made(agent_client, agent, community):
    """A notification made by the fan-out (services.deliver) shows in the bell and the centre."""
    invited = AgentFactory()
    client = Client()
    client.force_login(invited)
    membership = MembershipFactory(community=community, agent=invited, invited=True)
    made = services.deliver(
        kind="invitation",
        recipient_ids=[invited.pk],
        target_type_id=ContentType.objects.get_for_model(Membership).pk,
        target_id=membership.pk,
        community_id=community.pk,
        actor_id=agent.pk,
        summary="Vous êtes invité à rejoindre Politique de l'eau en Bretagne",
        url=community.get_absolute_url(),
    )
    assert len(made) == 1
    assert bell_name(bell(client.get(CENTRE))) == "Notifications 1 non lue"
    assert "Vous êtes invité à rejoindre Politique de l'eau en Bretagne" in text(client.get(CENTRE))


# --- preferences ------------------------------------------------------------------------------------


def preference_data(**overrides):
    """A full valid POST of the preferences: every kind in the app, weekly e-mails."""
    from notifications.kinds import KINDS

    data = {}
    for key in KINDS:
        data[f"in_app-{key}"] = "on"
        data[f"email-{key}"] = Email.WEEKLY
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def selected(page, kind):
    select = re.search(rf'<select[^>]*name="email-{kind}".*?</select>', page, re.S).group(0)
    return re.search(r'<option value="([^"]*)" selected>', select).group(1)


def checked(page, kind):
    return re.search(rf'<input type="checkbox"[^>]*name="in_app-{kind}"[^>]*>', page).group(0)


def test_preferences_show_every_kind_with_its_defaults(agent_client):
    """One row per kind (label and description) with the kind's defaults."""
    from notifications.kinds import KINDS

    page = text(agent_client.get(PREFERENCES))
    assert page.count('data-testid="preference-row"') == len(KINDS)
    assert "Mentions" in page
    assert "Quelqu'un vous mentionne dans la messagerie (@Prénom Nom)." in page
    assert selected(page, "mention") == Email.IMMEDIATE
    assert selected(page, "announcement") == Email.WEEKLY
    assert "checked" in checked(page, "announcement")
    for label in ("Par e-mail, tout de suite", "Dans le résumé quotidien", "Pas d'e-mail"):
        assert label in page


def test_preferences_show_the_saved_choices(agent_client, agent):
    """A saved preference replaces the kind's defaults on the page."""
    Preference.objects.create(agent=agent, kind="mention", in_app=False, email=Email.DAILY)
    page = text(agent_client.get(PREFERENCES))
    assert selected(page, "mention") == Email.DAILY
    assert "checked" not in checked(page, "mention")


def test_preferences_are_saved_for_every_kind(agent_client, agent):
    """Saving stores one preference per kind, an unticked box meaning not in the app."""
    from notifications.kinds import KINDS

    data = preference_data(**{"in_app-announcement": None, "email-announcement": Email.NONE})
    data["email-mention"] = Email.DAILY
    response = agent_client.post(PREFERENCES, data)
    assert response.status_code == 302
    assert response["Location"] == PREFERENCES
    saved = {p.kind: (p.in_app, p.email) for p in Preference.objects.filter(agent=agent)}
    assert len(saved) == len(KINDS)
    assert saved["announcement"] == (False, Email.NONE)
    assert saved["mention"] == (True, Email.DAILY)
    assert saved["report"] == (True, Email.WEEKLY)
    assert "Vos préférences de notification sont enregistrées." in text(
        agent_client.get(PREFERENCES)
    )


def test_preferences_refuse_an_unknown_email_choice(agent_client, agent):
    """An unknown e-mail choice re-renders the form with a French error, saves nothing: 400."""
    response = agent_client.post(PREFERENCES, preference_data(**{"email-mention": "hourly"}))
    assert response.status_code == 400
    page = text(response)
    assert "Vos préférences n'ont pas été enregistrées" in page
    assert "Choix d'e-mail inconnu : hourly." in page
    assert not Preference.objects.filter(agent=agent).exists()


def test_preferences_refuse_an_unknown_kind(agent_client, agent):
    """A field for a kind that does not exist is refused with a French error: 400."""
    data = preference_data(**{"email-telepathy": Email.DAILY, "in_app-telepathy": "on"})
    response = agent_client.post(PREFERENCES, data)
    assert response.status_code == 400
    assert "Type de notification inconnu : telepathy." in text(response)
    assert not Preference.objects.filter(agent=agent).exists()


def test_preferences_refuse_a_missing_choice(agent_client, agent):
    """A kind left without an e-mail choice is refused: 400, nothing saved."""
    response = agent_client.post(PREFERENCES, preference_data(**{"email-report": None}))
    assert response.status_code == 400
    assert "Choisissez comment recevoir « Signalements » par e-mail." in text(response)
    assert not Preference.objects.filter(agent=agent).exists()


def test_preferences_are_linked_from_the_account_page(agent_client):
    """« Mon compte » links to the notification preferences."""
    assert (
        f'href="{PREFERENCES}"' in agent_client.get(reverse("directory:account")).content.decode()
    )


# --- muted communities ------------------------------------------------------------------------------


def test_mute_a_community_entirely(agent_client, agent, community):
    """Muting a community from the preferences records it and lists it with « Réactiver »."""
    response = agent_client.post(MUTE, {"community": community.pk, "kind": ""})
    assert response.status_code == 302
    assert response["Location"] == PREFERENCES
    mute = CommunityMute.objects.get(agent=agent)
    assert (mute.community, mute.kind) == (community, "")
    page = text(agent_client.get(PREFERENCES))
    assert "Vous ne recevrez plus de notifications de « Politique de l'eau en Bretagne »." in page
    assert "plus aucune notification" in page
    assert f'name="mute" value="{mute.pk}"' in page
    assert "Réactiver" in page


def test_mute_a_community_for_one_kind(agent_client, agent, community):
    """Muting one kind of a community records that kind only."""
    response = agent_client.post(MUTE, {"community": community.pk, "kind": "announcement"})
    assert response.status_code == 302
    assert CommunityMute.objects.get(agent=agent).kind == "announcement"
    page = text(agent_client.get(PREFERENCES))
    assert "plus de notifications « Annonces »" in page


@pytest.mark.parametrize(
    "data",
    [
        {"kind": ""},
        {"community": "abc", "kind": ""},
        {"community": str(2**70), "kind": ""},
        {"community": "COMMUNITY", "kind": "telepathy"},
    ],
)
def test_mute_refuses_invalid_values(agent_client, agent, community, data):
    """A missing or malformed community, or an unknown kind: 400 with a French error."""
    data = {k: (str(community.pk) if v == "COMMUNITY" else v) for k, v in data.items()}
    response = agent_client.post(MUTE, data)
    assert response.status_code == 400
    assert 'class="fr-error-text"' in response.content.decode()
    assert not CommunityMute.objects.exists()


def test_mute_refuses_a_community_the_agent_is_not_a_member_of(agent_client, agent):
    """Only the agent's own communities may be muted: another one is a 400, nothing saved."""
    stranger = CommunityFactory(private_secret=True)
    response = agent_client.post(MUTE, {"community": stranger.pk, "kind": ""})
    assert response.status_code == 400
    assert "Choisissez une des communautés dont vous êtes membre." in text(response)
    assert stranger.name not in text(response)
    assert not CommunityMute.objects.exists()


def test_unmute_lifts_ones_own_mute(agent_client, agent, community):
    """« Réactiver » removes that mute."""
    mute = CommunityMute.objects.create(agent=agent, community=community, kind="announcement")
    response = agent_client.post(UNMUTE, {"mute": mute.pk})
    assert response.status_code == 302
    assert not CommunityMute.objects.exists()
    assert "Les notifications de « Politique de l'eau en Bretagne » sont réactivées." in text(
        agent_client.get(PREFERENCES)
    )


@pytest.mark.parametrize("value", ["OTHER", "abc", "", str(2**70), "999999"])
def test_unmute_refuses_forged_mute_ids(other_client, agent, community, value):
    """Someone else's, unknown or malformed mute ids answer 404 and remove nothing."""
    mute = CommunityMute.objects.create(agent=agent, community=community)
    response = other_client.post(UNMUTE, {"mute": mute.pk if value == "OTHER" else value})
    assert response.status_code == 404
    assert CommunityMute.objects.filter(pk=mute.pk).exists()


def test_mute_and_unmute_refuse_get(agent_client):
    """Muting and unmuting are POSTs."""
    assert agent_client.get(MUTE).status_code == 405
    assert agent_client.get(UNMUTE).status_code == 405


def test_preferences_list_only_ones_own_mutes(agent_client, agent, other_agent, community):
    """Another agent's mutes are not listed."""
    hidden = CommunityFactory(name="Covoiturage des agents")
    CommunityMute.objects.create(agent=other_agent, community=hidden)
    page = text(agent_client.get(PREFERENCES))
    assert "Covoiturage des agents" not in page
    assert "Vous suivez toutes vos communautés." in page


# --- « Ne plus suivre » on a community's home ------------------------------------------------------


def home(community):
    return reverse("communities:home", args=[community.slug])


def test_community_home_offers_members_to_stop_following(agent_client, community):
    """A member sees « Ne plus suivre » on the community's home."""
    page = text(agent_client.get(home(community)))
    form = re.search(r'<form [^>]*data-testid="community-follow".*?</form>', page, re.S).group(0)
    assert f'action="{MUTE}"' in form
    assert "Ne plus suivre" in form


def test_community_home_stop_following_then_follow_again(agent_client, agent, community):
    """« Ne plus suivre » mutes the community and comes back; « Suivre » lifts it."""
    response = agent_client.post(
        MUTE, {"community": community.pk, "next": home(community)}, follow=True
    )
    assert response.redirect_chain[-1][0] == home(community)
    assert CommunityMute.objects.filter(agent=agent, community=community, kind="").exists()
    form = re.search(
        r'<form [^>]*data-testid="community-follow".*?</form>', text(response), re.S
    ).group(0)
    assert f'action="{UNMUTE}"' in form
    assert ">Suivre</button>" in form

    CommunityMute.objects.create(agent=agent, community=community, kind="mention")
    response = agent_client.post(UNMUTE, {"community": community.pk, "next": home(community)})
    assert response["Location"] == home(community)
    assert not CommunityMute.objects.filter(agent=agent).exists()


def test_follow_again_twice_is_harmless(agent_client, agent, community):
    """« Suivre » on a community not muted (a second click) just comes back."""
    response = agent_client.post(UNMUTE, {"community": community.pk, "next": home(community)})
    assert response.status_code == 302
    assert response["Location"] == home(community)


def test_follow_again_never_touches_another_agents_mutes(other_client, agent, community):
    """Unmuting a community lifts the agent's own mutes only."""
    CommunityMute.objects.create(agent=agent, community=community)
    other_client.post(UNMUTE, {"community": community.pk})
    assert CommunityMute.objects.filter(agent=agent).exists()


def test_mute_next_outside_the_site_is_ignored(agent_client, community):
    """A ``next`` pointing to another site falls back to the preferences."""
    response = agent_client.post(
        MUTE, {"community": community.pk, "next": "https://exemple.invalid/"}
    )
    assert response["Location"] == PREFERENCES


def test_non_members_see_no_follow_control(other_client, community):
    """A visitor who is not a member has nothing to mute."""
    assert Community.objects.get(pk=community.pk).visibility == Community.Visibility.OPEN
    page = other_client.get(home(community)).content.decode()
    assert 'data-testid="community-follow"' not in page


# --- the count asked again by notifications.js ------------------------------------------------------


def test_unread_count_answers_the_agents_count(agent_client, agent, django_assert_max_num_queries):
    """The bell's JSON count is the agent's field: no query beyond the session's and the agent's."""
    make(agent, 2)
    with django_assert_max_num_queries(2):
        response = agent_client.get(reverse("notifications:unread_count"))
    assert response.status_code == 200
    assert response.json() == {"unread": 2}
    assert response["Cache-Control"] == "no-store"


def test_unread_count_refuses_anonymous_visitors_and_posts(agent_client):
    """Anonymous visitors get a JSON 401, a POST a 405."""
    response = Client().get(reverse("notifications:unread_count"))
    assert response.status_code == 401
    assert response.json() == {"error": "Connectez-vous."}
    assert agent_client.post(reverse("notifications:unread_count")).status_code == 405


def test_bell_tells_the_script_where_to_ask_the_count(agent_client):
    """The bell carries the address notifications.js asks the count at."""
    html = bell(agent_client.get(CENTRE))
    assert f'data-unread-url="{reverse("notifications:unread_count")}"' in html


def test_preferences_query_count_does_not_grow(client, agent, django_assert_max_num_queries):
    """The preferences cost the same queries with 1 or 12 communities muted."""
    for _ in range(2):
        MembershipFactory(agent=agent)
    first = MembershipFactory(agent=agent).community
    CommunityMute.objects.create(agent=agent, community=first)
    client.force_login(agent)
    with CaptureQueriesContext(connection) as small:
        assert client.get(PREFERENCES).status_code == 200
    for _ in range(11):
        community = MembershipFactory(agent=agent).community
        CommunityMute.objects.create(agent=agent, community=community, kind="announcement")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(PREFERENCES).status_code == 200
