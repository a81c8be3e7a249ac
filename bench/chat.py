"""The chat benchmark: N agents in one community room, over real WebSockets, on real servers.

Three configurations are measured in one run, under the same load:

- embedded default: one Daphne process, the in-memory channel layer, SQLite;
- scale-out: two Daphne processes on one Redis (channel layer and cache), PostgreSQL when its
  binaries are here (``bench/postgresql.py``), else the SQLite file shared by both; the agents'
  connections are split between the two processes;
- baseline: ``bench/chat_baseline.py``, a minimal broadcast server on the ``websockets`` library
  (every message sent to every connected client, nothing stored).

Every agent, its membership (charter accepted) and its signed-in session are written to the
database before the servers start. The load generator is a process of its own (``python -m
bench.chat --load CONFIG --out RESULT``, asyncio and the ``websockets`` client): it opens one
connection per agent, subscribes each to the room, then has ``senders`` of the agents send
``rate`` messages per second in all (open loop, at fixed times, whatever the answers), for a
warm-up then ``seconds`` measured. Each message's body carries its send time on the generator's
monotonic clock; the same process receives every delivery, so the latency of a delivery is its
receipt time minus that send time, on one clock. After a grace period, what each connection
received is compared with what it should have (every message sent during the measurement, once:
the sender's own connections receive it too).
"""

import argparse
import asyncio
import json
import math
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARMUP_SECONDS = 3.0
GRACE_SECONDS = 5.0
TARGET_P95_MS = 100
TARGET = "p95 < 100 ms à 200 agents et 50 messages/s"
# Each sender agent sends at most this many messages per second (the default rate limit is 20
# messages per 10 s per agent: one a second stays a realistic, sustained conversation pace).
MAX_RATE_PER_SENDER = 1.0
MIN_SENDERS = 10
CONNECT_CONCURRENCY = 20
READ_DELAY = 0.6  # static/js/chat.js: READ_DELAY


# --- database: agents, community, memberships, sessions (run inside ``manage.py shell``) ----


def seed(agents):
    """Create ``agents`` agents, members of one open community whose charter they accepted,
    each with a signed-in session; print the room and the session keys as JSON."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from chat.services import room_for_community
    from communities.models import CharterVersion, Community, Membership
    from directory import facet_tags
    from directory.models import Agent

    community = Community.objects.create(
        name="Banc de la messagerie",
        slug="banc-de-la-messagerie",
        description="La communauté du banc d'essai de la messagerie instantanée.",
        objective="Mesurer la messagerie.",
        kind=Community.Kind.USAGE,
        visibility=Community.Visibility.OPEN,
        scope=Community.Scope.NATIONAL,
    )
    charter = CharterVersion.objects.create(community=community, number=1, text="Bienveillance.")
    community.current_charter = charter
    community.member_count = agents
    community.save(update_fields=["current_charter", "member_count"])
    unusable = make_password(None)
    Agent.objects.bulk_create(
        Agent(
            email=f"agent.banc.{number}@banc.gouv.fr",
            first_name="Agent",
            last_name=f"Banc {number}",
            password=unusable,
        )
        for number in range(agents)
    )
    members = list(Agent.objects.filter(email__endswith="@banc.gouv.fr").order_by("pk"))
    now = timezone.now()
    Membership.objects.bulk_create(
        Membership(
            community=community,
            agent=agent,
            state=Membership.State.ACTIVE,
            charter_accepted=charter,
            joined_at=now,
        )
        for agent in members
    )
    # No signal from a bulk write: the members' stored facet tags (the directory's).
    facet_tags.refresh(agent.pk for agent in members)
    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    sessions = []
    for agent in members:
        session = SessionStore()
        session[SESSION_KEY] = str(agent.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = agent.get_session_auth_hash()
        session.create()
        sessions.append(session.session_key)
    print(
        json.dumps(
            {
                "room": room_for_community(community).pk,
                "cookie": settings.SESSION_COOKIE_NAME,
                "sessions": sessions,
            }
        )
    )


# --- the load generator (its own process) ----------------------------------------------------


def _percentile(sorted_values, fraction):
    if not sorted_values:
        return math.nan
    index = min(len(sorted_values) - 1, round(fraction * (len(sorted_values) - 1)))
    return sorted_values[index]


def _children(pid):
    """The child processes of a process (Linux /proc), as far as they can be read."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found.extend(int(child) for child in (task / "children").read_text().split())
        except OSError:
            continue
    return found


