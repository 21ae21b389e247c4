"""The frames of the board socket: the board's stored events (boards, cards, comments) and what the
socket says of its own (welcome, presence, resync). The shapes of a board, a card and a comment are
those of ``boards.selectors``; other apps' frames on this socket are declared in their own
``frames.py`` (drafts, voting) and build on the shapes here."""

from boards.models import BoardKind, BoardState, CardKind, CardStatus
from boards.rules import ACTIVITIES
from workspace.frames import BOOLEAN, INTEGER, STRING, TIME, array, frame, mapping, nullable, obj, one_of

PERSON = obj({"id": INTEGER, "display_name": STRING, "country": nullable(STRING)})
AUTHOR = nullable(PERSON)  # None: a former member, or words that are no longer shown
TRANSLATIONS = mapping(mapping(STRING))  # {language: {field: text}}

BOARD = obj(
    {
        "id": INTEGER,
        "workspace": STRING,
        "kind": one_of(*BoardKind.values),
        "title": STRING,
        "guiding_question": STRING,
        "translations": TRANSLATIONS,
        "state": one_of(*BoardState.values),
        "allows": obj(dict.fromkeys(ACTIVITIES, BOOLEAN)),
        "position": INTEGER,
    }
)

CARD = obj(
    {
        "id": INTEGER,
        "board": INTEGER,
        "kind": one_of(*CardKind.values),
        "author": AUTHOR,
        "body": STRING,
        "body_html": STRING,
        "status": one_of(*CardStatus.values),
        "group_label": STRING,
        "position": INTEGER,
        "created_at": TIME,
        "edited_at": nullable(TIME),
        "removed": {"const": True},  # what the log keeps of a removed card
    },
    optional=("removed",),
)

COMMENT = obj(
    {
        "id": INTEGER,
        "card": INTEGER,
        "parent": nullable(INTEGER),
        "author": AUTHOR,
        "state": one_of("visible", "removed", "hidden"),
        "body": STRING,
        "body_html": STRING,
        "hidden_reason": STRING,
        "created_at": TIME,
        "edited_at": nullable(TIME),
    }
)

CHANGED = array(STRING)  # the names of the fields that changed

FRAMES = {
    # stored events, in the board's seq
    "board.created": frame("board.created", {"board": BOARD}, stored=True),
    "board.updated": frame("board.updated", {"board": BOARD, "changed": CHANGED}, stored=True),
    "card.created": frame("card.created", {"card": CARD}, stored=True),
    "card.updated": frame("card.updated", {"card": CARD, "changed": CHANGED}, stored=True),
    "card.removed": frame("card.removed", {"card_id": INTEGER}, stored=True),
    "comment.created": frame("comment.created", {"comment": COMMENT}, stored=True),
    "comment.updated": frame("comment.updated", {"comment": COMMENT}, stored=True),
    "comment.removed": frame("comment.removed", {"comment": COMMENT}, stored=True),
    "comment.hidden": frame("comment.hidden", {"comment": COMMENT}, stored=True),
    # the socket's own
    "welcome": frame("welcome", {"seq": INTEGER, "presence": array(PERSON), "presence_version": INTEGER}),
    "presence": frame("presence", {"version": INTEGER, "members": array(PERSON)}),
    "presence.delta": frame(
        "presence.delta", {"version": INTEGER, "arrived": array(PERSON), "left": array(INTEGER)}
    ),
    "resync_required": frame("resync_required", {"seq": INTEGER, "snapshot_url": STRING}),
}
