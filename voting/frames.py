"""A round's frames: its stored events (what everyone on the board may see: ``round_public``), the
voter's own dots (``round.my_dots``, to their sockets only, not to the one that sent the dot) and
the answer to a dot sent over the socket (``dot.done``, that socket's one frame for the dot)."""

from boards.frames import PERSON
from voting.models import ResultsVisibility, RoundState, RoundSubject
from workspace.frames import BOOLEAN, INTEGER, STRING, TIME, array, frame, mapping, nullable, obj, one_of

COUNTS = {"type": "object", "additionalProperties": INTEGER}  # {"voters": 3, "eligible": 5} or {"dots": 4, ...}
TURNOUT = obj(
    {"voters": INTEGER, "eligible": INTEGER, "by_country": mapping(COUNTS), "merged_below": INTEGER},
    optional=("merged_below",),  # an anonymous round's: cells under it are merged into "other"
)
TALLY = array(obj({"card": INTEGER, "dots": INTEGER, "supporters": INTEGER}))
RESULT_ROW = obj(
    {
        "card": INTEGER,
        "body": STRING,
        "position": INTEGER,
        "dots": INTEGER,
        "supporters": INTEGER,
        "by_country": mapping(COUNTS),
        "rank": INTEGER,
        "voters": array(obj({**PERSON["properties"], "dots": INTEGER})),  # an open round's only
        "removed": {"const": True},  # a card removed since: its dots and rank stay, not its words
    },
    optional=("voters", "removed"),
)
RESULTS = obj({"cards": array(RESULT_ROW), "turnout": TURNOUT, "order": STRING})

ROUND = obj(
    {
        "id": INTEGER,
        "board": INTEGER,
        "question": STRING,
        "subject": one_of(*RoundSubject.values),
        "state": one_of(*RoundState.values),
        "dots_per_voter": INTEGER,
        "max_per_card": INTEGER,
        "results_visibility": one_of(*ResultsVisibility.values),
        "anonymous": BOOLEAN,
        "facilitators_vote": BOOLEAN,
        "duration_seconds": nullable(INTEGER),
        "ends_at": nullable(TIME),
        "opened_at": nullable(TIME),
        "closed_at": nullable(TIME),
        "cards": array(INTEGER),
        "turnout": nullable(TURNOUT),
        "tally": nullable(TALLY),  # None while results are hidden
        "results": nullable(RESULTS),  # frozen at close
    }
)

MY_DOTS = {
    "round": INTEGER,
    "can_vote": BOOLEAN,
    "dots": mapping(INTEGER),  # card id -> the voter's dots on it
    "used": INTEGER,
    "remaining": INTEGER,
    "change": INTEGER,  # when they were read, in microseconds: a page keeps the latest
}

FRAMES = {
    **{
        type_: frame(type_, {"round": ROUND}, stored=True)
        for type_ in ("round.created", "round.opened", "round.updated", "round.closed", "round.cancelled")
    },
    "round.my_dots": frame("round.my_dots", MY_DOTS),
    "dot.done": frame(
        "dot.done",
        {"ref": {"type": ["string", "integer"]}, "op": one_of("place", "remove"), **MY_DOTS},
        optional=("ref",),  # echoed when the dot frame had one
    ),
}
