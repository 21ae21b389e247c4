"""Accepting an amendment while people type inside its passage, against a live server over real
WebSockets: two pycrdt clients and the npm y-websocket client (as browsers run it) type in the
passage while a facilitator accepts; everyone ends with the same text, the server's included, with
the amendment applied exactly once. Two facilitators accepting at the same moment apply it once.
On SQLite and on PostgreSQL."""

import asyncio
import json
import random
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from drafts.documents import byte_offset
from tests.servers import postgres_database, served, skip_or_fail, sqlite_database
from tests.yclient import YClient, settle

pytestmark = pytest.mark.process

NODE_CLIENT = Path(__file__).parent / "yjs_client"
DRAFT = "Мы объединяем гражданское общество. We publish research every year. ما با هم می‌نویسیم."


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request, tmp_path_factory):
    """One server per database (row locks differ: PostgreSQL refuses some SQLite lets pass)."""
    if request.param == "sqlite":
        database = sqlite_database(tmp_path_factory.mktemp("db"))
    else:
        database = postgres_database()
    with database as url, served(url) as server:
        yield server


def node_client() -> Path:
    if not shutil.which("node") or not shutil.which("npm"):
        skip_or_fail("Node.js and npm are needed for the npm y-websocket client.")
    if not (NODE_CLIENT / "node_modules" / "y-websocket").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=NODE_CLIENT, check=True)  # noqa: S607
    return NODE_CLIENT / "client.mjs"


def board_of(server, token: str, kind: str) -> int:
    _status, boards = server.request("GET", "/api/workspaces/gs-think-tank/boards/", token=token)
    return next(b["id"] for b in boards if b["kind"] == kind)


BEFORE, AFTER = "research ", ". ما"  # the passage lies between these, and typing stays there
TYPED = "ёλګ"  # what the pycrdt clients type (the npm client types "ў"): none of it is in the draft


async def type_inside(client: YClient, seconds: float, chance: random.Random) -> None:
    """Type into the passage, its edges included, before and after it is replaced, until the time
    is up."""
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while loop.time() < end:
        value = client.value()
        start = value.find(BEFORE) + len(BEFORE)
        index = chance.randint(start, value.find(AFTER, start))
        client.text.insert(byte_offset(value, index), chance.choice(TYPED))
        await client.flush()
        await asyncio.sleep(0.02)


def test_accepting_while_everyone_types_in_the_passage_converges_with_it_applied_once(server):
    """Two pycrdt clients and the npm client type inside "every year" while it is accepted (anyway,
    since its words changed under it) as "twice a year": all three, and the stored draft, end the
    same: the change applied once, and what was typed around and after it kept."""
    script = node_client()
    kz, af, mn, facilitator = (server.token(name) for name in ("kz", "af", "mn", "facilitator"))
    board = board_of(server, kz, "vision")
    url = f"ws://127.0.0.1:{server.port}/ws/drafts/{board}"

    async def scenario():
        writer = YClient(f"{url}?token={kz}")
        await writer.connect()
        writer.text.insert(0, DRAFT)
        await settle(writer)
        await writer.disconnect()
        start = DRAFT.find("every year")
        status, amendment = server.request(
            "POST",
            f"/api/boards/{board}/amendments/",
            {"original": "every year", "proposed": "twice a year", "start": start},
            token=kz,
        )
        assert status == 201, amendment

        clients = [YClient(f"{url}?token={token}", seed=n) for n, token in enumerate((kz, af))]
        for client in clients:
            await client.connect()
        await settle(*clients)
        node = await asyncio.create_subprocess_exec(
            "node", str(script), f"ws://127.0.0.1:{server.port}/ws/drafts", str(board), mn, BEFORE, AFTER, "2500",
            stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        chance = random.Random(7)
        loop = asyncio.get_running_loop()
        typing = [asyncio.create_task(type_inside(client, 2.5, chance)) for client in clients]
        await asyncio.sleep(1.0)  # everyone is typing in the passage now
        accepted = await loop.run_in_executor(
            None,
            lambda: server.request("POST", f"/api/amendments/{amendment['id']}/accept/", {"anyway": True}, facilitator),
        )
        await asyncio.gather(*typing)
        await settle(*clients)
        output, _ = await asyncio.wait_for(node.communicate(), timeout=60)
        texts = [client.value() for client in clients]
        for client in clients:
            await client.disconnect()
        return amendment, accepted, texts, json.loads(output)

    amendment, (status, decided), texts, node = asyncio.run(scenario())
    assert status == 200, decided
    assert decided["state"] == "accepted"
    _status, stored = server.request("GET", f"/api/boards/{board}/draft/", token=kz)
    assert texts[0] == texts[1] == node["text"] == stored["markdown"]
    assert node["typed"] > 20 and node["refusals"] == 0
    # Without what was typed, the draft is the amendment applied exactly once, nothing else lost.
    untyped = stored["markdown"].translate({ord(c): None for c in TYPED + "ў"})
    assert untyped == DRAFT.replace("every year", "twice a year")
    assert len(stored["markdown"]) - len(untyped) > 40  # and the typing that went on is there


def test_two_facilitators_accepting_at_once_apply_it_once(server):
    """Two accept requests at the same moment: one applies the amendment, the other hears it was
    already decided (409); the words appear once."""
    kz, facilitator, steward = (server.token(name) for name in ("kz", "facilitator", "steward"))
    board = board_of(server, kz, "concept")

    async def write():
        writer = YClient(f"ws://127.0.0.1:{server.port}/ws/drafts/{board}?token={kz}")
        await writer.connect()
        writer.text.insert(0, DRAFT)
        await settle(writer)
        await writer.disconnect()

    asyncio.run(write())
    status, amendment = server.request(
        "POST", f"/api/boards/{board}/amendments/", {"original": "every year", "proposed": "twice a year"}, token=kz
    )
    assert status == 201, amendment
    path = f"/api/amendments/{amendment['id']}/accept/"
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda token: server.request("POST", path, {}, token), (facilitator, steward)))
    assert sorted(status for status, _body in results) == [200, 409]
    _status, stored = server.request("GET", f"/api/boards/{board}/draft/", token=kz)
    assert stored["markdown"].count("twice a year") == 1 and "every year" not in stored["markdown"]
