"""A y-websocket client in Python (pycrdt + websockets), for testing the draft socket like any
other client would use it."""

import asyncio
import random

import websockets
from pycrdt import create_sync_message, create_update_message

from workspace.drafts import (
    MESSAGE_AUTH,
    MESSAGE_SYNC,
    YSyncMessageType,
    awareness_message,
    byte_offset,
    new_doc,
    parse_message,
    sync_step2,
)

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

    def _on_local_update(self, event) -> None:
        if self._applying_remote:
            return
        self._unsent.append(event.update)

    async def connect(self) -> None:
        self.ws = await websockets.connect(self.url, max_size=None)
        await self.ws.send(create_sync_message(self.doc))
        self._reader = asyncio.create_task(self._read())

    async def disconnect(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            await asyncio.gather(self._reader, return_exceptions=True)
            self.ws = None

    async def _read(self) -> None:
        try:
            async for message in self.ws:
                kind, sync_type, payload = parse_message(message)
                if kind == MESSAGE_SYNC and sync_type == YSyncMessageType.SYNC_STEP1:
                    await self.ws.send(sync_step2(self.doc.get_update(payload)))
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
            await self.ws.send(create_update_message(self._unsent.pop(0)))

    async def send_raw(self, data: bytes) -> None:
        await self.ws.send(data)

    async def say(self, state: dict) -> None:
        await self.ws.send(awareness_message([(self.doc.client_id, 1, state)]))

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
