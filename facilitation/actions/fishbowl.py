"""The fishbowl: a few seats "in the bowl" for the people speaking, and a queue of raised hands.

A participant raises a hand and waits in the order hands were raised (a ticket number, kept in the
database, so a reload or a lost connection keeps one's place). When a seat is free, the first in
the queue is offered it and takes it or declines (declining lowers the hand; the next is offered
the seat). A speaker leaves the bowl to free the seat. Facilitators set the number of seats and
move people in and out.

Seats offered count as taken: seated + offered never exceeds the seats. Every action holds the
workspace row locked, so two requests never both see the last seat free; one row per person
(a unique constraint) means nobody holds two seats or two places.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from facilitation.actions.common import locked_workspace
from facilitation.errors import FacilitationError
from facilitation.models import SEATS_MAX, Fishbowl, Speaker, SpeakerState
from facilitation.selectors import fishbowl_state
from workspace.events import record_workspace_event
from workspace.models import Membership, Workspace
from workspace.ratelimit import check_rate
from workspace.roles import require
from workspace.transactions import write_transaction

TAKEN = (SpeakerState.SEATED, SpeakerState.OFFERED)
# A seat offered and not taken within this long goes to the next in the queue (the one it was
# offered to has stepped away: their hand is lowered, and they raise it again when back).
OFFER_SECONDS = 120


def _conflict(message) -> FacilitationError:
    return FacilitationError(message, kind=FacilitationError.CONFLICT)


def _locked(workspace: Workspace) -> tuple[Workspace, Fishbowl]:
    workspace = locked_workspace(workspace.pk)
    fishbowl, _created = Fishbowl.objects.get_or_create(workspace=workspace)
    return workspace, fishbowl


def _fill(fishbowl: Fishbowl) -> None:
    """Offer every free seat to the next in the queue, in ticket order."""
    free = fishbowl.seats - Speaker.objects.filter(fishbowl=fishbowl, state__in=TAKEN).count()
    if free <= 0:
        return
    waiting = list(Speaker.objects.filter(fishbowl=fishbowl, state=SpeakerState.QUEUED).order_by("ticket")[:free])
    now = timezone.now()
    for speaker in waiting:
        speaker.state, speaker.offered_at = SpeakerState.OFFERED, now
        speaker.save(update_fields=["state", "offered_at"])


def _announce(
    workspace: Workspace, fishbowl: Fishbowl, by: Membership | None, change: str, member: Membership
) -> dict:
    _fill(fishbowl)
    state = fishbowl_state(workspace)
    record_workspace_event(
        workspace=workspace,
        type="fishbowl.updated",
        payload={"fishbowl": state, "change": change, "member": member.pk},
        actor=by.user if by else None,
    )
    return state


def expire_offers() -> list[int]:
    """Give every seat offered more than ``OFFER_SECONDS`` ago and not taken to the next in the
    queue (the hand of the one it was offered to is lowered). Each server process runs this on the
    batcher's tick (``boards.timers``); the workspace's lock makes each lapse happen once.
    Returns the workspaces whose fishbowl changed."""
    cutoff = timezone.now() - timedelta(seconds=OFFER_SECONDS)
    lapsed = Speaker.objects.filter(state=SpeakerState.OFFERED, offered_at__lte=cutoff)
    changed = []
    for workspace_id in sorted(set(lapsed.values_list("fishbowl__workspace_id", flat=True))):
        with write_transaction():
            workspace, fishbowl = _locked(Workspace(pk=workspace_id))
            places = list(lapsed.filter(fishbowl=fishbowl).select_related("membership"))
            if not places:
                continue  # taken, declined or lapsed in another process meanwhile
            for place in places:
                place.delete()
            _announce(workspace, fishbowl, None, "offer_lapsed", places[0].membership)
        changed.append(workspace_id)
    return changed


def _own_place(fishbowl: Fishbowl, member: Membership) -> Speaker | None:
    return Speaker.objects.filter(fishbowl=fishbowl, membership=member).first()


def raise_hand(*, member: Membership) -> dict:
    """Join the end of the queue (offered a seat at once if one is free)."""
    check_rate("fishbowl", member.pk)
    require(member, "view_workspace")
    with write_transaction():
        workspace, fishbowl = _locked(member.workspace)
        place = _own_place(fishbowl, member)
        if place is not None:
            raise _conflict(
                {
                    SpeakerState.QUEUED: _("Your hand is already raised."),
                    SpeakerState.OFFERED: _("A seat is waiting for you: take it or decline it."),
                    SpeakerState.SEATED: _("You are already in the bowl."),
                }[place.state]
            )
        Fishbowl.objects.filter(pk=fishbowl.pk).update(last_ticket=fishbowl.last_ticket + 1)
        Speaker.objects.create(fishbowl=fishbowl, membership=member, ticket=fishbowl.last_ticket + 1)
        return _announce(workspace, fishbowl, member, "hand_raised", member)


def _own_step(member: Membership, *, allowed: tuple, refusal, change: str, step) -> dict:
    """One of a member's own steps on their place, if it is in one of the ``allowed`` states."""
    check_rate("fishbowl", member.pk)
    with write_transaction():
        workspace, fishbowl = _locked(member.workspace)
        place = _own_place(fishbowl, member)
        if place is None or place.state not in allowed:
            raise _conflict(refusal)
        step(place)
        return _announce(workspace, fishbowl, member, change, member)


