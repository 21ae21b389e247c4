"""A board's numbered events: recorded in the same transaction as the change, published to the board's
group once it commits, rewritten in place when a text is forgotten; ephemeral frames and draft updates go
out beside them without being stored."""

import json

from channels.layers import get_channel_layer
from django.db import transaction

from boards.models import Board, BoardEvent
from workspace.events import event_frame, send_to_group, store_event


def board_group(board_id: int) -> str:
    """The channel-layer group of everyone watching a board."""
    return f"board.{board_id}"


def record_event(*, board: Board, type: str, payload: dict, actor=None) -> BoardEvent:
    """Store the board's next event and broadcast it once the transaction commits.

    The caller holds ``board`` locked (``select_for_update``) in the current transaction, which
    keeps ``seq`` gap-free and ordered under concurrent writers.
    """
    event = store_event(board, BoardEvent, board=board, type=type, payload=payload, actor=actor)
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


def publish(board_id: int, frame: dict) -> None:
    """Send a frame to the board's group (stored events only through ``record_event``)."""
    # Encoded once here and sent as is by every socket: the layer copies (in memory) or serializes
    # (Redis) a message once per socket, so it carries a string, not the frame's nested dicts.
    message = {"type": "board.event", "board": board_id, "seq": frame["seq"], "text": json.dumps(frame)}
    send_to_group(board_group(board_id), message)


def publish_ephemeral(board_id: int, frame: dict) -> None:
    """Send a frame that is not stored and has no ``seq`` (presence) to the board's group."""
    send_to_group(board_group(board_id), {"type": "board.ephemeral", "board": board_id, "frame": frame})


def draft_group(board_id: int) -> str:
    """The group of every connection editing a board's draft, in every process."""
    return f"draft.{board_id}"


def publish_draft_update(board_id: int, update: bytes, *, sender: str | None = None) -> None:
    """Relay a stored draft update to every editor of the board (``sender`` already has it)."""
    send_to_group(draft_group(board_id), {"type": "draft.update", "update": update, "sender": sender})


async def relay_to_draft(board_id: int, message: dict) -> None:
    """From a draft consumer: pass a stored update or an awareness change to the board's editors."""
    layer = get_channel_layer()
    if layer is not None:
        await layer.group_send(draft_group(board_id), message)


