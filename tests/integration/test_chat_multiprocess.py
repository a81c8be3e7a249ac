"""The messaging scaled out: two Daphne processes on one Redis and one PostgreSQL database.

Two agents, members of one community who accepted its charter, talk over real WebSockets, each
connected to another server process: messages, edits, reactions and typing indicators cross
through the Redis channel layer. Then one process is killed (SIGKILL, as a crash would), messages
are sent meanwhile, the process is started again on the same port, and the agent who was connected
to it catches up on exactly what it missed from its last sequence number. A message sent twice
with one ``client_id`` through both processes is stored once.

Redis and PostgreSQL are the servers started by tests/integration/conftest.py.
"""

import asyncio
import json
import uuid
from dataclasses import dataclass, field

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.integration.servers import Daphne, django_env, django_shell, manage

pytestmark = pytest.mark.integration

TIMEOUT = 10  # seconds to wait for an event that must come
QUIET = 1.5  # seconds during which an event that must not come is waited for

# Two agents, an open community with its charter v1 accepted by both, and a signed-in session
# for each (the keys ``django.contrib.auth.login`` writes); printed as JSON.
SEED = """
import json
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.utils import timezone

from chat.services import room_for_community
from communities.models import CharterVersion, Community, Membership
from directory.models import Agent

community = Community.objects.create(
    name="Politique de l'eau en Bretagne",
    slug="politique-de-l-eau-en-bretagne",
    description="Les services de l'État qui instruisent les dossiers loi sur l'eau.",
    objective="Partager les pratiques d'instruction.",
    kind=Community.Kind.POLICY,
    visibility=Community.Visibility.OPEN,
    scope=Community.Scope.NATIONAL,
)
charter = CharterVersion.objects.create(community=community, number=1, text="Bienveillance.")
community.current_charter = charter
community.save(update_fields=["current_charter"])
SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
agents = {}
for key, first, last in (("a", "Erwan", "Le Goff"), ("b", "Nolwenn", "Tanguy")):
    agent = Agent.objects.create_user(
        f"{first.lower()}.{last.lower().replace(' ', '-')}@developpement-durable.gouv.fr",
        first_name=first,
        last_name=last,
    )
    Membership.objects.create(
        community=community,
        agent=agent,
        state=Membership.State.ACTIVE,
        charter_accepted=charter,
        joined_at=timezone.now(),
    )
    session = SessionStore()
    session[SESSION_KEY] = str(agent.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = agent.get_session_auth_hash()
    session.create()
    agents[key] = {"id": agent.pk, "session": session.session_key}
print(json.dumps({
    "room": room_for_community(community).pk,
    "cookie": settings.SESSION_COOKIE_NAME,
    "agents": agents,
}))
"""


@dataclass
class Cluster:
    env: dict
    servers: list
    room: int
    cookie: str
    agents: dict = field(default_factory=dict)


@pytest.fixture(scope="module")
def cluster(redis_url, postgresql_database_url, tmp_path_factory):
    """A migrated PostgreSQL database with the two agents, and two Daphne processes on Redis."""
    folder = tmp_path_factory.mktemp("chat-multiprocess")
    env = django_env(
        "maillage.settings.dev",
        DATABASE_URL=postgresql_database_url,
        MAILLAGE_VAR_DIR=folder,
        LOG_LEVEL="WARNING",
    )
    manage("migrate", "--noinput", env=env)
    seed = json.loads(django_shell(SEED, env=env))
    server_env = dict(env, REDIS_URL=redis_url)
    servers = [
        Daphne(env=server_env, log_path=folder / f"daphne-{number}.log") for number in (1, 2)
    ]
    try:
        for server in servers:
            server.start()
        yield Cluster(
            env=env,
            servers=servers,
            room=seed["room"],
            cookie=seed["cookie"],
            agents=seed["agents"],
        )
    finally:
        for server in servers:
            server.stop()


def client_id():
    return uuid.uuid4().hex


