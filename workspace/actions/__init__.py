"""Every change to the workspace app's data goes through a function here.

An action checks the actor's permission and the rules, writes inside one transaction, records a
workspace event where the workspace changed (``workspace.events``, published on commit), and returns what it
made. Views, the API, consumers, management commands and tests all call these; nothing else writes
the models. One module per noun; everything is importable from ``workspace.actions``.
"""

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
    sign_up_with_invitation,
    update_my_membership,
    update_workspace,
)

__all__ = [
    "accept_invitation",
    "add_member",
    "change_role",
    "confirm_country_request",
    "decline_country_request",
    "create_invitation",
    "create_workspace",
    "remove_member",
    "revoke_invitation",
    "set_charter_consent",
    "set_member_country",
    "sign_up_with_invitation",
    "update_workspace",
    "update_my_membership",
]
