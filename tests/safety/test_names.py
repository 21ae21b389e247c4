"""Display names people can trust (finding 10): normalised, no invisible or direction characters,
no mixed-script look-alikes, none that looks like another member's."""

import pytest

from tests.factories import make_invitation, make_member, make_user
from workspace.actions import accept_invitation
from workspace.errors import WorkspaceError

pytestmark = pytest.mark.django_db


@pytest.fixture
def steward_named(workspace):
    return make_member(workspace, "steward", display_name="Demo steward")


@pytest.mark.parametrize(
    "name",
    ["Demo steward", "demo  STEWARD", "Demo\u200b steward", "Dеmo stеward", "Ｄｅｍｏ steward", "Dem0 steward"],
)
def test_a_look_alike_of_another_members_name_is_refused(workspace, steward_named, name):
    """Case, zero-width spaces, Cyrillic letters, full-width forms or digits do not make a new name."""
    with pytest.raises(WorkspaceError):
        accept_invitation(token=make_invitation(workspace).token, user=make_user(), display_name=name)


@pytest.mark.parametrize("name", ["\u202edrawets omeD", "Дemo steward"])
def test_direction_tricks_and_mixed_scripts_are_refused_or_cleaned(workspace, steward_named, name):
    """A right-to-left override is taken out; a word mixing Cyrillic and Latin is refused."""
    try:
        membership, _created = accept_invitation(
            token=make_invitation(workspace).token, user=make_user(), display_name=name
        )
    except WorkspaceError:
        return
    assert "\u202e" not in membership.display_name


def test_real_names_in_every_script_are_welcome(workspace, steward_named):
    """Dari (with its zero-width non-joiner), Cyrillic and Latin names join as written."""
    names = ["محمد\u200cعلی احمدی", "Айгерим Сапарова", "Bek Tursunov", "Мөнхбат"]
    for name in names:
        membership, _ = accept_invitation(token=make_invitation(workspace).token, user=make_user(), display_name=name)
        assert membership.display_name == name