def _take_seat(place: Speaker) -> None:
    place.state, place.seated_at = SpeakerState.SEATED, timezone.now()
    place.save(update_fields=["state", "seated_at"])


def lower_hand(*, member: Membership) -> dict:
    """Leave the queue (or give back a seat offered and not yet taken)."""
    waiting = (SpeakerState.QUEUED, SpeakerState.OFFERED)
    return _own_step(
        member, allowed=waiting, refusal=_("Your hand is not raised."), change="hand_lowered", step=Speaker.delete
    )


def accept_seat(*, member: Membership) -> dict:
    """Take the seat offered to you."""
    offered = (SpeakerState.OFFERED,)
    return _own_step(
        member, allowed=offered, refusal=_("No seat is offered to you now."), change="seat_taken", step=_take_seat
    )


def decline_seat(*, member: Membership) -> dict:
    """Decline the seat offered to you: your hand is lowered and the next in the queue is offered it."""
    offered = (SpeakerState.OFFERED,)
    return _own_step(
        member,
        allowed=offered,
        refusal=_("No seat is offered to you now."),
        change="seat_declined",
        step=Speaker.delete,
    )


def leave_bowl(*, member: Membership) -> dict:
    """A speaker leaves the bowl; the seat is offered to the next in the queue."""
    seated = (SpeakerState.SEATED,)
    return _own_step(
        member, allowed=seated, refusal=_("You are not in the bowl."), change="left_bowl", step=Speaker.delete
    )


def _target(workspace: Workspace, member_id) -> Membership:
    target = Membership.objects.filter(workspace=workspace, pk=member_id).first()
    if target is None:
        raise FacilitationError.not_found(_("No such member."))
    return target


def seat_speaker(*, by: Membership, member_id: int) -> dict:
    """A facilitator moves someone into the bowl (from the queue, or straight in) if a seat is free."""
    require(by, "facilitate")
    with write_transaction():
        workspace, fishbowl = _locked(by.workspace)
        target = _target(workspace, member_id)
        place = _own_place(fishbowl, target)
        if place is not None and place.state == SpeakerState.SEATED:
            raise _conflict(_("%(name)s is already in the bowl.") % {"name": target.display_name})
        taken = Speaker.objects.filter(fishbowl=fishbowl, state__in=TAKEN).count()
        holds_offer = place is not None and place.state == SpeakerState.OFFERED
        if taken - holds_offer >= fishbowl.seats:
            raise _conflict(_("Every seat is taken: move someone out of the bowl first."))
        now = timezone.now()
        if place is None:
            Fishbowl.objects.filter(pk=fishbowl.pk).update(last_ticket=fishbowl.last_ticket + 1)
            place = Speaker(fishbowl=fishbowl, membership=target, ticket=fishbowl.last_ticket + 1, raised_at=now)
        place.state, place.seated_at = SpeakerState.SEATED, now
        place.save()
        return _announce(workspace, fishbowl, by, "moved_in", target)


def unseat_speaker(*, by: Membership, member_id: int) -> dict:
    """A facilitator takes someone out of the bowl, withdraws their offer, or lowers their hand."""
    require(by, "facilitate")
    with write_transaction():
        workspace, fishbowl = _locked(by.workspace)
        target = _target(workspace, member_id)
        place = _own_place(fishbowl, target)
        if place is None:
            raise _conflict(_("%(name)s is neither in the bowl nor in the queue.") % {"name": target.display_name})
        place.delete()
        return _announce(workspace, fishbowl, by, "moved_out", target)


def set_seats(*, by: Membership, seats: int) -> dict:
    """A facilitator sets how many seats the bowl has; fewer than are taken withdraws offers (those
    people go back to their place in the queue), but never takes a seat from a speaker."""
    require(by, "facilitate")
    if isinstance(seats, bool) or not isinstance(seats, int) or not 1 <= seats <= SEATS_MAX:
        raise FacilitationError(_("A fishbowl has 1 to %(max)d seats.") % {"max": SEATS_MAX})
    with write_transaction():
        workspace, fishbowl = _locked(by.workspace)
        seated = Speaker.objects.filter(fishbowl=fishbowl, state=SpeakerState.SEATED).count()
        if seats < seated:
            raise _conflict(
                _("%(count)d people are in the bowl: move some out before removing their seats.") % {"count": seated}
            )
        offered = list(Speaker.objects.filter(fishbowl=fishbowl, state=SpeakerState.OFFERED).order_by("-ticket"))
        for speaker in offered[: max(0, seated + len(offered) - seats)]:  # the latest offers go back first
            speaker.state, speaker.offered_at = SpeakerState.QUEUED, None
            speaker.save(update_fields=["state", "offered_at"])
        fishbowl.seats = seats
        fishbowl.save(update_fields=["seats"])
        return _announce(workspace, fishbowl, by, "seats_set", by)


def release_removed_member(membership: Membership, by: Membership) -> None:
    """A member removed from the workspace loses their place; a seat they held goes to the next."""
    with write_transaction():
        workspace = locked_workspace(membership.workspace_id)
        place = Speaker.objects.filter(fishbowl__workspace=workspace, membership=membership).first()
        if place is None:
            return
        fishbowl = place.fishbowl
        place.delete()
        _announce(workspace, fishbowl, by, "member_removed", membership)
