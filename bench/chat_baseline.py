"""The chat benchmark's baseline: a minimal broadcast server on the ``websockets`` library.

It speaks just enough of the platform's protocol for the same load generator (``bench/chat.py``):
``chat.subscribe`` is answered with ``chat.subscribed``, and every ``chat.send`` is acknowledged
to its sender and broadcast to every connected client as a ``chat.message`` carrying its body,
with a sequence number. No authentication, no database, no channel layer: what is left is the
cost of one Python process receiving, encoding and sending WebSocket frames.

python -m bench.chat_baseline --port 8765
"""

import argparse
import asyncio
import json
import signal

from websockets.asyncio.server import broadcast, serve

ROOM = 1


class Broadcast:
    def __init__(self):
        self.clients = set()
        self.seq = 0

    async def handler(self, websocket):
        self.clients.add(websocket)
        try:
            async for text in websocket:
                event = json.loads(text)
                kind = event.get("type")
                if kind == "chat.send":
                    self.seq += 1
                    body = event.get("body", "")
                    await websocket.send(
                        json.dumps(
                            {
                                "type": "chat.ack",
                                "client_id": event.get("client_id"),
                                "room": ROOM,
                                "id": self.seq,
                                "seq": self.seq,
                            }
                        )
                    )
                    broadcast(
                        self.clients,
                        json.dumps(
                            {
                                "type": "chat.message",
                                "room": ROOM,
                                "seq": self.seq,
                                "message": {"id": self.seq, "seq": self.seq, "body": body},
                            }
                        ),
                    )
                elif kind == "chat.subscribe":
                    rooms = {str(room): self.seq for room in event.get("rooms", {})}
                    await websocket.send(
                        json.dumps({"type": "chat.subscribed", "rooms": rooms, "refused": []})
                    )
                elif kind == "ping":
                    await websocket.send(json.dumps({"type": "pong", "id": event.get("id")}))
        finally:
            self.clients.discard(websocket)


async def main(host, port):
    server = Broadcast()
    stop = asyncio.get_running_loop().create_future()
    for signum in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set_result, None)
    async with serve(server.handler, host, port, compression=None, max_queue=None):
        print(f"ready ws://{host}:{port}/", flush=True)
        await stop


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.chat_baseline")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    asyncio.run(main(args.host, args.port))
