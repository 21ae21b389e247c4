"""The stewards' members page (search, roles, removal) and the audit trail."""

import csv
import io

import pytest
from django.urls import reverse

from boards import actions as board_actions
from boards.models import Board
from tests.factories import make_card, make_member, make_round, make_user
from voting import actions as voting_actions
from workspace import actions
from workspace.audit import describe
from workspace.models import AuditEntry, Membership
from workspace.roles import Role

pytestmark = pytest.mark.django_db


def test_members_by_country_with_search_and_role_filter(client, workspace, steward, participant):
    make_member(workspace, Role.FACILITATOR, country="TJ", display_name="Фарход Назаров")
    client.force_login(steward.user)
    url = reverse("members", args=[workspace.slug])
    page = client.get(url).text
    assert "Tajikistan" in page and "Afghanistan" in page and "Фарход Назаров" in page
    found = client.get(url, {"q": "фарх"}).text
    assert "Фарход Назаров" in found and participant.display_name not in found
    facilitators = client.get(url, {"role": "facilitator"}).text
    assert "Фарход Назаров" in facilitators and participant.display_name not in facilitators


def test_a_role_changes_on_the_page_and_is_audited(client, workspace, steward, participant):
    client.force_login(steward.user)
    url = reverse("members", args=[workspace.slug])
    response = client.post(url, {"member": participant.pk, "role": "facilitator"}, follow=True)
    assert f"{participant.display_name} is now: Facilitator." in response.text
    participant.refresh_from_db()
    assert participant.role == Role.FACILITATOR
    audit_page = client.get(reverse("audit", args=[workspace.slug])).text
    assert f"changed the role of {participant.display_name} from Participant to Facilitator" in audit_page
    client.cookies["django_language"] = "ru"
    audit_page = client.get(reverse("audit", args=[workspace.slug])).text
    assert f"изменил(а) роль {participant.display_name}: «Участник» → «Фасилитатор»" in audit_page
    entry = AuditEntry.objects.get(workspace=workspace, verb="member.role_changed")
    assert (entry.actor, entry.target_id, entry.details) == (
        steward,
        participant.pk,
        {"from": "participant", "to": "facilitator"},
    )


def test_the_last_steward_cannot_be_demoted(client, workspace, steward):
    client.force_login(steward.user)
    url = reverse("members", args=[workspace.slug])
    response = client.post(url, {"member": steward.pk, "role": "participant"}, follow=True)
    assert "last steward" in response.text
    steward.refresh_from_db()
    assert steward.role == Role.STEWARD
    other = make_member(workspace, Role.STEWARD)
    client.post(url, {"member": steward.pk, "role": "participant"})
    steward.refresh_from_db()
    assert steward.role == Role.PARTICIPANT
    with pytest.raises(Exception, match="last steward"):
        actions.change_role(membership=other, by=other, role=Role.FACILITATOR)


def test_removal_asks_first_says_what_happens_and_keeps_the_cards(client, workspace, steward, participant):
    board = Board.objects.get(workspace=workspace, kind="mission")
    card = make_card(board, participant, "Water first")
    client.force_login(steward.user)
    url = reverse("remove-member", args=[workspace.slug, participant.pk])
    page = client.get(url).text
    assert "a former member" in page and "Their dots stay counted" in page
    assert Membership.objects.filter(pk=participant.pk).exists()  # asking removes nobody
    response = client.post(url, follow=True)
    assert f"{participant.display_name} is no longer a member." in response.text
    assert not Membership.objects.filter(pk=participant.pk).exists()
    card.refresh_from_db()
    assert card.author is None and card.body == "Water first"
    entry = AuditEntry.objects.get(workspace=workspace, verb="member.removed")
    # The trail says a steward removed someone, not whom: the name left every stored copy.
    assert entry.actor == steward and entry.target_label == ""
    assert describe(entry) == "removed a former member (Participant)"


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.PARTICIPANT])
def test_only_stewards_manage_members_or_read_the_audit(client, workspace, participant, role):
    member = make_member(workspace, role)
    client.force_login(member.user)
    for name, args in (("members", [workspace.slug]), ("audit", [workspace.slug]),
                       ("remove-member", [workspace.slug, participant.pk])):  # fmt: skip
        assert client.get(reverse(name, args=args)).status_code == 403
    assert (
        client.post(reverse("members", args=[workspace.slug]), {"member": member.pk, "role": "steward"}).status_code
        == 403
    )
    assert client.post(reverse("remove-member", args=[workspace.slug, participant.pk])).status_code == 403
    member.refresh_from_db()
    assert member.role == role and Membership.objects.filter(pk=participant.pk).exists()
    client.force_login(make_user())
    assert client.get(reverse("members", args=[workspace.slug])).status_code == 404


def test_a_member_of_another_workspace_cannot_be_touched(client, workspace, steward):
    from tests.factories import make_workspace

    stranger = make_member(make_workspace(), Role.PARTICIPANT)
    client.force_login(steward.user)
    assert client.get(reverse("remove-member", args=[workspace.slug, stranger.pk])).status_code == 404
    assert (
        client.post(reverse("members", args=[workspace.slug]), {"member": stranger.pk, "role": "steward"}).status_code
        == 404
    )
    stranger.refresh_from_db()
    assert stranger.role == Role.PARTICIPANT


def test_the_audit_trail_records_rounds_without_voters_and_exports_csv(
    client, workspace, steward, facilitator, participant
):
    board = Board.objects.get(workspace=workspace, kind="vision")
    card = make_card(board, participant)
    round_ = make_round(board, facilitator, anonymous=True)
    voting_actions.place_dot(round_=round_, voter=participant, card_id=card.pk)
    voting_actions.close_round(round_=round_, by=facilitator)
    board_actions.update_board(board=board, by=facilitator, state="locked")
    verbs = list(AuditEntry.objects.filter(workspace=workspace).values_list("verb", flat=True))
    assert {"round.created", "round.opened", "round.closed", "board.updated"} <= set(verbs)
    rounds = AuditEntry.objects.filter(workspace=workspace, verb__startswith="round.")
    everything = " ".join(str(e.details) + e.actor_name + e.target_label for e in rounds)
    assert participant.display_name not in everything  # the voter is nowhere in the round's entries
    client.force_login(steward.user)
    page = client.get(reverse("audit", args=[workspace.slug]), {"kind": "round"}).text
    assert "round.closed" in page and "board.updated" not in page
    response = client.get(reverse("audit", args=[workspace.slug]), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["time (UTC)", "who", "what"]
    assert {row[2] for row in rows[1:]} >= {"round.opened", "board.updated"}


def test_invitations_and_joins_are_audited(client, workspace, steward):
    invitation = actions.create_invitation(workspace=workspace, by=steward)
    user = make_user()
    membership, _created = actions.accept_invitation(token=invitation.token, user=user, display_name="Айгуль")
    actions.revoke_invitation(invitation=invitation, by=steward)
    entries = {e.verb: e for e in AuditEntry.objects.filter(workspace=workspace)}
    assert entries["member.joined"].actor == membership and entries["member.joined"].details["role"] == "participant"
    assert entries["invitation.created"].actor == steward and "invitation.revoked" in entries


def test_the_steward_reading_the_members_page_is_here_now(client, workspace, steward, participant):
    """The steward using the members page sees themselves "Here now", not "Not yet"."""
    client.force_login(steward.user)
    page = client.get(reverse("members", args=[workspace.slug])).text
    own_row = page.split(f'data-member="{steward.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "Here now" in own_row and "Not yet" not in own_row
