"""The draft's and the amendments' events on the board socket (their shapes: ``drafts.selectors``).
The draft's text itself travels on its own socket, in the y-websocket protocol's binary frames."""

from boards.frames import AUTHOR, CARD, PERSON
from workspace.frames import ANY, BOOLEAN, INTEGER, STRING, TIME, array, frame, nullable, obj, one_of

REVISION = obj(
    {
        "number": INTEGER,
        "name": STRING,
        "automatic": BOOLEAN,
        "created_at": TIME,
        "editors": array(PERSON),
        "length": INTEGER,
    }
)

# A Yjs relative position as JSON (``Y.createRelativePositionFromJSON`` reads it): Yjs' own shape.
ANCHOR = obj({"start": ANY, "end": ANY})

AMENDMENT = obj(
    {
        "id": INTEGER,
        "number": INTEGER,
        "board": INTEGER,
        "card": CARD,
        "change": one_of("replace", "delete", "insert"),
        "original": STRING,
        "proposed": STRING,
        "reason": STRING,
        "diff": array({"type": "array", "prefixItems": [one_of("same", "removed", "added"), STRING], "items": False}),
        "state": one_of("open", "accepted", "rejected", "removed"),
        "outdated": BOOLEAN,
        "current": nullable(STRING),
        "anchor": nullable(ANCHOR),
        "supported_by": array(INTEGER),
        "decided_by": AUTHOR,
        "decided_at": nullable(TIME),
        "decision_reason": STRING,
        "applied_anyway": BOOLEAN,
        "created_at": TIME,
        "updated_at": nullable(TIME),
        "removed": {"const": True},  # what the log keeps of a removed amendment
    },
    optional=("removed",),
)


def _amendment_event(type_: str) -> dict:
    return frame(type_, {"amendment": AMENDMENT}, stored=True)


FRAMES = {
    "draft.revision_saved": frame("draft.revision_saved", {"revision": REVISION}, stored=True),
    "draft.restored": frame("draft.restored", {"revision": REVISION}, stored=True),
    **{
        type_: _amendment_event(type_)
        for type_ in (
            "amendment.created",
            "amendment.updated",
            "amendment.supported",
            "amendment.outdated",
            "amendment.accepted",
            "amendment.rejected",
        )
    },
    "amendment.removed": frame("amendment.removed", {"amendment_id": INTEGER, "card_id": INTEGER}, stored=True),
}
