"""Roles and what each may do, named once and read everywhere (API, pages, consumers, actions).

participant < facilitator < steward: each role can do everything the one below it can.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    FACILITATOR = "facilitator", _("Facilitator")
    STEWARD = "steward", _("Steward")


_PARTICIPANT = frozenset(
    {
        "view_workspace",
        "view_members",
        "contribute",  # post cards, comment, edit drafts while a board is open
        "vote",
    }
)
_FACILITATOR = _PARTICIPANT | {
    "manage_boards",  # title, guiding question, state (lock/unlock), order; add custom boards
    "curate_cards",  # edit, group, adopt, archive, move or remove anyone's card
    "moderate",  # hide comments
    "run_rounds",
    "decide_amendments",  # accept (apply to the draft) or reject amendments
    "facilitate",  # the console: sessions, notices to everyone, fishbowl seats and overrides
}
_STEWARD = _FACILITATOR | {
    "invite",
    "manage_members",
    "compose_charter",
    "describe_workspace",  # its name and description, the texts of every language
}

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.PARTICIPANT: _PARTICIPANT,
    Role.FACILITATOR: frozenset(_FACILITATOR),
    Role.STEWARD: frozenset(_STEWARD),
}

# What a person is told when their role lacks a capability.
CAPABILITY_DENIED = {
    "manage_boards": _("Only facilitators and stewards can change boards."),
    "curate_cards": _(
        "Only facilitators and stewards can adopt, archive, group or move cards, or change others' cards."
    ),
    "moderate": _("Only facilitators and stewards can hide comments."),
    "run_rounds": _("Only facilitators and stewards can run voting rounds."),
    "decide_amendments": _("Only facilitators and stewards can accept or reject amendments."),
    "facilitate": _("Only facilitators and stewards can do this."),
    "invite": _("Only stewards can invite people."),
    "manage_members": _("Only stewards can manage members."),
    "compose_charter": _("Only stewards can compose the charter."),
    "describe_workspace": _("Only stewards can change the workspace's texts."),
}


def can(role: str, capability: str) -> bool:
    return capability in ROLE_CAPABILITIES.get(role, frozenset())


def require(membership, capability: str) -> None:
    """Raise a 403-kind WorkspaceError unless the member's role has ``capability``."""
    from workspace.errors import WorkspaceError

    if not can(membership.role, capability):
        raise WorkspaceError.forbidden(CAPABILITY_DENIED.get(capability, _("Your role does not allow this.")))


def capability_flags(role: str) -> dict[str, bool]:
    """``can_<capability>`` for every capability: what pages and scripts show or hide, read from the
    same table the actions check (a button shows exactly when its action would be allowed)."""
    return {f"can_{capability}": can(role, capability) for capability in sorted(ROLE_CAPABILITIES[Role.STEWARD])}
