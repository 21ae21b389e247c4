"""The room socket's frames (every page of a workspace): the room's state, its stored events
(sessions, notices, the fishbowl) and the console's nudge. Shapes: ``facilitation.selectors``."""

from boards.frames import AUTHOR, BOARD, TRANSLATIONS
from facilitation.models import NoticeKind, SpeakerState
from voting.frames import ROUND
from workspace.frames import INTEGER, STRING, TIME, array, frame, mapping, nullable, obj, one_of
from workspace.models import SessionState

SESSION = obj(
    {
        "id": INTEGER,
        "title": STRING,
        "translations": TRANSLATIONS,
        "state": one_of(*SessionState.values),
        "starts_at": TIME,
        "ends_at": TIME,
        "started_at": nullable(TIME),
        "ended_at": nullable(TIME),
    }
)

NOTICE = obj(
    {
        "id": INTEGER,
        "kind": one_of(*NoticeKind.values),
        "text": STRING,
        "board": nullable(obj({"id": INTEGER, "title": STRING, "translations": TRANSLATIONS, "url": STRING})),
        "author": AUTHOR,
        "created_at": TIME,
        "withdrawn_at": nullable(TIME),
    }
)

SPEAKER = obj(
    {
        "member": INTEGER,
        "display_name": STRING,
        "country": nullable(STRING),
        "state": one_of(*SpeakerState.values),
        "ticket": INTEGER,
        "raised_at": TIME,
        "offered_at": nullable(TIME),
        "seated_at": nullable(TIME),
    }
)
FISHBOWL = obj({"seats": INTEGER, "seated": array(SPEAKER), "offered": array(SPEAKER), "queue": array(SPEAKER)})
FISHBOWL_CHANGES = (
    "hand_raised",
    "hand_lowered",
    "seat_taken",
    "seat_declined",
    "left_bowl",
    "offer_lapsed",
    "moved_in",
    "moved_out",
    "seats_set",
    "member_removed",
)

CONSOLE_BOARD = obj(
    {
        "id": INTEGER,
        "title": STRING,
        "translations": TRANSLATIONS,
        "state": BOARD["properties"]["state"],
        "allows": BOARD["properties"]["allows"],
        "url": STRING,
        "presence": obj({"total": INTEGER, "by_country": mapping(INTEGER)}),
        "round": nullable(ROUND),  # the open one, as on the board
        "new_cards": INTEGER,
        "new_comments": INTEGER,
    }
)

FRAMES = {
    "room": frame(
        "room",
        {
            "seq": INTEGER,
            "server_time": TIME,
            "me": INTEGER,
            "sessions": array(SESSION),
            "notices": array(NOTICE),
            "fishbowl": FISHBOWL,
        },
    ),
    "session.updated": frame("session.updated", {"session": SESSION}, stored=True),
    "notice.posted": frame("notice.posted", {"notice": NOTICE}, stored=True),
    "notice.withdrawn": frame("notice.withdrawn", {"notice_id": INTEGER}, stored=True),
    "fishbowl.updated": frame(
        "fishbowl.updated",
        {"fishbowl": FISHBOWL, "change": one_of(*FISHBOWL_CHANGES), "member": INTEGER},
        stored=True,
    ),
    "console.boards": frame(
        "console.boards", {"server_time": TIME, "since": TIME, "boards": array(CONSOLE_BOARD)}
    ),
}
