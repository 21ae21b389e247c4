"""The invitation life cycle, through the join page and the API."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import PASSWORD, expire, make_invitation, make_member, make_user
from workspace import actions
from workspace.errors import WorkspaceError
from workspace.models import Invitation, Membership
from workspace.roles import Role

pytestmark = pytest.mark.django_db
User = get_user_model()


def sign_up(client, invitation, username="newcomer", **overrides):
    data = {
        "display_name": "Gulnara",
        "country": "KG",
        "username": username,
        "password1": "tulips-in-bishkek-2026",
        "password2": "tulips-in-bishkek-2026",
        **overrides,
    }
    return client.post(reverse("join", args=[invitation.token]), data)


def test_join_page_shows_workspace_and_role(client, workspace):
    """Opening a valid link shows which workspace invites you, with what role, and a sign-up form."""
    invitation = make_invitation(workspace, role=Role.FACILITATOR)
    response = client.get(reverse("join", args=[invitation.token]))
    assert response.status_code == 200
    assert workspace.name in response.text
    assert "Facilitator" in response.text
    assert 'name="password1"' in response.text


def test_sign_up_through_invitation_creates_account_and_membership(client, workspace):
    """A new person signs up through a link, is signed in, and lands in the workspace with the link's role."""
    invitation = make_invitation(workspace, role=Role.FACILITATOR, max_uses=3)
    response = sign_up(client, invitation)
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace", args=[workspace.slug])
    membership = Membership.objects.get(user__username="newcomer", workspace=workspace)
    assert (membership.role, membership.display_name) == ("facilitator", "Gulnara")
    # A country chosen through a link for several people waits for a steward (docs/design.md).
    assert (membership.country.code, membership.requested_country.code) == ("", "KG")
    invitation.refresh_from_db()
    assert invitation.uses == 1
    assert client.get(reverse("workspace", args=[workspace.slug])).status_code == 200


