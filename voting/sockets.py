"""Dots over the board socket: the page a voter already has open places and takes back dots with a
frame instead of an HTTP request (no new connection, no per-request thread, no token lookup), so a
room clicking the second a round opens does not queue behind its own requests.

    {"type": "dot", "ref": "d1", "round": 12, "card": 34}                    -> {"type": "dot.done", ...}
    {"type": "dot", "ref": "d2", "round": 12, "card": 34, "op": "remove"}    -> {"type": "dot.done", ...}

``dot.done`` carries the voter's dots (as ``round.my_dots`` and the dots API do) and is the one
answer this socket gets for the dot: the voter's other sockets get ``round.my_dots``, this one does
not (the action is told which socket sent it). A refusal is an ``error`` frame with the same
``ref``, the API's ``code`` and its HTTP ``status``. The same checks
as the API run for every frame (``access_round``: still a member, a round of this board), then the
same actions.
"""

from django.utils.translation import gettext as _

from boards.consumers import board_frame
from voting import actions
from voting.api import access_round
from voting.errors import VotingError

OPERATIONS = ("place", "remove")


def _whole_number(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else None


@board_frame("dot")
def dot_frame(*, user, board_id: int, content: dict, sender: str | None = None) -> dict:
    """Place (``op`` "place", the default) or take back (``op`` "remove") one of your dots."""
    operation = content.get("op", "place")
    if operation not in OPERATIONS:
        raise VotingError(_('"op" is either "place" or "remove".'))
    round_id, card_id = _whole_number(content.get("round")), _whole_number(content.get("card"))
    if round_id is None or card_id is None:
        raise VotingError(_('Say which "round" and which "card" (their ids).'))
    round_, membership = access_round(user, round_id)
    if round_.board_id != board_id:
        raise VotingError.not_found(_("No such round."))  # as if it did not exist: not this board's
    act = actions.place_dot if operation == "place" else actions.remove_dot
    mine = act(round_=round_, voter=membership, card_id=card_id, sender=sender)
    return {"type": "dot.done", "op": operation, **mine}
