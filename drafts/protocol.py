"""The y-websocket protocol (y-protocols' sync, awareness and auth messages) as the draft socket
speaks it: reading a client's messages (every malformed one is refused as ``MalformedMessage``)
and writing the server's.
"""

import asyncio
import json

from pycrdt import (  # noqa: F401  (re-exported: the protocol's other messages)
    Decoder,
    Doc,
    YMessageType,
    YSyncMessageType,
    create_sync_message,
    create_update_message,
    write_var_uint,
)

MESSAGE_SYNC = YMessageType.SYNC  # 0
MESSAGE_AWARENESS = YMessageType.AWARENESS  # 1
MESSAGE_AUTH = 2
MESSAGE_QUERY_AWARENESS = 3


def _var_string(value: str) -> bytes:
    data = value.encode("utf-8")
    return write_var_uint(len(data)) + data


def _var_bytes(data: bytes) -> bytes:
    return write_var_uint(len(data)) + data


def permission_denied_message(reason: str) -> bytes:
    """y-protocols' auth message: the client is told its update was refused, and why."""
    return write_var_uint(MESSAGE_AUTH) + write_var_uint(0) + _var_string(reason)


def sync_step2(update: bytes) -> bytes:
    """The answer to a client's sync step 1: what it lacks (pycrdt makes steps 1 and updates)."""
    return bytes([MESSAGE_SYNC, YSyncMessageType.SYNC_STEP2]) + _var_bytes(update)


class MalformedMessage(ValueError):
    pass


def read_sync_step1(doc: Doc, state_vector: bytes) -> bytes:
    """What ``doc`` has that a client with ``state_vector`` (its sync step 1) lacks."""
    try:
        return doc.get_update(state_vector)
    except BaseException as error:
        raise as_malformed(error) from None


# Cursor colours, chosen by the server (a client's own colour reached other browsers as CSS).
PALETTE = [
    ("#1f6f8b", "#1f6f8b33"), ("#a23b72", "#a23b7233"), ("#2e7d32", "#2e7d3233"), ("#b45309", "#b4530933"),
    ("#5b4bb7", "#5b4bb733"), ("#b91c1c", "#b91c1c33"), ("#0f766e", "#0f766e33"), ("#6b7280", "#6b728033"),
]  # fmt: skip


def describe_member(membership) -> dict:
    """The awareness ``user`` of a member's editor: name and country as on cards, a fixed colour."""
    code = membership.country.code or ""
    color, light = PALETTE[membership.pk % len(PALETTE)]
    return {
        "name": membership.display_name + (f" ({code})" if code else ""),
        "country": code or None,
        "color": color,
        "colorLight": light,
    }


def as_malformed(error: BaseException) -> MalformedMessage:
    # pycrdt (Rust) reports some bad input as a panic, which is a BaseException: catch it too,
    # but never swallow an interrupt or a cancellation.
    if isinstance(error, KeyboardInterrupt | SystemExit | asyncio.CancelledError | MalformedMessage):
        raise error
    return MalformedMessage(str(error))


def parse_message(message: bytes) -> tuple[int, int | None, bytes]:
    """(message type, sync type or None, payload) of one y-websocket message."""
    try:
        decoder = Decoder(message)
        kind = decoder.read_var_uint()
        if kind == MESSAGE_SYNC:
            sync_type = decoder.read_var_uint()
            if sync_type not in (
                YSyncMessageType.SYNC_STEP1,
                YSyncMessageType.SYNC_STEP2,
                YSyncMessageType.SYNC_UPDATE,
            ):
                raise MalformedMessage("unknown sync message")
            return kind, sync_type, decoder.read_message()
        if kind == MESSAGE_AWARENESS:
            return kind, None, decoder.read_message()
        if kind in (MESSAGE_AUTH, MESSAGE_QUERY_AWARENESS):
            return kind, None, b""
    except BaseException as error:
        raise as_malformed(error) from None
    raise MalformedMessage("unknown message type")


def decode_awareness(payload: bytes) -> list[tuple[int, int, dict | None]]:
    """The (client id, clock, state) entries of an awareness update; state None means gone."""
    try:
        decoder = Decoder(payload)
        entries = []
        for _ in range(decoder.read_var_uint()):
            client_id, clock = decoder.read_var_uint(), decoder.read_var_uint()
            state = json.loads(decoder.read_var_string())
            entries.append((client_id, clock, state if isinstance(state, dict) else None))
        return entries
    except BaseException as error:
        raise as_malformed(error) from None


def awareness_message(entries: list[tuple[int, int, dict | None]]) -> bytes:
    body = write_var_uint(len(entries))
    for client_id, clock, state in entries:
        body += write_var_uint(client_id) + write_var_uint(clock) + _var_string(json.dumps(state))
    return write_var_uint(MESSAGE_AWARENESS) + _var_bytes(body)
