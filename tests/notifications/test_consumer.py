"""The live bell: the unread count pushed to every open tab of the agent through ``/ws/`` (the
real ASGI application, a real session cookie), and to nobody else."""

import asyncio
import json

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction

from chat import services as chat
from maillage.asgi import application
from notifications import services
from notifications.models import Notification
from tests.factories import (
    AgentFactory,
    AnnouncementFactory,
    CommunityFactory,
    MembershipFactory,
)
from tests.notifications.conftest import session_headers

# The consumers close database connections between calls, which a test wrapped in a transaction
# cannot survive; serialized_rollback restores the reference data the migrations load.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("no_failed_tasks"),
]


async def _connect(headers):
    communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
    connected, _code = await communicator.connect(timeout=5)
    assert connected
    return communicator


async def _receive(communicator):
    return json.loads(await communicator.receive_from(timeout=5))


@pytest.fixture
def people():
    community = CommunityFactory(name="Littoral breton")
    named = AgentFactory(first_name="Gaëlle", last_name="Morvan")
    author = AgentFactory(first_name="Yves", last_name="Le Roux")
    bystander = AgentFactory(first_name="Paul", last_name="Tanguy")
    for agent in (named, author, bystander):
        MembershipFactory(community=community, agent=agent)
    return community, named, author, bystander


def test_two_tabs_get_the_count_and_another_agent_nothing(people):
    """A mention pushes {"type": "notifications.unread", "unread": 1, …} to both tabs of the
    agent mentioned; marking it read pushes 0 to both; the other agents' tabs get nothing."""
    community, named, author, bystander = people
    room = chat.room_for_community(community)
    named_headers, bystander_headers, author_headers = (
        session_headers(agent) for agent in (named, bystander, author)
    )

    async def scenario():
        tab_one = await _connect(named_headers)
        tab_two = await _connect(named_headers)
        others = [await _connect(bystander_headers), await _connect(author_headers)]
        # Committed in its own transaction: the fan-out then runs, as the worker would.
        message = await sync_to_async(chat.message_send)(
            agent=author,
            room=room,
            body="@Gaëlle Morvan tu as vu l'arrêté ?",
            client_id="live-bell-0001",
        )
        pushed = [await _receive(tab_one), await _receive(tab_two)]
        notification = await sync_to_async(Notification.objects.get)(recipient=named)
        for event in pushed:
            assert event == {
                "type": "notifications.unread",
                "unread": 1,
                "notification": {
                    "id": notification.pk,
                    "kind": "mention",
                    "summary": "Yves Le Roux vous mentionne dans « Littoral breton »",
                    "url": message.get_absolute_url(),
                    "created": notification.created_at.isoformat(),
                },
            }

        await sync_to_async(services.mark_read)(agent=named, notification_id=notification.pk)
        for tab in (tab_one, tab_two):
            assert await _receive(tab) == {"type": "notifications.unread", "unread": 0}

        for communicator in (tab_one, tab_two, *others):
            assert await communicator.receive_nothing(timeout=0.2)
        for communicator in (tab_one, tab_two, *others):
            await communicator.disconnect()

    async_to_sync(scenario)()


def test_each_delivery_pushes_the_new_count(people):
    """Two notifications delivered one after the other push 1 then 2; marking all read pushes 0."""
    community, named, author, _bystander = people
    room = chat.room_for_community(community)
    headers = session_headers(named)

    async def scenario():
        tab = await _connect(headers)
        for number in (1, 2):
            await sync_to_async(chat.message_send)(
                agent=author,
                room=room,
                body=f"@Gaëlle Morvan point {number}",
                client_id=f"live-count-000{number}",
            )
            event = await _receive(tab)
            assert (event["type"], event["unread"]) == ("notifications.unread", number)
        await sync_to_async(services.mark_all_read)(agent=named)
        assert await _receive(tab) == {"type": "notifications.unread", "unread": 0}
        assert await tab.receive_nothing(timeout=0.2)
        await tab.disconnect()

    async_to_sync(scenario)()


