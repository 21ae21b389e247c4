"""Dots over the board socket: the page a voter already has open places and takes back dots with a
frame instead of an HTTP request (no new connection, no per-request thread, no token lookup), so a
room clicking the second a round opens does not queue behind its own requests.

    {"type": "dot", "ref": "d1", "round": 12, "card": 34}                    -> {"type": "dot.done", ...}
    {"type": "dot", "ref": "d2", "round": 12, "card": 34, "op": "remove"}    -> {"type": "dot.done", ...}

``dot.done`` carries the voter's dots (as ``round.my_dots`` and the dots API do) and is the one
answer this socket gets for the dot: the voter's other sockets get ``round.my_dots``, this one does
not (the action is told which socket sent it). A refusal is an ``error`` frame with the same
``ref``, the API's ``code`` and its HTTP ``status``. The same checks as the API run for every frame
(still a member, a round of this board), then the same action (``click_dots``): the dots that
arrived together are stored together, each answered on its own.
"""

from contextlib import nullcontext

from django.utils import translation
from django.utils.translation import gettext as _

from boards.access import members_on_board
from boards.consumers import BoardFrame, board_frame
from voting import actions
from voting.errors import VotingError
from voting.models import Round
from workspace.errors import WorkspaceError

OPERATIONS = ("place", "remove")
ID_MAX = 2**63 - 1  # the database's ids: a larger number names nothing


def _whole_number(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= ID_MAX else None


def _click(frame: BoardFrame, members: dict) -> actions.DotClick:
    content = frame.content
    operation = content.get("op", "place")
    if operation not in OPERATIONS:
        raise VotingError(_('"op" is either "place" or "remove".'))
    round_id, card_id = _whole_number(content.get("round")), _whole_number(content.get("card"))
    if round_id is None or card_id is None:
        raise VotingError(_('Say which "round" and which "card" (their ids).'))
    membership = members.get(getattr(frame.user, "pk", None))
    if membership is None:
        raise WorkspaceError.not_found(_("No such board."))
    # The action reads the round (locked) with its board: another board's round is "No such round."
    return actions.DotClick(
        round_=Round(pk=round_id, board_id=frame.board_id),
        voter=membership,
        card_id=card_id,
        op=operation,
        sender=frame.sender,
        language=frame.language,
    )


@board_frame("dot")
def dot_frames(frames: list[BoardFrame]) -> list[dict | WorkspaceError]:
    """Place (``op`` "place", the default) or take back (``op`` "remove") one of your dots."""
    members: dict[int, dict] = {}
    for board_id in {frame.board_id for frame in frames}:
        members[board_id] = members_on_board([f.user for f in frames if f.board_id == board_id], board_id)
    answers: list[dict | WorkspaceError | None] = [None] * len(frames)
    clicks, asked = [], []
    for n, frame in enumerate(frames):
        with translation.override(frame.language) if frame.language else nullcontext():
            try:
                clicks.append(_click(frame, members[frame.board_id]))
                asked.append(n)
            except WorkspaceError as error:
                answers[n] = error
    for n, click, mine in zip(asked, clicks, actions.click_dots(clicks), strict=True):
        answers[n] = mine if isinstance(mine, WorkspaceError) else {"type": "dot.done", "op": click.op, **mine}
    return answers
