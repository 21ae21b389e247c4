"""An id a page's form sends is read as the API reads one (issue 32, finding 9): anything but a
whole number is a 400 that says which field, a number that names nothing is the usual 404, never
a 500."""

import pytest
from django.test import Client
from django.urls import reverse

from boards import actions as board_actions
from boards.models import Board
from charter.compose import charter_settings
from tests.factories import make_invitation, make_member, make_workspace
from workspace.models import Invitation, OutgoingMail

pytestmark = pytest.mark.django_db

BAD_IDS = ["abc", "", "1.5", "-1", "1e3", "²", "٣", "99999999999999999999", "\x00", " 1 "]


@pytest.fixture
def pages(workspace, steward):
    """(url, form data with the id field left out, the id field) for every page form that names a
    thing by its id."""
    board = Board.objects.get(workspace=workspace, kind="mission")
    return {
        "membership": (reverse("preferences"), {"do": "membership", "display_name": "Me", "country": "KG"}),
        "member": (reverse("members", args=[workspace.slug]), {"role": "facilitator"}),
        "invitation": (reverse("invitations", args=[workspace.slug]), {"do": "resend"}),
        "custom_boards": (reverse("charter", args=[workspace.slug]), {"do": "settings"}),
        f"revision-{board.pk}": (reverse("charter", args=[workspace.slug]), {"do": "settings"}),
    }


def signed_in(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (field, value)
        for field in ("membership", "member", "invitation", "custom_boards", "revision-")
        for value in BAD_IDS
        if (field, value) != ("revision-", "")  # no revision chosen: the live draft
    ],
)
def test_a_form_id_that_is_not_a_number_is_a_400_that_names_the_field(pages, steward, field, value):
    """``membership=abc`` on the settings page, ``member=abc``, ``invitation=abc``, a board or a
    revision that is not a number on the charter page: a 400 page naming the field."""
    name = field if field in pages else next(key for key in pages if key.startswith(field))
    url, data = pages[name]
    response = signed_in(steward.user).post(url, {**data, name: value})
    assert response.status_code == 400, (name, value, response.status_code)
    assert f"“{name}” must be a whole number." in response.text


def test_a_revision_field_naming_no_board_by_number_is_a_400(workspace, steward):
    """``revision-abc=1`` on the charter page (the board's id is in the field's name): a 400."""
    url = reverse("charter", args=[workspace.slug])
    response = signed_in(steward.user).post(url, {"do": "settings", "revision-abc": "1"})
    assert response.status_code == 400 and "“revision-abc” must be a whole number." in response.text


@pytest.mark.parametrize("field", ["membership", "member", "invitation"])
def test_a_form_id_that_names_nothing_of_yours_is_the_usual_404(pages, workspace, steward, field):
    """A whole number that names no membership of yours, no member or invitation here: the 404 a
    missing one always gave."""
    stranger = make_member(make_workspace())
    foreign = {"membership": stranger, "member": stranger, "invitation": make_invitation(stranger.workspace)}[field]
    url, data = pages[field]
    response = signed_in(steward.user).post(url, {**data, field: str(foreign.pk)})
    assert response.status_code == 404


def test_the_pages_still_take_the_ids_their_forms_send(pages, workspace, steward, participant):
    """The ids the pages send (a membership, a member, an invitation, a board) still do what they did."""
    client = signed_in(steward.user)
    url, data = pages["member"]
    assert client.post(url, {**data, "member": str(participant.pk)}).status_code == 302
    participant.refresh_from_db()
    assert participant.role == "facilitator"
    url, data = pages["membership"]
    assert client.post(url, {**data, "membership": str(steward.pk)}).status_code == 302
    steward.refresh_from_db()
    assert steward.display_name == "Me"
    invitation = make_invitation(workspace, by=steward)
    Invitation.objects.filter(pk=invitation.pk).update(email="someone@example.org")
    url, data = pages["invitation"]
    assert client.post(url, {**data, "invitation": str(invitation.pk)}).status_code == 302
    assert OutgoingMail.objects.filter(invitation=invitation).exists()
    board = board_actions.create_board(workspace=workspace, by=steward, title="Extra")
    url, data = pages["custom_boards"]
    assert client.post(url, {**data, "custom_boards": str(board.pk)}).status_code == 302
    assert charter_settings(workspace).custom_boards == [board.pk]


@pytest.mark.parametrize("diff", ["1,99999999999999999999", "²,1", "1", "a,b", "1,2,3", "-1,0", "\x00,1"])
def test_a_comparison_of_odd_version_numbers_is_never_a_500(workspace, steward, diff):
    """``?diff=`` on the charter page with numbers no version has, or no numbers: the page, no 500."""
    response = signed_in(steward.user).get(reverse("charter", args=[workspace.slug]), {"diff": diff})
    assert response.status_code == 200
