"""The fishbowl's rules: seats fill in the order hands were raised, nobody holds two places,
leaving or declining passes the seat on, and only facilitators override."""

import pytest

from facilitation import actions
from facilitation.errors import FacilitationError
from facilitation.models import Speaker
from facilitation.selectors import fishbowl_state
from tests.factories import make_member
from workspace.errors import WorkspaceError
from workspace.roles import Role


@pytest.fixture
def hands(workspace):
    """Eight participants, in the order they will raise their hands."""
    return [make_member(workspace, country=("KG", "KZ", "AF", "UZ")[n % 4]) for n in range(8)]


def ids(rows):
    return [row["member"] for row in rows]


def test_five_seats_and_eight_hands_fill_in_queue_order(workspace, hands):
    """With 5 seats and 8 raised hands, the first 5 are offered seats and 3 wait, in order."""
    for member in hands:
        state = actions.raise_hand(member=member)
    assert state["seats"] == 5
    assert ids(state["offered"]) == [m.pk for m in hands[:5]]
    assert ids(state["queue"]) == [m.pk for m in hands[5:]]
    assert state["seated"] == []


def test_leaving_frees_the_seat_for_the_next_in_the_queue(workspace, hands):
    """A speaker who leaves the bowl frees a seat; it is offered to the first still waiting."""
    for member in hands:
        actions.raise_hand(member=member)
    for member in hands[:5]:
        actions.accept_seat(member=member)
    state = actions.leave_bowl(member=hands[2])
    assert ids(state["seated"]) == [m.pk for n, m in enumerate(hands[:5]) if n != 2]
    assert ids(state["offered"]) == [hands[5].pk]
    assert ids(state["queue"]) == [hands[6].pk, hands[7].pk]


def test_declining_passes_the_seat_on_and_lowers_the_hand(workspace, hands):
    """Declining an offered seat takes you out of the queue; the next person is offered the seat."""
    for member in hands[:6]:
        actions.raise_hand(member=member)
    state = actions.decline_seat(member=hands[0])
    assert hands[0].pk not in ids(state["offered"] + state["queue"] + state["seated"])
    assert ids(state["offered"]) == [m.pk for m in hands[1:6]]


def test_a_raised_hand_goes_to_the_end_again_after_lowering_it(workspace, hands):
    """Lowering and raising again puts you at the end of the queue: the order is the order of hands."""
    actions.set_seats(by=make_member(workspace, Role.FACILITATOR), seats=1)
    for member in hands[:4]:
        actions.raise_hand(member=member)
    actions.lower_hand(member=hands[1])
    state = actions.raise_hand(member=hands[1])
    assert ids(state["offered"]) == [hands[0].pk]
    assert ids(state["queue"]) == [hands[2].pk, hands[3].pk, hands[1].pk]


@pytest.mark.parametrize("step", ["queued", "offered", "seated"])
def test_nobody_holds_two_places(workspace, hands, step):
    """Raising a hand while already waiting, offered a seat or seated is refused with a clear message."""
    actions.set_seats(by=make_member(workspace, Role.FACILITATOR), seats=1)
    actions.raise_hand(member=hands[0])
    if step == "seated":
        actions.accept_seat(member=hands[0])
    if step == "queued":
        actions.raise_hand(member=hands[1])
    member = hands[1] if step == "queued" else hands[0]
    with pytest.raises(FacilitationError) as refused:
        actions.raise_hand(member=member)
    assert refused.value.kind == FacilitationError.CONFLICT
    assert Speaker.objects.filter(membership=member).count() == 1


def test_steps_out_of_turn_are_refused(workspace, hands):
    """Taking a seat nobody offered, or leaving a bowl you are not in, is a 409 with a message."""
    actions.set_seats(by=make_member(workspace, Role.FACILITATOR), seats=1)
    actions.raise_hand(member=hands[0])
    actions.raise_hand(member=hands[1])
    for step in (actions.accept_seat, actions.decline_seat, actions.leave_bowl):
        with pytest.raises(FacilitationError):
            step(member=hands[1])
    with pytest.raises(FacilitationError):
        actions.lower_hand(member=hands[2])


def test_facilitator_moves_people_in_and_out(workspace, hands, facilitator):
    """A facilitator seats someone from the queue when a seat is free, and takes a speaker out."""
    actions.set_seats(by=facilitator, seats=2)
    for member in hands[:4]:
        actions.raise_hand(member=member)
    actions.accept_seat(member=hands[0])
    with pytest.raises(FacilitationError, match="Every seat is taken"):
        actions.seat_speaker(by=facilitator, member_id=hands[3].pk)
    state = actions.unseat_speaker(by=facilitator, member_id=hands[0].pk)
    assert ids(state["offered"]) == [hands[1].pk, hands[2].pk]
    state = actions.unseat_speaker(by=facilitator, member_id=hands[2].pk)  # withdraws an offer
    assert ids(state["offered"]) == [hands[1].pk, hands[3].pk]
    actions.unseat_speaker(by=facilitator, member_id=hands[3].pk)
    state = actions.seat_speaker(by=facilitator, member_id=hands[5].pk)  # never raised a hand
    assert ids(state["seated"]) == [hands[5].pk]
    assert ids(state["offered"]) == [hands[1].pk]