class Client:
    """One browser tab: a WebSocket to one server, signed in as one agent."""

    def __init__(self, cluster, agent, server):
        self.cluster = cluster
        self.agent = cluster.agents[agent]
        self.server = server
        self.websocket = None
        self.pending = []  # events received while waiting for another one
        self.log = []  # every event received, in order
        self.seq = None  # the room's last sequence number this tab has seen

    async def __aenter__(self):
        url = f"ws://{self.server.host}:{self.server.port}/ws/"
        self.websocket = await connect(
            url,
            origin=self.server.url,
            additional_headers={"Cookie": f"{self.cluster.cookie}={self.agent['session']}"},
            compression=None,
            proxy=None,
            open_timeout=TIMEOUT,
        )
        return self

    async def __aexit__(self, *exc_info):
        await self.websocket.close()

    async def send(self, **event):
        await self.websocket.send(json.dumps(event))

    async def receive(self, kind, match=lambda event: True, timeout=TIMEOUT):
        """The next event of type ``kind`` that ``match`` accepts; the others are kept."""
        for event in self.pending:
            if event["type"] == kind and match(event):
                self.pending.remove(event)
                return self._seen(event)
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(f"no {kind} event within {timeout} s; got {self.pending}")
            try:
                text = await asyncio.wait_for(self.websocket.recv(), remaining)
            except TimeoutError:
                continue
            event = json.loads(text)
            self.log.append(event)
            assert event["type"] != "error", event
            if event["type"] == kind and match(event):
                return self._seen(event)
            self.pending.append(event)

    def _seen(self, event):
        if event["type"] == "chat.message":
            self.seq = max(self.seq or 0, event["seq"])
        return event

    async def quiet(self, kind="chat.message", duration=QUIET):
        """Wait ``duration`` seconds; the events of type ``kind`` that arrived meanwhile."""
        start = len(self.log)
        await asyncio.sleep(duration)
        # A ping answered means every event the server sent before it has arrived.
        await self.send(type="ping", id="quiet")
        await self.receive("pong", lambda event: event["id"] == "quiet")
        return [event for event in self.log[start:] if event["type"] == kind]

    def seqs(self):
        """The sequence numbers of every ``chat.message`` this tab received, in order."""
        return [event["seq"] for event in self.log if event["type"] == "chat.message"]

    async def subscribe(self, since=None):
        room = self.cluster.room
        await self.send(type="chat.subscribe", rooms={str(room): since})
        subscribed = await self.receive("chat.subscribed")
        assert subscribed["refused"] == []
        self.seq = max(self.seq or 0, subscribed["rooms"][str(room)])
        return subscribed

    async def post(self, body, client_id_=None):
        """Send a message; its ``chat.ack``."""
        sent = client_id_ or client_id()
        await self.send(type="chat.send", room=self.cluster.room, client_id=sent, body=body)
        return await self.receive("chat.ack", lambda event: event["client_id"] == sent)

    async def message(self, match):
        return (await self.receive("chat.message", lambda event: match(event["message"])))[
            "message"
        ]


def test_messages_edits_reactions_and_typing_cross_processes(cluster):
    """A on process 1 and B on process 2 see each other's messages, edits, reactions, typing."""
    first, second = cluster.servers

    async def scenario():
        async with Client(cluster, "a", first) as a, Client(cluster, "b", second) as b:
            start = (await a.subscribe())["rooms"][str(cluster.room)]
            await b.subscribe()

            ack = await a.post("Bonjour, la réunion DDTM est maintenue à 14 h.")
            received = await b.message(lambda message: message["id"] == ack["id"])
            assert received["body"] == "Bonjour, la réunion DDTM est maintenue à 14 h."
            assert received["author"]["id"] == cluster.agents["a"]["id"]
            assert received["seq"] == ack["seq"]
            # The author's other connections (here, this one) get it too.
            await a.message(lambda message: message["id"] == ack["id"])

            answer = await b.post("Merci, j'apporte le dossier de la station d'épuration.")
            received = await a.message(lambda message: message["id"] == answer["id"])
            assert received["body"] == "Merci, j'apporte le dossier de la station d'épuration."
            assert received["author"]["id"] == cluster.agents["b"]["id"]

            await a.send(type="chat.edit", message=ack["id"], body="Réunion maintenue à 15 h.")
            edited = await b.message(
                lambda message: message["id"] == ack["id"] and message["edited"] is not None
            )
            assert edited["body"] == "Réunion maintenue à 15 h."
            assert edited["seq"] > ack["seq"]

            await b.send(type="chat.react", message=ack["id"], emoji="👍")
            reacted = await a.message(
                lambda message: message["id"] == ack["id"] and message["reactions"]
            )
            assert reacted["reactions"] == [
                {"emoji": "👍", "agents": [cluster.agents["b"]["id"]], "names": ["Nolwenn Tanguy"]}
            ]
            assert reacted["body"] == "Réunion maintenue à 15 h."

            await b.send(type="chat.typing", room=cluster.room)
            typing = await a.receive("chat.typing")
            assert typing == {
                "type": "chat.typing",
                "room": cluster.room,
                "agent": {"id": cluster.agents["b"]["id"], "name": "Nolwenn Tanguy"},
            }
            # Not echoed to the connection that typed.
            assert await b.quiet("chat.typing") == []

            # Both tabs saw every change (two messages, an edit, a reaction), in order, once.
            for client in (a, b):
                assert await client.quiet() == []
                assert client.seqs() == list(range(start + 1, reacted["seq"] + 1))
            assert reacted["seq"] == start + 4

    asyncio.run(scenario())


