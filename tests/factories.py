"""Small factories for test data. Everything a user could do goes through the real actions."""

import itertools
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts import actions as account_actions
from boards import actions as board_actions
from workspace import actions
from workspace.models import Invitation, Membership, Workspace
from workspace.roles import Role

PASSWORD = "a-long-test-password"
_counter = itertools.count(1)


def make_user(username: str | None = None, password: str = PASSWORD):
    username = username or f"user{next(_counter)}"
    return get_user_model().objects.create_user(username=username, password=password)


def make_workspace(slug: str | None = None, *, time_zone: str = "Asia/Bishkek", agenda=()) -> Workspace:
    n = next(_counter)
    return actions.create_workspace(
        slug=slug or f"ws-{n}",
        name=f"Workspace {n}",
        description="Test workspace",
        time_zone=time_zone,
        agenda=agenda,
    )


def make_member(
    workspace: Workspace,
    role: str = Role.PARTICIPANT,
    *,
    user=None,
    country: str = "KG",
    display_name: str | None = None,
) -> Membership:
    """A member added as an operator adds one: ``country`` is confirmed, as a steward's would be
    (what members declare themselves is only a request: ``actions.update_my_membership``)."""
    user = user or make_user()
    return actions.add_member(
        workspace=workspace,
        user=user,
        role=role,
        display_name=display_name or f"Member {user.username}",
        country=country,
    )


def make_invitation(workspace: Workspace, *, by: Membership | None = None, **kwargs) -> Invitation:
    by = by or make_member(workspace, Role.STEWARD)
    return actions.create_invitation(workspace=workspace, by=by, **kwargs)


def expire(invitation: Invitation) -> Invitation:
    """Arrange an invitation whose time ran out (time passing is not a user action)."""
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    invitation.refresh_from_db()
    return invitation


def aware(*args, zone: str = "Asia/Bishkek") -> datetime:
    import zoneinfo

    return datetime(*args, tzinfo=zoneinfo.ZoneInfo(zone))


def make_card(board, by: Membership, body: str = "An idea"):
    return board_actions.create_card(board=board, by=by, body=body)


def make_comment(card, by: Membership, body: str = "A comment", parent=None):
    return board_actions.add_comment(card=card, by=by, body=body, parent=parent)


def make_round(board, by: Membership, *, open_now: bool = True, **settings):
    from voting import actions as voting_actions

    settings.setdefault("question", "Which ideas should lead?")
    round_ = voting_actions.create_round(board=board, by=by, **settings)
    if open_now:
        round_ = voting_actions.open_round(round_=round_, by=by)
    return round_


def make_token(user) -> str:
    """A new API token's key for ``user`` (as POST /api/auth/token/ gives one)."""
    return account_actions.create_api_token(user=user, name="test")[1]
