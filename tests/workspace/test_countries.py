"""A member's country in counts is the one a steward set or confirmed; what members give themselves
is a request a steward confirms on the members page, never during an open round (issue 32, 6a)."""

import pytest
from django.urls import reverse

from boards import actions as board_actions
from boards.models import Board
from tests.factories import make_invitation, make_member, make_round, make_user
from voting import actions as voting
from voting.models import Dot
from voting.selectors import eligible_voters
from workspace import actions
from workspace.audit import describe
from workspace.errors import WorkspaceError
from workspace.models import AuditEntry, Membership

pytestmark = pytest.mark.django_db


def test_a_personal_invitation_gives_its_country_a_link_for_many_only_suggests_it(workspace, steward):
    """An invitation for one person carries the country a steward gave; through a link for many,
    the same country is a request (anyone holding the link, twice over, would get it)."""
    personal = make_invitation(workspace, by=steward, country="TJ")
    one, _ = actions.accept_invitation(token=personal.token, user=make_user(), display_name="Firuz")
    link = make_invitation(workspace, by=steward, country="TJ", max_uses=20)
    many, _ = actions.accept_invitation(token=link.token, user=make_user(), display_name="Someone")
    assert (one.country.code, one.country_requested_at) == ("TJ", None)
    assert (many.country.code, many.requested_country.code) == ("", "TJ")


def test_a_country_chosen_on_the_join_form_is_a_request(workspace, steward):
    """Choosing another country than the invitation's leaves the steward's, with a request."""
    personal = make_invitation(workspace, by=steward, country="KG")
    member, _ = actions.accept_invitation(token=personal.token, user=make_user(), display_name="A", country="TM")
    assert (member.country.code, member.requested_country.code) == ("KG", "TM")
    entry = AuditEntry.objects.get(verb="member.country_requested")
    assert entry.actor == member and describe(entry) == "asked to be counted under Turkmenistan"


def test_a_change_in_the_settings_waits_and_the_page_says_so(client, workspace, participant):
    """/preferences/: the new country is a request; counts, cards and dots keep the confirmed one,
    and the member reads "Kyrgyzstan — waiting for a steward to confirm"."""
    client.force_login(participant.user)
    response = client.post(
        reverse("preferences"),
        {"do": "membership", "membership": participant.pk, "display_name": participant.display_name, "country": "KG"},
        follow=True,
    )
    participant.refresh_from_db()
    assert (participant.country.code, participant.requested_country.code) == ("AF", "KG")
    assert "Kyrgyzstan — waiting for a steward to confirm." in response.text
    assert "Until then, votes count you under Afghanistan." in response.text
    assert 'value="KG" selected' in response.text


def test_giving_the_confirmed_country_again_withdraws_the_request(participant):
    actions.update_my_membership(membership=participant, country="TM")
    member = actions.update_my_membership(membership=Membership.objects.get(pk=participant.pk), country="AF")
    member.refresh_from_db()
    assert (member.country.code, member.country_requested_at) == ("AF", None)


def test_a_steward_confirms_or_declines_on_the_members_page(client, workspace, steward, participant):
    """Pending requests are listed; confirming moves the member, declining keeps them; both audited."""
    other = make_member(workspace, country="KZ", display_name="Dias")
    actions.update_my_membership(membership=participant, country="KG")
    actions.update_my_membership(membership=other, country="")
    client.force_login(steward.user)
    page = client.get(reverse("members", args=[workspace.slug])).text
    assert "Countries waiting for a steward" in page and 'value="confirm_country"' in page
    url = reverse("members", args=[workspace.slug])
    response = client.post(url, {"member": participant.pk, "do": "confirm_country"}, follow=True)
    assert f"{participant.display_name} is counted under Kyrgyzstan." in response.text
    client.post(url, {"member": other.pk, "do": "decline_country"})
    participant.refresh_from_db()
    other.refresh_from_db()
    assert (participant.country.code, participant.country_requested_at) == ("KG", None)
    assert (other.country.code, other.country_requested_at) == ("KZ", None)
    sentences = [describe(e) for e in AuditEntry.objects.filter(verb__startswith="member.country_").order_by("pk")]
    assert sentences[-2:] == [
        f"confirmed that {participant.display_name} is counted under Kyrgyzstan",
        "declined the request of Dias to be counted under no country",
    ]
    assert "Countries waiting for a steward" not in client.get(url).text


def test_a_steward_sets_a_country_on_the_members_page(client, workspace, steward, participant):
    client.force_login(steward.user)
    client.post(reverse("members", args=[workspace.slug]), {"member": participant.pk, "do": "set_country",
                                                            "country": "uz"})  # fmt: skip
    participant.refresh_from_db()
    assert participant.country.code == "UZ"
    assert AuditEntry.objects.filter(verb="member.country_set", target_id=participant.pk).exists()


def test_no_confirmation_during_an_open_round(client, workspace, steward, facilitator, participant):
    """While a round is open, a confirmation is refused with a reason and the request stays; once
    the round has closed it goes through. Dots placed meanwhile keep the confirmed country."""
    board = Board.objects.get(workspace=workspace, kind="mission")
    card = board_actions.create_card(board=board, by=facilitator, body="Water")
    round_ = make_round(board, facilitator)
    actions.update_my_membership(membership=participant, country="TM")
    with pytest.raises(WorkspaceError) as refused:
        actions.confirm_country_request(membership=participant, by=steward)
    assert refused.value.kind == WorkspaceError.CONFLICT and "Mission" in refused.value.message
    with pytest.raises(WorkspaceError):
        actions.set_member_country(membership=participant, by=steward, country="TM")
    client.force_login(steward.user)
    page = client.post(reverse("members", args=[workspace.slug]), {"member": participant.pk, "do": "confirm_country"},
                       follow=True).text  # fmt: skip
    assert "A member&#x27;s country changes only between rounds" in page
    voting.place_dot(round_=round_, voter=Membership.objects.get(pk=participant.pk), card_id=card.pk)
    assert Dot.objects.get(round=round_).country == "AF"
    assert not eligible_voters(round_).filter(country="TM").exists()
    participant.refresh_from_db()
    assert participant.requested_country.code == "TM"
    voting.close_round(round_=round_, by=facilitator)
    assert actions.confirm_country_request(membership=participant, by=steward).country.code == "TM"


def test_only_stewards_settle_countries(workspace, facilitator, participant):
    actions.update_my_membership(membership=participant, country="TM")
    with pytest.raises(WorkspaceError):
        actions.confirm_country_request(membership=participant, by=facilitator)
    participant.refresh_from_db()
    assert participant.country.code == "AF"


def test_members_added_by_an_operator_or_the_factories_are_confirmed(workspace):
    """``add_member`` (the demo seed, the factories) gives a confirmed country."""
    member = make_member(workspace, country="KG")
    assert (member.country.code, member.country_requested_at) == ("KG", None)