def test_the_person_offered_a_seat_can_be_moved_in_by_a_facilitator(workspace, hands, facilitator):
    """The seat held by an offer is the one a facilitator may give its holder."""
    actions.set_seats(by=facilitator, seats=1)
    actions.raise_hand(member=hands[0])
    state = actions.seat_speaker(by=facilitator, member_id=hands[0].pk)
    assert ids(state["seated"]) == [hands[0].pk]


def test_fewer_seats_never_unseat_a_speaker(workspace, hands, facilitator):
    """Removing seats withdraws the latest offers (back to the queue, in place) but not a speaker's seat."""
    for member in hands[:6]:
        actions.raise_hand(member=member)
    for member in hands[:2]:
        actions.accept_seat(member=member)
    with pytest.raises(FacilitationError):
        actions.set_seats(by=facilitator, seats=1)
    state = actions.set_seats(by=facilitator, seats=3)
    assert ids(state["seated"]) == [hands[0].pk, hands[1].pk]
    assert ids(state["offered"]) == [hands[2].pk]
    assert ids(state["queue"]) == [m.pk for m in hands[3:6]]
    state = actions.set_seats(by=facilitator, seats=5)
    assert ids(state["offered"]) == [m.pk for m in hands[2:5]]


@pytest.mark.parametrize("seats", [0, 13, "5", True])
def test_seats_out_of_range_are_refused(workspace, facilitator, seats):
    with pytest.raises(FacilitationError):
        actions.set_seats(by=facilitator, seats=seats)
    assert fishbowl_state(workspace)["seats"] == 5


def test_only_facilitators_override(workspace, hands):
    """A participant cannot set seats or move others in or out."""
    actions.raise_hand(member=hands[1])
    for override in (
        lambda: actions.set_seats(by=hands[0], seats=3),
        lambda: actions.seat_speaker(by=hands[0], member_id=hands[2].pk),
        lambda: actions.unseat_speaker(by=hands[0], member_id=hands[1].pk),
    ):
        with pytest.raises(WorkspaceError) as refused:
            override()
        assert refused.value.kind == WorkspaceError.FORBIDDEN
    assert ids(fishbowl_state(workspace)["offered"]) == [hands[1].pk]


def test_members_of_another_workspace_cannot_be_moved_in(workspace, facilitator, db):
    from tests.factories import make_workspace

    stranger = make_member(make_workspace())
    with pytest.raises(FacilitationError) as refused:
        actions.seat_speaker(by=facilitator, member_id=stranger.pk)
    assert refused.value.kind == FacilitationError.NOT_FOUND


def test_every_change_is_a_room_event_in_order(workspace, hands, room_events):
    """Each step publishes fishbowl.updated with the whole fishbowl and the next workspace seq."""
    with room_events(workspace) as frames:
        actions.raise_hand(member=hands[0])
        actions.accept_seat(member=hands[0])
        actions.leave_bowl(member=hands[0])
    assert [f["type"] for f in frames] == ["fishbowl.updated"] * 3
    assert [f["seq"] for f in frames] == [1, 2, 3]
    assert [f["change"] for f in frames] == ["hand_raised", "seat_taken", "left_bowl"]
    assert frames[1]["fishbowl"]["seated"][0]["display_name"] == hands[0].display_name
    assert frames[1]["fishbowl"]["seated"][0]["country"] == "KG"


def test_a_refused_step_publishes_nothing(workspace, hands, room_events):
    with room_events(workspace) as frames, pytest.raises(FacilitationError):
        actions.leave_bowl(member=hands[0])
    assert frames == []


def test_a_removed_member_frees_their_seat_for_the_next(workspace, hands, steward, room_events):
    """A steward removes someone in the bowl: the seat goes to the next in the queue, and everyone sees it."""
    from workspace import actions as workspace_actions

    actions.set_seats(by=steward, seats=1)
    actions.raise_hand(member=hands[0])
    actions.accept_seat(member=hands[0])
    actions.raise_hand(member=hands[1])
    with room_events(workspace) as frames:
        workspace_actions.remove_member(membership=hands[0], by=steward)
    assert frames[-1]["change"] == "member_removed"
    assert frames[-1]["fishbowl"]["seated"] == []
    assert ids(frames[-1]["fishbowl"]["offered"]) == [hands[1].pk]


def test_a_seat_offered_and_not_taken_goes_to_the_next(workspace, hands, room_events):
    """Two minutes after a seat was offered and not taken, the hand is lowered and the next in the
    queue is offered the seat (before, an offer never ran out and the seat stayed empty)."""
    from datetime import timedelta

    from django.utils import timezone

    for member in hands:
        actions.raise_hand(member=member)
    Speaker.objects.filter(membership=hands[0]).update(offered_at=timezone.now() - timedelta(seconds=121))
    Speaker.objects.filter(membership=hands[1]).update(offered_at=timezone.now() - timedelta(seconds=60))
    with room_events(workspace) as frames:
        assert actions.expire_offers() == [workspace.pk]
    state = fishbowl_state(workspace)
    assert hands[0].pk not in ids(state["offered"] + state["queue"] + state["seated"])
    assert hands[1].pk in ids(state["offered"])  # offered a minute ago: still theirs
    assert hands[5].pk in ids(state["offered"])  # the freed seat went to the first waiting
    assert [(f["type"], f["change"]) for f in frames] == [("fishbowl.updated", "offer_lapsed")]
    assert actions.expire_offers() == []  # nothing lapsed twice
