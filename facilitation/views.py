"""The facilitators' console and the fishbowl page. Both draw from the room's live state
(``static/js/room.js``) and act through the facilitation, workspace and voting APIs."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from facilitation.models import SEATS_MAX, Notice
from facilitation.selectors import console_state
from voting.models import BUDGET_MAX
from workspace.access import access_workspace
from workspace.models import NOT_HELD_AFTER
from workspace.roles import can
from workspace.selectors import workspace_members
from workspace.views import member_page, workspace_context


def console_strings() -> dict:
    return {
        "states": {"open": _("Open"), "voting": _("Voting"), "locked": _("Locked")},
        "session_states": {"upcoming": _("Upcoming"), "live": pgettext("session", "Live"), "ended": _("Ended")},
        "not_held": _("Not held"),
        "not_held_after_s": int(NOT_HELD_AFTER.total_seconds()),
        "here": _("Here now"),
        "nobody": _("Nobody is on this board."),
        "new_cards": _("New cards"),
        "new_comments": _("New comments"),
        "lock": _("Lock"),
        "unlock": _("Unlock"),
        "summon": _("Bring everyone here"),
        "summoned": _("Everyone was asked to come to “%(board)s”."),
        "open_round": _("Open a round"),
        "no_round": _("No round is open."),
        "voted": _("%(voters)s of %(eligible)s have voted"),
        "time_left": _("%(time)s left"),
        "no_timer": _("No timer"),
        "time_up": _("Time is up"),
        "extend_round": _("+2 minutes"),
        "close_round": _("Close the round"),
        "confirm_close_round": _("Close this round now? Dots placed so far are final."),
        "confirm_end": _("End this session now?"),
        "started_planned": _("Started %(started)s (planned %(planned)s)"),
        "ran": _("Ran %(started)s–%(ended)s (planned %(planned)s)"),
        "sent": _("Sent to everyone."),
        "since": _("New since %(time)s"),
        "summon_line": _("Everyone to “%(board)s”"),
        "withdraw": _("Withdraw"),
        "withdrawn": _("Withdrawn"),
        "confirm_withdraw": _("Take this back from every page?"),
        "seats_taken": _("%(taken)s of %(seats)s seats taken"),
        "waiting": _("%(count)s waiting"),
    }


def fishbowl_strings() -> dict:
    return {
        "empty_seat": _("Free seat"),
        "offered_to": _("Offered to %(name)s"),
        "you": _("you"),
        "queue_empty": _("Nobody is waiting. Raise your hand to speak."),
        "raise_hand": _("Raise my hand"),
        "lower_hand": _("Lower my hand"),
        "take_seat": _("Take the seat"),
        "decline": _("Decline"),
        "leave": _("Leave the bowl"),
        "move_in": _("Move into the bowl"),
        "move_out": _("Move out"),
        "status_none": _("Raise your hand to join the queue for a seat."),
        "status_queued": _("Your hand is raised: you are number %(position)s in the queue."),
        "status_offered": _("A seat is free for you. Take it, or decline to let the next person speak."),
        "status_seated": _("You are in the bowl. Leave it when you have spoken, to free the seat."),
        "seats_taken": _("%(taken)s of %(seats)s seats taken"),
        "waiting": _("%(count)s waiting"),
    }


@member_page
def console_page(request, slug):
    membership = access_workspace(request.user, slug)
    if not can(membership.role, "facilitate"):
        raise PermissionDenied(_("Only facilitators and stewards can use the console."))
    workspace = membership.workspace
    context = workspace_context(
        request,
        membership,
        console=console_state(workspace),
        history=Notice.objects.filter(workspace=workspace).select_related("author", "board"),
        sessions=list(workspace.agenda.all()),
        strings=console_strings(),
        notice_max=Notice.TEXT_MAX,
        dots_max=BUDGET_MAX,
    )
    return render(request, "facilitation/console.html", context)


@member_page
def fishbowl_page(request, slug):
    membership = access_workspace(request.user, slug)
    facilitator = can(membership.role, "facilitate")
    members = [{"id": m.pk, "display_name": m.display_name} for m in workspace_members(membership.workspace)]
    viewer = {"member": membership.pk, "facilitator": facilitator, "members": members if facilitator else []}
    context = workspace_context(
        request,
        membership,
        strings=fishbowl_strings(),
        fishbowl_viewer=viewer,
        seats_max=SEATS_MAX,
    )
    return render(request, "facilitation/fishbowl.html", context)