def test_signed_in_user_joins_with_link(client, workspace):
    """Someone who already has an account joins another workspace by opening its link while signed in."""
    user = make_user()
    invitation = make_invitation(workspace)
    client.force_login(user)
    response = client.post(reverse("join", args=[invitation.token]), {"display_name": "Bat", "country": "MN"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=user, workspace=workspace)
    assert (membership.country.code, membership.requested_country.code) == ("", "MN")


def test_accept_via_api(api, workspace):
    """POST /api/invitations/<token>/accept/ makes the signed-in user a member with the link's role."""
    user = make_user()
    invitation = make_invitation(workspace, role=Role.PARTICIPANT, country="TJ")
    response = api.as_user(user).post(
        f"/api/invitations/{invitation.token}/accept/", {"display_name": "Firuz"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["created"] is True
    assert response.json()["membership"] == {
        "id": response.json()["membership"]["id"],
        "display_name": "Firuz",
        "role": "participant",
        "country": "TJ",
    }
    assert response.json()["workspace"]["slug"] == workspace.slug


def test_accepting_twice_keeps_one_membership(api, workspace):
    """Accepting the same link twice leaves one membership and uses the link once."""
    user = make_user()
    invitation = make_invitation(workspace, max_uses=5)
    first = api.as_user(user).post(f"/api/invitations/{invitation.token}/accept/")
    second = api.post(f"/api/invitations/{invitation.token}/accept/")
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["created"] is False
    assert Membership.objects.filter(user=user, workspace=workspace).count() == 1
    invitation.refresh_from_db()
    assert invitation.uses == 1


def test_member_opening_link_again_goes_to_workspace(client, workspace):
    """A member who opens their link again is taken to the workspace; nothing is duplicated."""
    member = make_member(workspace)
    invitation = make_invitation(workspace)
    client.force_login(member.user)
    response = client.get(reverse("join", args=[invitation.token]))
    assert response.status_code == 302
    assert Membership.objects.filter(user=member.user).count() == 1


def revoke(invitation):
    actions.revoke_invitation(invitation=invitation, by=make_member(invitation.workspace, Role.STEWARD))


def use_up(invitation):
    for _ in range(invitation.max_uses):
        actions.accept_invitation(token=invitation.token, user=make_user())


@pytest.mark.parametrize(
    ("spoil", "phrase"),
    [(expire, "expired"), (revoke, "withdrawn"), (use_up, "already been used")],
    ids=["expired", "revoked", "used-up"],
)
def test_unusable_link_shows_clear_page_and_creates_nothing(client, workspace, spoil, phrase):
    """An expired, withdrawn or used-up link shows why on its page, and signing up with it creates nothing."""
    invitation = make_invitation(workspace, max_uses=1)
    spoil(invitation)
    users_before, members_before = User.objects.count(), Membership.objects.count()

    page = client.get(reverse("join", args=[invitation.token]))
    assert page.status_code == 410
    assert phrase in page.text
    assert "password1" not in page.text

    response = sign_up(client, invitation, username="latecomer")
    assert response.status_code == 410
    assert (User.objects.count(), Membership.objects.count()) == (users_before, members_before)


@pytest.mark.parametrize("spoil", [expire, revoke, use_up], ids=["expired", "revoked", "used-up"])
def test_unusable_link_refused_by_api(api, workspace, spoil):
    """The API refuses an expired, revoked or used-up link with 410 and a message, and adds no member."""
    invitation = make_invitation(workspace, max_uses=1)
    spoil(invitation)
    members_before = Membership.objects.count()
    response = api.as_user(make_user()).post(f"/api/invitations/{invitation.token}/accept/")
    assert response.status_code == 410
    assert response.json()["detail"]
    assert Membership.objects.count() == members_before


def test_unknown_token_is_404(client, api):
    """A made-up link says it is not valid, on the page and in the API."""
    assert client.get("/join/not-a-real-token/").status_code == 404
    response = api.as_user(make_user()).post("/api/invitations/not-a-real-token/accept/")
    assert response.status_code == 404
    assert "not valid" in response.json()["detail"]


def test_link_used_up_after_max_uses(workspace):
    """A link for two people lets exactly two people join."""
    invitation = make_invitation(workspace, max_uses=2)
    actions.accept_invitation(token=invitation.token, user=make_user())
    actions.accept_invitation(token=invitation.token, user=make_user())
    with pytest.raises(WorkspaceError) as error:
        actions.accept_invitation(token=invitation.token, user=make_user())
    assert error.value.http_status == 410
    invitation.refresh_from_db()
    assert invitation.uses == 2


def test_sign_up_rejects_taken_username_and_weak_password(client, workspace):
    """Signing up with a taken user name or a weak password explains the problem and creates nothing."""
    make_user("taken")
    invitation = make_invitation(workspace)
    response = sign_up(client, invitation, username="Taken")
    assert response.status_code == 400
    assert "taken" in response.text
    response = sign_up(client, invitation, username="fresh", password1="12345678", password2="12345678")
    assert response.status_code == 400
    assert not User.objects.filter(username="fresh").exists()
    invitation.refresh_from_db()
    assert invitation.uses == 0


def test_sign_up_with_mismatched_passwords(client, workspace):
    """Two different passwords are caught before anything is created."""
    invitation = make_invitation(workspace)
    response = sign_up(client, invitation, password2="something-else-entirely")
    assert response.status_code == 400
    assert "differ" in response.text
    assert not User.objects.filter(username="newcomer").exists()


def test_new_account_can_sign_in(client, workspace):
    """The account made through an invitation signs in with its password."""
    invitation = make_invitation(workspace)
    sign_up(client, invitation)
    client.logout()
    assert client.login(username="newcomer", password="tulips-in-bishkek-2026")


def test_steward_creates_invitation_via_api(api, workspace, steward):
    """A steward's POST returns the link's token, full URL, role, uses and expiry."""
    response = api.as_user(steward.user).post(
        f"/api/workspaces/{workspace.slug}/invitations/",
        {"role": "facilitator", "max_uses": 10, "country": "uz"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["role"] == "facilitator"
    assert body["max_uses"] == 10
    assert body["country"] == "UZ"
    assert body["url"] == f"http://testserver/join/{body['token']}/"
    assert body["expires_at"]
    assert Invitation.objects.get(token=body["token"]).created_by == steward.user


def test_an_invitations_note_is_limited_by_the_action(workspace, steward):
    """The note's limit is the action's own (the API's is the same number): longer is refused."""
    limit = actions.members.INVITATION_NOTE.max_length
    with pytest.raises(WorkspaceError):
        actions.create_invitation(workspace=workspace, by=steward, note="n" * (limit + 1))
    assert actions.create_invitation(workspace=workspace, by=steward, note="n" * limit).note == "n" * limit


def test_steward_revokes_invitation(api, workspace, steward):
    """A withdrawn link can no longer be used, and the API shows it as revoked."""
    invitation = make_invitation(workspace, by=steward)
    response = api.as_user(steward.user).post(f"/api/workspaces/{workspace.slug}/invitations/{invitation.pk}/revoke/")
    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    assert api.as_user(make_user()).post(f"/api/invitations/{invitation.token}/accept/").status_code == 410


def test_invitations_page_creates_and_withdraws_links(client, workspace, steward):
    """On the invitations page a steward makes a link, sees it, and withdraws it."""
    client.force_login(steward.user)
    response = client.post(
        reverse("invitations", args=[workspace.slug]), {"role": "participant", "max_uses": 3, "days": 7}
    )
    assert response.status_code == 200
    invitation = Invitation.objects.get(workspace=workspace)
    assert f"/join/{invitation.token}/" in response.text
    response = client.post(reverse("revoke-invitation", args=[workspace.slug, invitation.pk]), follow=True)
    assert "withdrawn" in response.text
    invitation.refresh_from_db()
    assert invitation.revoked


def test_participant_cannot_open_invitations_page(client, workspace, participant):
    """The invitations page is for stewards only."""
    client.force_login(participant.user)
    assert client.get(reverse("invitations", args=[workspace.slug])).status_code == 403


def test_existing_user_signs_in_from_join_page(client, workspace):
    """The join page offers signing in, and the login comes back to the invitation."""
    invitation = make_invitation(workspace)
    page = client.get(reverse("join", args=[invitation.token]))
    assert f"/accounts/login/?next=/join/{invitation.token}/" in page.text
    make_user("returning")
    response = client.post(
        f"/accounts/login/?next=/join/{invitation.token}/",
        {"username": "returning", "password": PASSWORD, "next": f"/join/{invitation.token}/"},
    )
    assert response["Location"] == f"/join/{invitation.token}/"


def test_a_preview_row_with_one_mistake_keeps_its_valid_fields(workspace):
    """A row whose email is wrong still shows its country, role and language in the preview."""
    from workspace.actions.invitations import preview_invitations

    [row] = preview_invitations(workspace, "Айгуль Осмонова, aigul-at-example.org, KG, facilitator, ru")
    assert row.status == "invalid" and "aigul-at-example.org" in row.reason
    assert (row.name, row.country, row.role, row.language) == ("Айгуль Осмонова", "KG", "facilitator", "ru")


def test_a_preview_row_names_each_of_its_mistakes(workspace):
    """A row with two wrong cells names both, and keeps the cells that are right."""
    from workspace.actions.invitations import preview_invitations

    [row] = preview_invitations(workspace, "Gulnara, gulnara@example.org, Atlantis, chief, ru")
    assert row.status == "invalid" and "Atlantis" in row.reason and "chief" in row.reason
    assert (row.email, row.language) == ("gulnara@example.org", "ru")


def test_a_participant_learns_nothing_of_which_invitations_exist(api, workspace, participant):
    """Revoking an invitation that exists and one that does not answer a participant alike: 403."""
    invitation = make_invitation(workspace)
    client = api.as_user(participant.user)
    answers = [
        client.post(reverse("api-invitation-revoke", args=[workspace.slug, pk])).status_code
        for pk in (invitation.pk, invitation.pk + 1000)
    ]
    assert answers == [403, 403]
    invitation.refresh_from_db()
    assert not invitation.revoked
