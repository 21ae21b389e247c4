"""Every change of the facilitation app goes through a function here.

Each action checks the actor's role and the rules, writes inside one transaction holding the
workspace row locked (which orders every change to the room: two people raising a hand at the same
moment get consecutive places, and a seat is never given twice), records a workspace event
(``workspace.events.record_workspace_event``, published on commit) and returns what changed.
Changes to boards and rounds made from the console are the workspace and voting apps' own actions.
"""

from facilitation.actions.fishbowl import (
    accept_seat,
    decline_seat,
    expire_offers,
    leave_bowl,
    lower_hand,
    raise_hand,
    seat_speaker,
    set_seats,
    unseat_speaker,
)
from facilitation.actions.notices import post_message, summon_to_board, withdraw_notice
from facilitation.actions.sessions import end_session, extend_session, retitle_session, start_session

__all__ = [
    "accept_seat",
    "decline_seat",
    "end_session",
    "extend_session",
    "leave_bowl",
    "lower_hand",
    "post_message",
    "retitle_session",
    "raise_hand",
    "seat_speaker",
    "set_seats",
    "start_session",
    "summon_to_board",
    "unseat_speaker",
    "withdraw_notice",
    "expire_offers",
]
