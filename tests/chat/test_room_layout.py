"""A room's page as a chat: the agent's rooms and conversations in a side menu beside the open
room (plain links with their unread counts, the open room marked), the keyboard shortcut to the
composer announced, the composer a plain form posting the message."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chat import services
from tests.chat.page_helpers import login, room_url, send_url
from tests.factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def sidebar(html):
    match = re.search(r'<nav class="fr-sidemenu chat-sidebar".*?</nav>', html, re.S)
    assert match, "no side menu"
    return match.group(0)


def sidebar_link(menu, room):
    match = re.search(
        rf'<a class="fr-sidemenu__link chat-sidebar__link" href="{room_url(room)}" '
        rf'data-testid="chat-room-link" data-room-id="{room.pk}"( aria-current="page")?>'
        rf'<span class="chat-sidebar__label">(.*?)</span> <span [^>]*data-testid="chat-unread" '
        rf'data-room-id="{room.pk}"[^>]*?( hidden)?>(\d+)</span></a>',
        menu,
    )
    assert match, f"room {room.pk} not in the side menu"
    current, label, hidden, count = match.groups()
    return {"current": bool(current), "label": label, "hidden": bool(hidden), "count": int(count)}


def test_the_side_menu_lists_the_agents_rooms_with_their_unread_counts(
    client, animator, member, colleague, outsider, main_room, direct_room, group_room, post
):
    """Beside the open room: the conversations and the community's rooms, each a link with its
    unread count; the open room is marked as the current page and counts nothing unread; a
    community the agent is not in is not listed."""
    channel = services.channel_create(agent=animator, community=main_room.community, name="Veille")
    post(colleague, main_room, "Un")
    post(colleague, main_room, "Deux")
    post(outsider, direct_room, "Bonjour")
    post(colleague, group_room, "Pour le groupe")
    elsewhere = services.room_for_community(CommunityFactory())

    html = login(client, member).get(room_url(group_room)).content.decode()
    menu = sidebar(html)
    assert sidebar_link(menu, main_room) == {
        "current": False,
        "label": main_room.name,
        "hidden": False,
        "count": 2,
    }
    assert sidebar_link(menu, channel)["count"] == 0
    assert sidebar_link(menu, channel)["hidden"]
    direct = sidebar_link(menu, direct_room)
    assert (direct["label"], direct["count"]) == (outsider.display_name, 1)
    group = sidebar_link(menu, group_room)
    assert group["current"] and group["count"] == 0 and group["hidden"]
    assert f'data-room-id="{elsewhere.pk}"' not in menu
    assert main_room.community.name in menu
    # The menu is the DSFR's, collapsed above the room on small screens.
    assert 'aria-controls="chat-sidebar-menu"' in menu
    assert '<div class="fr-collapse" id="chat-sidebar-menu">' in menu


def test_the_side_menu_is_escaped(client, member, colleague, outsider, post):
    """A conversation's name typed by an agent is text in the side menu, never markup."""
    room = services.group_create(
        agent=colleague, name="<img src=x onerror=alert(1)>", members=[member, outsider]
    )
    menu = sidebar(login(client, member).get(room_url(room)).content.decode())
    assert "<img src=x" not in menu
    assert "&lt;img src=x onerror=alert(1)&gt;" in menu


def test_a_reader_outside_the_community_gets_its_rooms_as_links(client, admin, main_room):
    """A platform administrator reading a community's room without being a member (so not in
    their side menu) gets the community's rooms as links above the room."""
    html = login(client, admin).get(room_url(main_room)).content.decode()
    assert f'data-room-id="{main_room.pk}"' not in sidebar(html)
    assert 'data-testid="chat-channels"' in html


def test_a_member_gets_no_duplicate_list_of_channels(client, member, main_room):
    """A member finds the community's rooms in the side menu only."""
    html = login(client, member).get(room_url(main_room)).content.decode()
    assert sidebar_link(sidebar(html), main_room)["current"]
    assert 'data-testid="chat-channels"' not in html


def test_the_shortcut_to_the_composer_is_announced(client, member, main_room):
    """The composer's field names its keyboard shortcut (aria-keyshortcuts and a visible
    hint); the composer is an ordinary form posting to the send address."""
    html = login(client, member).get(room_url(main_room)).content.decode()
    assert re.search(r'<textarea [^>]*id="chat-body"[^>]*aria-keyshortcuts="/ Alt\+Shift\+M"', html)
    assert '<span id="chat-shortcut-hint">Raccourci : « / » ou Alt+Maj+M.</span>' in html
    assert re.search(
        rf'<form id="chat-composer" [^>]*method="post" [^>]*action="{send_url(main_room)}"', html
    )


def test_the_side_menu_costs_no_query_per_room(
    client, member, community, django_assert_max_num_queries
):
    """The room's page costs the same number of queries whether the agent is in 2 or 12
    communities (the side menu is read in a fixed number of queries)."""
    room = services.room_for_community(community)
    login(client, member)

    def join(n):
        for _ in range(n):
            other = CommunityFactory()
            MembershipFactory(community=other, agent=member)
            services.room_for_community(other)

    join(1)
    client.get(room_url(room))
    with CaptureQueriesContext(connection) as small:
        assert client.get(room_url(room)).status_code == 200
    baseline = len(small.captured_queries)
    join(10)
    client.get(room_url(room))
    with django_assert_max_num_queries(baseline):
        html = client.get(room_url(room)).content.decode()
    assert sidebar(html).count('data-testid="chat-room-link"') == 12
