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
from django.conf import settings
from django.db import models, transaction
from django.db.models import F

from workspace.frames import check_frame
from workspace.models import StoredEvent, Workspace, WorkspaceEvent


def store_event(owner: models.Model, event_model: type[StoredEvent], **fields) -> StoredEvent:
    """The owner's next event: ``event_seq`` counted in the database (not from the possibly older
    object in hand) and the event stored with it. The caller holds ``owner`` locked."""
    manager = type(owner).objects
    manager.filter(pk=owner.pk).update(event_seq=F("event_seq") + 1)
    owner.event_seq = manager.values_list("event_seq", flat=True).get(pk=owner.pk)
    return event_model.objects.create(seq=owner.event_seq, **fields)


def send_to_group(group: str, message: dict) -> None:
    if settings.CHECK_FRAMES:  # what reaches clients has its schema (workspace/frames.py)
        if "text" in message:
            check_frame(json.loads(message["text"]))
        elif "frame" in message:
            check_frame(message["frame"])
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, message)


def workspace_group(workspace_id: int) -> str:
    """The channel-layer group of every member with a page of the workspace open (the room)."""
    return f"workspace.{workspace_id}"


def record_workspace_event(*, workspace: Workspace, type: str, payload: dict, actor=None) -> WorkspaceEvent:
    """Store the workspace's next event (sessions, notices, fishbowl) and broadcast it on commit.

    The same contract as ``record_event``, per workspace: the caller holds ``workspace`` locked.
    """
    event = store_event(workspace, WorkspaceEvent, workspace=workspace, type=type, payload=payload, actor=actor)
    frame = event_frame(event)
    workspace_id = workspace.pk
    message = {"type": "room.event", "seq": event.seq, "text": json.dumps(frame)}
    transaction.on_commit(lambda: send_to_group(workspace_group(workspace_id), message))
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
    send_to_group(group, {"type": "credentials.ended"})


def disconnect_member(membership_id: int) -> None:
    """Close every open connection of a member who was removed."""
    send_to_group(member_group(membership_id), {"type": "member.removed"})


def publish_to_member(membership_id: int, frame: dict, *, sender: str | None = None) -> None:
    """Send a frame to one member's open connections only (e.g. their own remaining dots); with
    ``sender`` (a socket's channel name), not to that one, which asked and has its answer."""
    send_to_group(member_group(membership_id), {"type": "member.frame", "frame": frame, "sender": sender})


def event_frame(event: StoredEvent) -> dict:
    return {"type": event.type, "seq": event.seq, **event.payload}