def _cpu_seconds(pid):
    """User + system CPU time of a process and of its children still running (PostgreSQL's
    backends are children of its postmaster), from Linux /proc; None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(_cpu_seconds(child) or 0 for child in _children(pid))


def _cpu_of(pids):
    return {name: _cpu_seconds(pid) for name, pid in pids.items()}


async def _load(config):
    """Connect, subscribe, send at the fixed rate, receive everything; return the figures."""
    from websockets.asyncio.client import connect

    agents, rate, seconds = config["agents"], config["rate"], config["seconds"]
    urls, sessions = config["urls"], config["sessions"][:agents]
    senders = config["senders"]
    room = config["room"]
    clock = time.perf_counter
    warmup_messages = round(WARMUP_SECONDS * rate)
    measured_messages = round(seconds * rate)
    total_messages = warmup_messages + measured_messages

    # Per connection: which measured messages it received (a bitmap), how many twice.
    received = [bytearray(total_messages) for _ in range(agents)]
    latencies = []
    # Send time of each message, for the latency of its acknowledgement (stored, not yet
    # fanned out).
    sent_at, ack_latencies = {}, []
    state = {
        "duplicates": 0,
        "errors": {},
        "acks": 0,
        "deliveries_in_window": 0,
        "window": (math.inf, math.inf),
        "measured_received": 0,
    }
    connections = []
    subscribed = [asyncio.get_running_loop().create_future() for _ in range(agents)]
    # The agents who have the room on screen: like the browser (static/js/chat.js), each says
    # how far it has read (chat.read) READ_DELAY after a message arrives, at most that often.
    readers = config.get("readers", 0)
    sockets, last_seen, read_pending = {}, [0] * agents, [False] * agents
    state["reads"] = 0

    def send_read(index):
        read_pending[index] = False
        event = {"type": "chat.read", "room": room, "message": last_seen[index]}
        asyncio.ensure_future(sockets[index].send(json.dumps(event)))
        state["reads"] += 1

    def on_text(index, text):
        now = clock()
        event = json.loads(text)
        kind = event.get("type")
        if kind == "chat.message":
            if index < readers and index in sockets:
                last_seen[index] = max(last_seen[index], event["message"]["id"])
                if not read_pending[index]:
                    read_pending[index] = True
                    asyncio.get_running_loop().call_later(READ_DELAY, send_read, index)
            stamp, _space, number = event["message"]["body"].partition(" ")
            number = int(number)
            if received[index][number]:
                state["duplicates"] += 1
                return
            received[index][number] = 1
            start, end = state["window"]
            if start <= now <= end:
                state["deliveries_in_window"] += 1
            if number >= warmup_messages:
                state["measured_received"] += 1
                latencies.append((now - float(stamp)) * 1000)
        elif kind == "chat.ack":
            state["acks"] += 1
            number = int(event["client_id"].rpartition("-")[2])
            if number >= warmup_messages and number in sent_at:
                ack_latencies.append((now - sent_at[number]) * 1000)
        elif kind == "chat.subscribed":
            if not subscribed[index].done():
                subscribed[index].set_result(event)
        elif kind == "error":
            code = event.get("code", "?")
            state["errors"][code] = state["errors"].get(code, 0) + 1

    async def reader(index, websocket):
        try:
            async for text in websocket:
                on_text(index, text)
        except Exception as error:  # a dropped connection is an error, not a crash
            code = f"connexion : {type(error).__name__}"
            state["errors"][code] = state["errors"].get(code, 0) + 1

    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def open_one(index):
        url = urls[index % len(urls)]
        origin = url.replace("ws://", "http://").split("/ws/")[0].rstrip("/")
        async with gate:
            websocket = await connect(
                url,
                origin=origin,
                additional_headers={"Cookie": f"{config['cookie']}={sessions[index]}"},
                compression=None,
                proxy=None,
                open_timeout=60,
                ping_interval=None,
                close_timeout=2,
            )
            sockets[index] = websocket
            task = asyncio.create_task(reader(index, websocket))
            await websocket.send(json.dumps({"type": "chat.subscribe", "rooms": {str(room): None}}))
            await asyncio.wait_for(subscribed[index], 60)
        return websocket, task

    connect_started = clock()
    connections = await asyncio.gather(*(open_one(index) for index in range(agents)))
    connect_seconds = clock() - connect_started
    reader_tasks = [task for _websocket, task in connections]

    # The first ``senders`` agents send: connections alternate between the servers' URLs, so
    # the senders are split between the processes as evenly as the readers.
    sending = [websocket for websocket, _task in connections[:senders]]
    prefix = secrets.token_hex(4)
    interval = 1 / rate
    started = clock()
    window_start = started + WARMUP_SECONDS
    state["window"] = (window_start, window_start + seconds)
    cpu_before, cpu_after, own_before = None, None, None
    max_lag = 0.0
    sent_in_window = 0
    reads_before = 0
    if warmup_messages == 0:
        cpu_before, own_before = _cpu_of(config["pids"]), time.process_time()
    for number in range(total_messages):
        due = started + number * interval
        if number == warmup_messages:
            await asyncio.sleep(max(0.0, due - clock()))
            cpu_before, own_before = _cpu_of(config["pids"]), time.process_time()
            reads_before = state["reads"]
        delay = due - clock()
        if delay > 0:
            await asyncio.sleep(delay)
        now = clock()
        max_lag = max(max_lag, now - due)
        websocket = sending[number % senders]
        sent_at[number] = now
        await websocket.send(
            json.dumps(
                {
                    "type": "chat.send",
                    "room": room,
                    "client_id": f"banc-{prefix}-{number}",
                    "body": f"{now:.6f} {number}",
                }
            )
        )
        if number >= warmup_messages:
            sent_in_window += 1
    window_end = max(clock(), window_start + seconds)
    if clock() < window_end:
        await asyncio.sleep(window_end - clock())
    cpu_after, own_after = _cpu_of(config["pids"]), time.process_time()
    reads_in_window = state["reads"] - reads_before
    measured = window_end - window_start
    state["window"] = (window_start, window_end)

    expected = measured_messages * agents
    grace_end = clock() + GRACE_SECONDS
    while state["measured_received"] < expected and clock() < grace_end:
        await asyncio.sleep(0.1)

    for websocket, _task in connections:
        await websocket.close()
    await asyncio.gather(*reader_tasks, return_exceptions=True)

    cpu = {}
    for name in config["pids"]:
        if cpu_before.get(name) is not None and cpu_after.get(name) is not None:
            cpu[name] = round(100 * (cpu_after[name] - cpu_before[name]) / measured)
    cpu["générateur"] = round(100 * (own_after - own_before) / measured)
    latencies.sort()
    ack_latencies.sort()
    return {
        "agents": agents,
        "senders": senders,
        "readers": readers,
        "reads_per_second": reads_in_window / measured,
        "connect_seconds": connect_seconds,
        "sent_per_second": sent_in_window / measured,
        "deliveries_per_second": state["deliveries_in_window"] / measured,
        "expected": expected,
        "received": state["measured_received"],
        "losses": expected - state["measured_received"],
        "duplicates": state["duplicates"],
        "errors": state["errors"],
        "acks": state["acks"],
        "sent": total_messages,
        "p50": _percentile(latencies, 0.50),
        "p95": _percentile(latencies, 0.95),
        "p99": _percentile(latencies, 0.99),
        "max": latencies[-1] if latencies else math.nan,
        "ack_p50": _percentile(ack_latencies, 0.50),
        "ack_p95": _percentile(ack_latencies, 0.95),
        "max_send_lag_ms": max_lag * 1000,
        "cpu": cpu,
    }


def _generate(config):
    """Run the load generator in a child process; its figures (or an error)."""
    with tempfile.TemporaryDirectory(prefix="maillage-bench-chat-") as folder:
        config_path, out_path = Path(folder) / "config.json", Path(folder) / "result.json"
        config_path.write_text(json.dumps(config))
        result = subprocess.run(  # noqa: S603 - our own interpreter and module
            [
                sys.executable,
                "-m",
                "bench.chat",
                "--load",
                str(config_path),
                "--out",
                str(out_path),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if result.returncode != 0 or not out_path.exists():
            raise RuntimeError(f"load generator failed:\n{result.stdout}\n{result.stderr[-3000:]}")
        return json.loads(out_path.read_text())


# --- the servers ----------------------------------------------------------------------------


class Redis:
    """``redis-server`` on a free port, nothing saved to disk."""

    def __init__(self, folder):
        from tests.integration.servers import free_port

        self.port = free_port()
        self.folder = folder
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def __enter__(self):
        import redis

        executable = "/usr/bin/redis-server"
        if not os.path.exists(executable):
            executable = "redis-server"
        self.process = subprocess.Popen(  # noqa: S603 - fixed command line
            [
                executable,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.__exit__()
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.1)
        client.close()
        return self

    def __exit__(self, *exc_info):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class Baseline:
    """``python -m bench.chat_baseline`` on a free port."""

    def __init__(self):
        from tests.integration.servers import free_port

        self.port = free_port()
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "bench.chat_baseline", "--port", str(self.port)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.process.stdout.readline()
        if not line.startswith("ready"):
            self.__exit__()
            raise RuntimeError(f"the baseline server did not start: {line!r}")
        return self

    def __exit__(self, *exc_info):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=10)


def _server_env(database_url, folder, rate_limit, redis_url=None):
    """The production settings (no debug), served over plain HTTP on 127.0.0.1."""
    from tests.integration.servers import django_env

    variables = {
        "DATABASE_URL": database_url,
        "MAILLAGE_VAR_DIR": folder,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "CHAT_RATE_LIMIT": rate_limit,
    }
    if redis_url:
        variables["REDIS_URL"] = redis_url
    return django_env("maillage.settings.production", **variables)


def _prepare_database(env, agents):
    """Migrate, then create the agents and their sessions; the seed's JSON."""
    from tests.integration.servers import django_shell, manage

    manage("migrate", "--noinput", env=env, timeout=600)
    return json.loads(django_shell(f"from bench.chat import seed; seed({agents})", env=env))


