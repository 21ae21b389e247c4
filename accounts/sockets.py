"""What every member's socket shares: who it belongs to (signed in, still a member, in their language),
how many frames it may send, and the close codes clients act on (4401 signed out, 4403 no longer a member)."""

import json
from collections import Counter

from channels.consumer import get_handler_name
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.middleware import language_for_socket
from accounts.ws_auth import credential_groups, credentials_hold
from workspace.frames import check_if_asked
from workspace.hops import database_hop
from workspace.ratelimit import spend

CLOSE_FORBIDDEN = 4403


CLOSE_TRY_AGAIN = 4500  # a server-side failure: reconnect (a y-websocket client resyncs what it has)


CLOSE_TOO_MANY = 4429


CLOSE_SIGNED_OUT = 4401  # the session signed out, the token was revoked or the password changed


FRAME_MAX_CHARS = 4096


REF_MAX_CHARS = 64


def take_frame_token(member_id: int, kind: str = "socket_frame") -> int:
    """Count one frame of the member's sockets of ``kind`` (a key of RATE_LIMITS, counted in this
    process: ``workspace.ratelimit``); 0 if allowed, else seconds until more are."""
    return spend(kind, member_id, shared=False)


def _ref_of(text_data) -> dict:
    """``{"ref": ...}`` of a small JSON frame that carries a usable one, else nothing."""
    if not text_data or len(text_data) > FRAME_MAX_CHARS or '"ref"' not in text_data:
        return {}
    try:
        ref = json.loads(text_data).get("ref")
    except (ValueError, AttributeError):
        return {}
    usable = isinstance(ref, str | int) and not isinstance(ref, bool) and len(str(ref)) <= REF_MAX_CHARS
    return {"ref": ref} if usable else {}


class SpeaksTheMembersLanguage:
    """Messages a socket sends (errors, refusals) are in the language the member's pages are in.

    Frames go straight to their handler, except the socket's opening and closing: Channels'
    dispatch first closes stale database connections, in the one database thread, so every frame
    of every socket would wait there behind any query under way (a draft's store, a snapshot):
    keystrokes could not queue while a batch is stored, nor an event reach a hundred sockets while
    a query runs. The handlers reach the database only through ``database_hop``, which
    closes stale connections itself.
    """

    language = None
    # Frames only relayed from the channel layer say nothing of their own: no language needed (the
    # hot path of a fan-out to hundreds of sockets).
    RELAYED = frozenset({"board.event", "board.ephemeral", "member.frame"})
    OPEN_AND_CLOSE = frozenset({"websocket.connect", "websocket.disconnect"})

    async def dispatch(self, message):
        if message["type"] in self.RELAYED:
            return await self.handle(message)
        if self.language is None:
            self.language = await database_hop(language_for_socket)(self.scope)
        with translation.override(self.language):
            if message["type"] in self.OPEN_AND_CLOSE:
                await super().dispatch(message)
            else:
                await self.handle(message)

    async def handle(self, message):
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)


class MemberSocket:
    """What every member's JSON socket does alike: a cap on one member's sockets in this process
    (each kind of socket counts its own, in ``open_sockets``), a frame allowance per member, and
    frames that must be small JSON objects."""

    open_sockets: Counter
    membership = None

    async def send_json(self, content, close=False):
        # Every frame a client gets has its schema (workspace/frames.py); a relayed one (sent as
        # text, as the layer brought it) was checked where it was published.
        check_if_asked(content)
        await super().send_json(content, close=close)

    async def refuse(self, code: int) -> None:
        self.membership = None  # not counted, so release() has nothing to undo
        await self.accept()
        await self.close(code=code)

    async def admit(self) -> bool:
        """Count this socket for ``self.membership``; past the cap, say why and close (False)."""
        if self.open_sockets[self.membership.pk] >= settings.MAX_SOCKETS_PER_MEMBER:
            self.membership = None
            await self.accept()
            await self.send_error(
                _("You have too many connections open (%(max)d). Close some tabs.")
                % {"max": settings.MAX_SOCKETS_PER_MEMBER},
                code="too_many_connections",
            )
            await self.close(code=CLOSE_TOO_MANY)
            return False
        self.open_sockets[self.membership.pk] += 1
        self.credential_groups = credential_groups(self.scope)
        for group in self.credential_groups:
            await self.channel_layer.group_add(group, self.channel_name)
        if not await credentials_hold(self.scope):  # ended while this socket was on its way in
            await self.release()
            self.membership = None
            await self.close(code=CLOSE_SIGNED_OUT)
            return False
        return True

    async def release(self) -> None:
        self.open_sockets[self.membership.pk] -= 1
        if self.open_sockets[self.membership.pk] <= 0:
            del self.open_sockets[self.membership.pk]
        for group in self.credential_groups:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def credentials_ended(self, message):
        """Signed out, token revoked or password changed: this socket ends (the page reloads)."""
        await self.close(code=CLOSE_SIGNED_OUT)

    async def read_frame(self, text_data):
        """The frame as a dict, or None after telling the client what was wrong with it."""
        wait = take_frame_token(self.membership.pk)
        if wait:
            await self.send_error(
                _("Too many messages; slow down."),
                code="rate_limited",
                retry_after=max(1, round(wait)),
                **_ref_of(text_data),  # a frame waiting for its answer (a dot) hears it is refused
            )
            return None
        if text_data is None:
            await self.send_error(_("Send JSON text frames."))
            return None
        if len(text_data) > FRAME_MAX_CHARS:
            await self.send_error(_("That message is too long."))
            return None
        try:
            return json.loads(text_data)
        except ValueError:
            await self.send_error(_("That message is not valid JSON."))
            return None

    async def send_error(self, message, *, code: str = "invalid", **extra):
        await self.send_json({"type": "error", "code": code, "message": str(message), **extra})