class Rollback(Exception):
    pass


def test_a_push_from_inside_a_transaction_waits_for_its_commit(people):
    """A count pushed while a transaction is open reaches the tab once it commits; one pushed in
    a transaction rolled back never does."""
    _community, named, _author, _bystander = people
    headers = session_headers(named)

    def push_in_a_transaction(unread, *, commit):
        with transaction.atomic():
            services.push(named.pk, unread)
            if not commit:
                raise Rollback

    async def scenario():
        tab = await _connect(headers)
        with pytest.raises(Rollback):
            await sync_to_async(push_in_a_transaction)(5, commit=False)
        assert await tab.receive_nothing(timeout=0.3)
        await sync_to_async(push_in_a_transaction)(3, commit=True)
        assert await _receive(tab) == {"type": "notifications.unread", "unread": 3}
        await tab.disconnect()

    async_to_sync(scenario)()


def test_the_embedded_relay_pushes_what_the_worker_process_made(people, settings):
    """In the embedded default (in-memory channel layer, tasks run by the worker process), a
    notification written by another process reaches the open tab through this process's relay."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.NOTIFICATIONS_RELAY_INTERVAL = 0.1
    community, named, author, _bystander = people
    headers = session_headers(named)

    announcement = AnnouncementFactory(community=community, author=author)

    def made_elsewhere():
        # What the worker process does: the row and the counter, no push that reaches us.
        notification = Notification.objects.create(
            recipient=named,
            kind="announcement",
            summary="Nouvelle annonce dans « Littoral breton »",
            url="/communautes/",
            community=community,
            target_type_id=_content_type_id(announcement),
            target_id=announcement.pk,
        )
        type(named).objects.filter(pk=named.pk).update(notifications_unread=1)
        return notification.pk

    async def scenario():
        from notifications import relay

        assert relay.needed()
        tab = await _connect(headers)
        # Give the relay its first look before the row exists.
        await asyncio.sleep(0.3)
        pk = await sync_to_async(made_elsewhere)()
        event = await _receive(tab)
        while event.get("type") != "notifications.unread":
            event = await _receive(tab)
        assert event["unread"] == 1
        assert event["notification"]["id"] == pk
        await tab.disconnect()

    async_to_sync(scenario)()


def test_the_embedded_relay_does_not_push_what_the_recipient_may_no_longer_see(people, settings):
    """A notification the worker made from a check that ran before its announcement was hidden
    is not pushed by the relay but withdrawn; the next one, still visible, is pushed with the
    count that leaves the first out."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.NOTIFICATIONS_RELAY_INTERVAL = 0.1
    community, named, author, _bystander = people
    headers = session_headers(named)
    # As moderation leaves it, between the worker's check and its write.
    hidden = AnnouncementFactory(community=community, author=author, is_hidden=True)
    visible = AnnouncementFactory(community=community, author=author)

    def made_elsewhere():
        rows = [
            Notification.objects.create(
                recipient=named,
                kind="announcement",
                summary=f"Nouvelle annonce : {announcement.title}",
                url=announcement.get_absolute_url(),
                community=community,
                target_type_id=_content_type_id(announcement),
                target_id=announcement.pk,
            )
            for announcement in (hidden, visible)
        ]
        type(named).objects.filter(pk=named.pk).update(notifications_unread=2)
        return [row.pk for row in rows]

    async def scenario():
        tab = await _connect(headers)
        await asyncio.sleep(0.3)
        hidden_pk, visible_pk = await sync_to_async(made_elsewhere)()
        event = await _receive(tab)
        while event.get("type") != "notifications.unread":
            event = await _receive(tab)
        assert event["notification"]["id"] == visible_pk
        assert event["unread"] == 1
        assert await tab.receive_nothing(timeout=0.5)
        await tab.disconnect()
        return hidden_pk

    hidden_pk = async_to_sync(scenario)()
    assert not Notification.objects.filter(pk=hidden_pk).exists()


def _content_type_id(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk
