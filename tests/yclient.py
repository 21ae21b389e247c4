"""A y-websocket client in Python (pycrdt + websockets), for testing the draft socket like any
other client would use it."""

import asyncio
import random

import websockets
from pycrdt import create_sync_message, create_update_message

from drafts.documents import byte_offset, new_doc
from drafts.protocol import MESSAGE_AUTH, MESSAGE_SYNC, YSyncMessageType, awareness_message, parse_message, sync_step2

ALPHABET = "абвгдежзийклмнопрстуфхцчшщыэюя ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی abcxyz,.\n"


class YClient:
    def __init__(self, url: str, *, seed: int = 0):
        self.url = url
        self.doc, self.text = new_doc()
        self.ws = None
        self.refusals: list[bytes] = []
        self.random = random.Random(seed)
        self._reader = None
        self._unsent: list[bytes] = []
        self.doc.observe(self._on_local_update)
        self._applying_remote = False
        self._send_lock = asyncio.Lock()  # the reader answers sync steps while edits are sent

    def _on_local_update(self, event) -> None:
        if self._applying_remote:
            return
        self._unsent.append(event.update)

    async def _send(self, data: bytes) -> None:
        async with self._send_lock:
            await self.ws.send(data)

    async def connect(self) -> None:
        self.ws = await websockets.connect(self.url, max_size=None)
        await self._send(create_sync_message(self.doc))
        self._reader = asyncio.create_task(self._read())

    async def disconnect(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            await self._reader  # a reader that failed fails the test here
            self.ws = None

    async def _read(self) -> None:
        try:
            async for message in self.ws:
                kind, sync_type, payload = parse_message(message)
                if kind == MESSAGE_SYNC and sync_type == YSyncMessageType.SYNC_STEP1:
                    await self._send(sync_step2(self.doc.get_update(payload)))
                elif kind == MESSAGE_SYNC:
                    self._applying_remote = True
                    try:
                        self.doc.apply_update(payload)
                    finally:
                        self._applying_remote = False
                elif kind == MESSAGE_AUTH:
                    self.refusals.append(message)
        except websockets.ConnectionClosed:
            pass

    async def flush(self) -> None:
        """Send the local edits made since the last flush (kept while offline, like Yjs does)."""
        if self.ws is None:
            return
        while self._unsent:
            await self._send(create_update_message(self._unsent.pop(0)))

    async def send_raw(self, data: bytes) -> None:
        await self._send(data)

    async def say(self, state: dict) -> None:
        await self._send(awareness_message([(self.doc.client_id, 1, state)]))

    def random_edit(self) -> None:
        """Insert or delete at a random place (in characters, converted to pycrdt's bytes)."""
        current = str(self.text)
        if current and self.random.random() < 0.35:
            start = self.random.randrange(len(current))
            end = min(len(current), start + self.random.randint(1, 4))
            del self.text[byte_offset(current, start) : byte_offset(current, end)]
        else:
            at = self.random.randint(0, len(current))
            piece = "".join(self.random.choice(ALPHABET) for _ in range(self.random.randint(1, 6)))
            self.text.insert(byte_offset(current, at), piece)

    def value(self) -> str:
        return str(self.text)


async def settle(*clients: YClient, rounds: int = 60) -> None:
    """Flush and wait until every client shows the same text (or give up after ``rounds``)."""
    for _ in range(rounds):
        for client in clients:
            await client.flush()
        await asyncio.sleep(0.1)
        if len({client.value() for client in clients}) == 1:
            await asyncio.sleep(0.3)
            if len({client.value() for client in clients}) == 1:
                return


async def edit_together(urls: list[str], *, seed: int, steps: int, drop_chance: float) -> list[str]:
    """Clients edit at random, some edits sent late, dropping and reconnecting at random (edits
    made offline go up with the next sync); then they settle. Returns each client's text."""
    chance = random.Random(seed)
    clients = [YClient(url, seed=seed + n) for n, url in enumerate(urls)]
    for client in clients:
        await client.connect()
    for _step in range(steps):
        client = chance.choice(clients)
        client.random_edit()
        if client.ws is not None and chance.random() < 0.7:
            await client.flush()
        if chance.random() < drop_chance:
            await (client.connect() if client.ws is None else client.disconnect())
        await asyncio.sleep(chance.random() * 0.01)
    for client in clients:
        if client.ws is None:
            await client.connect()
    await settle(*clients)
    texts = [client.value() for client in clients]
    for client in clients:
        await client.disconnect()
    return texts
