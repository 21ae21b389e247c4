"""The board event stream: the one gateway between actions and the channel layer.

Every user-visible change on a board is an event. An action, holding the board row locked,
calls ``record_event``: the board's ``event_seq`` goes up by one, a ``BoardEvent`` row stores the
event, and the broadcast to the board's group is registered with ``transaction.on_commit`` so a
rolled-back change is never announced. Consumers relay the frame as is; a client that missed
frames asks for the events after its last ``seq`` (the table is the replay log).

Frames are small dicts with everything a client needs: ``{"type": "board.updated", "seq": 7,
"board": {...}}``. Each type is listed in ``docs/realtime.md``.
"""

import hashlib
import json

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models import F

from workspace.models import Board, BoardEvent, StoredEvent, Workspace, WorkspaceEvent


def board_group(board_id: int) -> str:
    """The channel-layer group of everyone watching a board."""
    return f"board.{board_id}"


def event_frame(event: StoredEvent) -> dict:
    return {"type": event.type, "seq": event.seq, **event.payload}


def _store(owner: Board | Workspace, event_model: type[StoredEvent], **fields) -> StoredEvent:
    """The owner's next event: ``event_seq`` counted in the database (not from the possibly older
    object in hand) and the event stored with it. The caller holds ``owner`` locked."""
    manager = type(owner).objects
    manager.filter(pk=owner.pk).update(event_seq=F("event_seq") + 1)
    owner.event_seq = manager.values_list("event_seq", flat=True).get(pk=owner.pk)
    return event_model.objects.create(seq=owner.event_seq, **fields)


def record_event(*, board: Board, type: str, payload: dict, actor=None) -> BoardEvent:
    """Store the board's next event and broadcast it once the transaction commits.

    The caller holds ``board`` locked (``select_for_update``) in the current transaction, which
    keeps ``seq`` gap-free and ordered under concurrent writers.
    """
    event = _store(board, BoardEvent, board=board, type=type, payload=payload, actor=actor)
    frame = event_frame(event)
    transaction.on_commit(lambda: publish(board.pk, frame))
    return event


def rewrite_events(
    *, board: Board, key: str, object_id: int, value, where: dict | None = None, before_seq: int | None = None
) -> int:
    """Make the board's stored events that carry object ``object_id`` under ``payload[key]`` carry
    ``value`` instead (the caller holds the board locked, in the transaction that changed it).

    The event log is a replay log: a client resuming from 0 gets what it stores. So it holds what
    people may still see, never more: a removed or hidden comment, a removed card and a card's
    earlier text are rewritten out of it (the rule is in docs/realtime.md). ``where`` narrows the
    events by other payload fields (``{"card": 7}`` for the comments of card 7), ``before_seq`` to
    the events before that one. Returns how many events changed.
    """
    lookup = {f"payload__{key}__{field}": wanted for field, wanted in (where or {"id": object_id}).items()}
    changed = []
    events = BoardEvent.objects.filter(board=board, **lookup)
    if before_seq is not None:
        events = events.filter(seq__lt=before_seq)
    for event in events:
        new = value(event.payload[key]) if callable(value) else value
        if new != event.payload[key]:  # an event already saying it is not written again
            event.payload[key] = new
            changed.append(event)
    BoardEvent.objects.bulk_update(changed, ["payload"], batch_size=500)
    return len(changed)


def _send(group: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, message)


def publish(board_id: int, frame: dict) -> None:
    """Send a frame to the board's group (stored events only through ``record_event``)."""
    # Encoded once here and sent as is by every socket: the layer copies (in memory) or serializes
    # (Redis) a message once per socket, so it carries a string, not the frame's nested dicts.
    _send(board_group(board_id), {"type": "board.event", "seq": frame["seq"], "text": json.dumps(frame)})


def workspace_group(workspace_id: int) -> str:
    """The channel-layer group of every member with a page of the workspace open (the room)."""
    return f"workspace.{workspace_id}"


def record_workspace_event(*, workspace: Workspace, type: str, payload: dict, actor=None) -> WorkspaceEvent:
    """Store the workspace's next event (sessions, notices, fishbowl) and broadcast it on commit.

    The same contract as ``record_event``, per workspace: the caller holds ``workspace`` locked.
    """
    event = _store(workspace, WorkspaceEvent, workspace=workspace, type=type, payload=payload, actor=actor)
    frame = event_frame(event)
    workspace_id = workspace.pk
    message = {"type": "room.event", "seq": event.seq, "text": json.dumps(frame)}
    transaction.on_commit(lambda: _send(workspace_group(workspace_id), message))
    return event


def member_group(membership_id: int) -> str:
    """The group of one member's open connections (to close them when the member is removed)."""
    return f"member.{membership_id}"


def session_group(session_key: str) -> str:
    """The group of the sockets opened with one browser session (closed when it signs out)."""
    return "session." + hashlib.sha256(session_key.encode()).hexdigest()[:40]


def token_group(token_id: int) -> str:
    """The group of the sockets opened with one API token (closed when it is revoked)."""
    return f"token.{token_id}"


def user_group(user_id: int) -> str:
    """The group of all of a person's sockets, in every workspace (closed when the password changes)."""
    return f"user.{user_id}"


def end_sockets(group: str) -> None:
    """Close every socket in ``group``: what opened them (a session, a token) is no longer valid."""
    _send(group, {"type": "credentials.ended"})


def publish_ephemeral(board_id: int, frame: dict) -> None:
    """Send a frame that is not stored and has no ``seq`` (presence) to the board's group."""
    _send(board_group(board_id), {"type": "board.ephemeral", "frame": frame})


def disconnect_member(membership_id: int) -> None:
    """Close every open connection of a member who was removed."""
    _send(member_group(membership_id), {"type": "member.removed"})


def publish_to_member(membership_id: int, frame: dict) -> None:
    """Send a frame to one member's open connections only (e.g. their own remaining dots)."""
    _send(member_group(membership_id), {"type": "member.frame", "frame": frame})


def draft_group(board_id: int) -> str:
    """The group of every connection editing a board's draft, in every process."""
    return f"draft.{board_id}"


def publish_draft_update(board_id: int, update: bytes, *, sender: str | None = None) -> None:
    """Relay a stored draft update to every editor of the board (``sender`` already has it)."""
    _send(draft_group(board_id), {"type": "draft.update", "update": update, "sender": sender})


async def relay_to_draft(board_id: int, message: dict) -> None:
    """From a draft consumer: pass a stored update or an awareness change to the board's editors."""
    layer = get_channel_layer()
    if layer is not None:
        await layer.group_send(draft_group(board_id), message)
