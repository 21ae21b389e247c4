"""Every change to the workspace app's data goes through a function here.

An action checks the actor's permission and the rules, writes inside one transaction, records a
board event where a board changed (``workspace.events``, published on commit), and returns what it
made. Views, the API, consumers, management commands and tests all call these; nothing else writes
the models. One module per noun; everything is importable from ``workspace.actions``.
"""

from workspace.actions.accounts import (
    change_password,
    create_api_token,
    revoke_api_token,
    set_email,
    sign_out_everywhere,
    signed_out,
)
from workspace.actions.boards import create_board, set_board_voting, update_board
from workspace.actions.cards import (
    add_comment,
    create_card,
    edit_comment,
    hide_comment,
    remove_card,
    remove_comment,
    take_down_card,
    update_card,
)
from workspace.actions.members import (
    accept_invitation,
    add_member,
    change_role,
    confirm_country_request,
    create_invitation,
    create_workspace,
    decline_country_request,
    remove_member,
    revoke_invitation,
    set_charter_consent,
    set_member_country,
    set_preferences,
    sign_up_with_invitation,
    update_my_membership,
    update_workspace,
)
from workspace.actions.presence import announce_presence, join_board, leave_board, touch_presence

__all__ = [
    "change_password",
    "create_api_token",
    "revoke_api_token",
    "signed_out",
    "accept_invitation",
    "add_comment",
    "add_member",
    "announce_presence",
    "change_role",
    "confirm_country_request",
    "decline_country_request",
    "create_board",
    "create_card",
    "create_invitation",
    "create_workspace",
    "edit_comment",
    "hide_comment",
    "join_board",
    "leave_board",
    "remove_card",
    "remove_comment",
    "take_down_card",
    "remove_member",
    "revoke_invitation",
    "set_board_voting",
    "set_charter_consent",
    "set_member_country",
    "set_preferences",
    "sign_up_with_invitation",
    "touch_presence",
    "update_board",
    "update_card",
    "update_workspace",
    "update_my_membership",
    "set_email",
    "sign_out_everywhere",
]