def _ws_url(server):
    return f"ws://{server.host}:{server.port}/ws/"


def _postmaster_pid(server):
    try:
        return int(Path(server.executor.datadir, "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def run(*, agents=200, rate=50.0, seconds=10.0, readers=0, workdir=None):
    """Measure the three configurations; print the table; return the rows."""
    from bench.postgresql import PostgreSQLUnavailable, ThrowAwayPostgreSQL
    from tests.integration.servers import Daphne

    senders = min(agents, max(MIN_SENDERS, math.ceil(rate / MAX_RATE_PER_SENDER)))
    per_sender = rate / senders
    # Room for the peaks of a fixed 10 s window; the default (20) whenever that is enough.
    rate_limit = max(20, math.ceil(per_sender * 10 * 1.5))
    workdir = Path(workdir or tempfile.mkdtemp(prefix="maillage-bench-chat-"))
    readers = min(readers, agents)
    load = {
        "agents": agents,
        "rate": rate,
        "seconds": seconds,
        "senders": senders,
        "readers": readers,
    }
    print(
        f"\nMessagerie : {agents} agents dans un salon, {rate:g} messages/s envoyés par "
        f"{senders} d'entre eux ({per_sender:.2g}/s chacun), {seconds:g} s mesurées après "
        f"{WARMUP_SECONDS:g} s de chauffe"
        + (
            f", {readers} d'entre eux signalant leur lecture (chat.read, {READ_DELAY:g} s après "
            "un message, comme le navigateur)…"
            if readers
            else "…"
        ),
        flush=True,
    )
    rows = []

    # (c) the baseline.
    with Baseline() as baseline:
        figures = _generate(
            load
            | {
                "urls": [f"ws://127.0.0.1:{baseline.port}/"],
                "sessions": ["-"] * agents,
                "cookie": "sessionid",
                "room": 1,
                "pids": {"serveur": baseline.process.pid},
            }
        )
    rows.append(figures | {"name": "base : diffusion websockets minimale", "baseline": True})
    print(f"  {rows[-1]['name']} : mesurée", flush=True)

    # (a) the embedded default.
    folder = workdir / "embedded"
    folder.mkdir(parents=True, exist_ok=True)
    sqlite_url = f"sqlite:///{folder / 'chat.sqlite3'}"
    env = _server_env(sqlite_url, folder, rate_limit)
    seeded = _prepare_database(env, agents)
    with Daphne(env=env, log_path=folder / "daphne.log") as server:
        figures = _generate(
            load | seeded | {"urls": [_ws_url(server)], "pids": {"Daphne": server.process.pid}}
        )
    rows.append(figures | {"name": "embarquée : 1 Daphne, mémoire, SQLite"})
    print(f"  {rows[-1]['name']} : mesurée", flush=True)

    # (b) scale-out.
    folder = workdir / "scale-out"
    folder.mkdir(parents=True, exist_ok=True)
    note = None
    with Redis(folder) as redis_server:
        try:
            postgresql = ThrowAwayPostgreSQL().__enter__()
        except PostgreSQLUnavailable as error:
            postgresql = None
            note = f"PostgreSQL indisponible ({error}) : la configuration répartie est sur SQLite."
        try:
            if postgresql is not None:
                database_url = postgresql.create_database("maillage_bench_chat")
                engine = f"PostgreSQL {postgresql.version}"
            else:
                database_url = f"sqlite:///{folder / 'chat.sqlite3'}"
                engine = "SQLite partagé"
            env = _server_env(database_url, folder, rate_limit, redis_server.url)
            seeded = _prepare_database(env, agents)
            servers = [Daphne(env=env, log_path=folder / f"daphne-{n}.log") for n in (1, 2)]
            try:
                for server in servers:
                    server.start()
                pids = {f"Daphne {n}": s.process.pid for n, s in enumerate(servers, 1)}
                pids["Redis"] = redis_server.process.pid
                if postgresql is not None and _postmaster_pid(postgresql):
                    pids["PostgreSQL"] = _postmaster_pid(postgresql)
                figures = _generate(
                    load | seeded | {"urls": [_ws_url(s) for s in servers], "pids": pids}
                )
            finally:
                for server in servers:
                    server.stop()
        finally:
            if postgresql is not None:
                postgresql.__exit__(None, None, None)
    rows.append(figures | {"name": f"répartie : 2 Daphne, Redis, {engine}"})
    print(f"  {rows[-1]['name']} : mesurée", flush=True)

    print_table(rows, load, note)
    return rows


def _ms(value, width):
    """A latency, or a dash when nothing measured was delivered."""
    return f"{'—':>{width}}" if math.isnan(value) else f"{value:>{width}.1f}"


def print_table(rows, load, note=None):
    baseline = next(row for row in rows if row.get("baseline"))
    width = max(len(row["name"]) for row in rows) + 2
    load_average = os.getloadavg()[0]
    print(
        f"\nMessagerie instantanée ({load['agents']} agents, {load['rate']:g} messages/s, "
        + (f"{load['readers']} lecteurs, " if load.get("readers") else "")
        + (
            f"{load['seconds']:g} s ; latence d'envoi à réception en ms ; pertes : délivrances non "
            f"reçues {GRACE_SECONDS:g} s après la fin ; {os.cpu_count()} cœurs, charge "
            f"{load_average:.1f})"
        )
    )
    header = (
        f"{'configuration':<{width}}{'agents':>7}{'msg/s':>8}{'délivr./s':>11}"
        f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'pertes':>9}{'erreurs':>9}{'× base p95':>12}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        errors = sum(row["errors"].values())
        print(
            f"{row['name']:<{width}}{row['agents']:>7}{row['sent_per_second']:>8.1f}"
            f"{row['deliveries_per_second']:>11.0f}{_ms(row['p50'], 9)}{_ms(row['p95'], 9)}"
            f"{_ms(row['p99'], 9)}{row['losses']:>9}{errors:>9}"
            f"{_ms(row['p95'] / baseline['p95'], 12)}"
        )
    print("\nCPU pendant la mesure (% d'un cœur) :")
    for row in rows:
        cpu = ", ".join(f"{name} {value} %" for name, value in row["cpu"].items())
        details = []
        if row["errors"]:
            details.append(
                "erreurs : " + ", ".join(f"{code} × {n}" for code, n in row["errors"].items())
            )
        if row["duplicates"]:
            details.append(f"{row['duplicates']} doublons")
        acks = f"envois acquittés (chat.ack) {row['acks']}/{row['sent']}"
        if row["acks"] and not math.isnan(row.get("ack_p95", math.nan)):
            acks += f" en {row['ack_p50']:.0f} ms (p50) / {row['ack_p95']:.0f} ms (p95)"
        details.append(acks)
        if row.get("readers"):
            details.append(f"positions de lecture envoyées {row['reads_per_second']:.0f}/s")
        details.append(f"connexions ouvertes en {row['connect_seconds']:.1f} s")
        details.append(f"retard d'envoi max. {row['max_send_lag_ms']:.0f} ms")
        print(f"  {row['name']} : {cpu} ; {' ; '.join(details)}")
    if note:
        print(f"\n{note}")
    at_target = load["agents"] >= 200 and load["rate"] >= 50
    verdicts = []
    for row in rows:
        if row.get("baseline"):
            continue
        met = row["p95"] < TARGET_P95_MS and row["losses"] == 0
        if math.isnan(row["p95"]):
            figures = "aucun message mesuré reçu à temps"
        else:
            figures = f"p95 {row['p95']:.0f} ms"
        if row["losses"]:
            figures += f", {row['losses'] / row['expected']:.0%} de délivrances perdues"
        verdicts.append(f"{row['name']} : {'atteint' if met else 'MANQUÉ'} ({figures})")
    scope = "" if at_target else " (charge mesurée inférieure à celle de l'objectif)"
    print(f"\nObjectif « {TARGET} »{scope} :\n  " + "\n  ".join(verdicts))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.chat")
    parser.add_argument("--load", required=True, help="the generator's configuration (JSON)")
    parser.add_argument("--out", required=True, help="where to write its figures (JSON)")
    args = parser.parse_args()
    figures = asyncio.run(_load(json.loads(Path(args.load).read_text())))
    Path(args.out).write_text(json.dumps(figures))
