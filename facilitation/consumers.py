"""The room's WebSocket: ``/ws/w/<slug>/room/``, open on every page of a workspace.

Members only (anyone else is closed with 4403, like the board socket). On connect it sends the
room's state (``{"type": "room", "seq": n, ...}``: sessions, recent notices, the fishbowl, the
server's time); then every workspace event (``session.updated``, ``notice.posted``,
``fishbowl.updated``) as it is published, each with the workspace's ``seq``. Events a client
missed while its connection was down are not replayed one by one: the room is small, so a new
connection (or a ``{"type": "sync"}`` frame, or a gap seen here) sends the whole state again.

A facilitator's console connects with ``?console=1`` and also hears what changed on the boards:
``{"type": "console.boards", "boards": [...]}`` carries the console's rows of the boards where
something happened (a card, a round, presence), at most every ``CONSOLE_BATCH_SECONDS``, however
many events there were: the console draws them instead of fetching everything again.
"""

import asyncio
from collections import Counter
from urllib.parse import parse_qs

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils.translation import gettext as _

from accounts.sockets import CLOSE_FORBIDDEN, MemberSocket, SpeaksTheMembersLanguage
from boards.events import board_group
from boards.selectors import workspace_boards
from facilitation.selectors import console_state, room_state
from workspace.access import access_workspace
from workspace.errors import WorkspaceError
from workspace.events import member_group, workspace_group
from workspace.hops import database_hop
from workspace.roles import can

# A console hears of a busy board this often at most (a dot, a card and a presence tick in between
# are one frame with the board's row as it is then).
CONSOLE_BATCH_SECONDS = 0.5


class RoomConsumer(SpeaksTheMembersLanguage, MemberSocket, AsyncJsonWebsocketConsumer):
    RELAYED = frozenset({"room.event", "board.event", "board.ephemeral", "member.frame"})
    open_sockets: Counter = Counter()
    console_batch: asyncio.TimerHandle | None = None  # the console's next console.boards, when due

    async def connect(self):
        self.changed_boards: set[int] = set()  # boards the console has not heard of since its last batch
        slug = self.scope["url_route"]["kwargs"]["slug"]
        try:
            self.membership = await database_hop(access_workspace)(self.scope.get("user"), slug)
        except WorkspaceError:
            await self.refuse(CLOSE_FORBIDDEN)
            return
        if not await self.admit():
            return
        query = parse_qs(self.scope.get("query_string", b"").decode())
        self.groups_joined = [workspace_group(self.membership.workspace_id), member_group(self.membership.pk)]
        if query.get("console") == ["1"] and can(self.membership.role, "facilitate"):
            boards = await database_hop(lambda: list(workspace_boards(self.membership.workspace)))()
            self.groups_joined += [board_group(board.pk) for board in boards]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_state()

    async def disconnect(self, code):
        if self.console_batch is not None:
            self.console_batch.cancel()
        if self.membership is None:
            return
        await self.release()
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.membership = None

    async def send_state(self):
        state = await database_hop(room_state)(self.membership.workspace)
        self.seq = state["seq"]
        await self.send_json({"type": "room", "me": self.membership.pk, **state})

    # Client frames --------------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        if self.membership is None:
            return
        content = await self.read_frame(text_data)
        if content is None:
            return
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "sync":
            await self.send_state()
        else:
            await self.send_error(_("Unknown message type; expected sync or ping."))

    # Group messages -------------------------------------------------------------------------

    async def room_event(self, message):
        seq = message["seq"]
        if seq <= self.seq:
            return  # already in the state this socket sent
        if seq > self.seq + 1:
            await self.send_state()  # a frame was lost on the way: the whole room again
            return
        self.seq = seq
        await self.send(text_data=message["text"])

    async def board_event(self, message):
        self.board_changed(message["board"])

    async def board_ephemeral(self, message):
        self.board_changed(message["board"])

    def board_changed(self, board_id: int) -> None:
        """Note the board for the console's next batch, which is scheduled if none is."""
        self.changed_boards.add(board_id)
        if self.console_batch is None:
            self.console_batch = asyncio.get_running_loop().call_later(
                CONSOLE_BATCH_SECONDS, lambda: asyncio.ensure_future(self.send_console_boards())
            )

    async def send_console_boards(self) -> None:
        boards, self.changed_boards, self.console_batch = self.changed_boards, set(), None
        if self.membership is None or not boards:
            return  # closed meanwhile
        state = await database_hop(console_state)(self.membership.workspace, board_ids=boards)
        await self.send_json({"type": "console.boards", **state})

    async def member_frame(self, message):
        pass  # a voter's own dots: for the board page, not the room

    async def member_removed(self, message):
        await self.send_error(_("You are no longer a member of this workspace."), code="removed")
        await self.close(code=CLOSE_FORBIDDEN)
