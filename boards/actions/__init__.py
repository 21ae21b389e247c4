"""Every change to a board, its cards, comments and presence goes through a function here.

An action checks the actor's permission and the board's rules, writes inside one transaction,
records a numbered board event (``boards.events``, published on commit) and returns what it made.
One module per noun; everything is importable from ``boards.actions``.
"""

from boards.actions.boards import create_board, set_board_voting, update_board
from boards.actions.cards import (
    add_comment,
    create_card,
    edit_comment,
    hide_comment,
    remove_card,
    remove_comment,
    take_down_card,
    update_card,
)
from boards.actions.presence import announce_presence, join_board, leave_board, touch_presence

__all__ = [
    "add_comment",
    "announce_presence",
    "create_board",
    "create_card",
    "edit_comment",
    "hide_comment",
    "join_board",
    "leave_board",
    "remove_card",
    "remove_comment",
    "set_board_voting",
    "take_down_card",
    "touch_presence",
    "update_board",
    "update_card",
]