def test_missed_messages_caught_up_after_a_process_is_killed(cluster):
    """Process 2 dies with B connected; A sends 3 messages; process 2 restarts on its port and
    B, subscribing with its last sequence number, receives exactly those 3, once each."""
    first, second = cluster.servers

    async def scenario():
        async with Client(cluster, "a", first) as a:
            await a.subscribe()
            async with Client(cluster, "b", second) as b:
                await b.subscribe()
                before = await a.post("Avant la coupure.")
                await b.message(lambda message: message["id"] == before["id"])
                last_seq = b.seq
                assert last_seq == before["seq"]

                second.process.kill()  # SIGKILL: no clean shutdown
                second.process.wait(timeout=10)
                with pytest.raises(ConnectionClosed):
                    await asyncio.wait_for(b.websocket.recv(), TIMEOUT)

            missed = []
            for number in (1, 2, 3):
                ack = await a.post(f"Pendant la coupure, message {number}.")
                missed.append((ack["id"], ack["seq"], f"Pendant la coupure, message {number}."))
            for message_id, _seq, _body in missed:
                await a.message(lambda message, pk=message_id: message["id"] == pk)

            await asyncio.to_thread(second.start)
            async with Client(cluster, "b", second) as b:
                subscribed = await b.subscribe(since=last_seq)
                assert subscribed["rooms"] == {str(cluster.room): missed[-1][1]}
                caught_up = [(await b.receive("chat.message"))["message"] for _ in missed]
                assert [(m["id"], m["seq"], m["body"]) for m in caught_up] == missed
                assert await b.quiet() == []

                # Live delivery goes on through the restarted process.
                after = await a.post("Après le redémarrage.")
                received = await b.message(lambda message: message["id"] == after["id"])
                assert received["seq"] == missed[-1][1] + 1
                assert await b.quiet() == []

    try:
        asyncio.run(scenario())
    finally:
        if second.process.poll() is not None:  # leave the cluster whole for the other tests
            second.start()


def test_same_client_id_through_both_processes_is_stored_once(cluster):
    """A resend of one message through the other process (two tabs, a reconnection) keeps one
    message: both sends get the same acknowledgement, readers get the message once."""
    first, second = cluster.servers

    async def scenario():
        async with (
            Client(cluster, "a", first) as a1,
            Client(cluster, "a", second) as a2,
            Client(cluster, "b", second) as b,
        ):
            for client in (a1, a2, b):
                await client.subscribe()
            sent = []
            for number in range(3):  # sent through both at once: the race must never store two
                body = f"Compte rendu du comité de l'eau, envoi {number}."
                sent.append(client_id())
                acks = await asyncio.gather(a1.post(body, sent[-1]), a2.post(body, sent[-1]))
                assert acks[0]["id"] == acks[1]["id"]
                assert acks[0]["seq"] == acks[1]["seq"]
                received = await b.message(lambda message, pk=acks[0]["id"]: message["id"] == pk)
                assert received["body"] == body
            assert await b.quiet() == []
            return sent

    sent = asyncio.run(scenario())
    counts = django_shell(
        "from chat.models import Message\n"
        f"print([Message.objects.filter(client_id=c).count() for c in {sent!r}])",
        env=cluster.env,
    )
    assert counts == "[1, 1, 1]"


def test_channel_layer_read_timeout_outlasts_its_blocking_receive(redis_url, tmp_path):
    """channels_redis waits for a connection's next event in a BZPOPMIN of ``brpop_timeout``
    seconds: the Redis client's read timeout must be longer, or an idle WebSocket is closed
    with 1011 (« Timeout reading from … ») when the read gives up first."""
    env = django_env("maillage.settings.dev", REDIS_URL=redis_url, MAILLAGE_VAR_DIR=tmp_path)
    timeouts = django_shell(
        "from channels.layers import get_channel_layer\n"
        "layer = get_channel_layer()\n"
        "pool = layer.create_pool(0)\n"
        "connection = pool.connection_class(**pool.connection_kwargs)  # not connected\n"
        "print(connection.socket_timeout, layer.brpop_timeout)",
        env=env,
    )
    read, blocking = (float(value) for value in timeouts.split())
    assert read > blocking + 5, timeouts
