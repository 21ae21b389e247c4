"""The pages around the boards: home (the workspaces one belongs to), a workspace's front page with its
boards and agenda, and the board page with the strings its scripts need."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from boards.access import access_board
from boards.models import Card, Comment
from boards.selectors import board_panels, board_state
from workspace.access import access_workspace
from workspace.models import Membership
from workspace.roles import capability_flags
from workspace.selectors import agenda_for_viewer, members_by_country
from workspace.views import member_page, viewer_zone, workspace_context
from workspace.zones import zone_name


@login_required
def home(request):
    memberships = list(
        Membership.objects.filter(user=request.user).select_related("workspace").order_by("workspace__name")
    )
    if len(memberships) == 1:
        return redirect("workspace", slug=memberships[0].workspace.slug)
    return render(request, "workspace/index.html", {"memberships": memberships})


@member_page
def workspace_home(request, slug):
    membership = access_workspace(request.user, slug)
    workspace = membership.workspace
    zone = viewer_zone(request, workspace)
    context = workspace_context(
        request,
        membership,
        agenda=agenda_for_viewer(workspace, zone),
        viewer_zone=zone,
        viewer_zone_name=zone_name(zone.key),
        country_groups=members_by_country(workspace),
    )
    return render(request, "workspace/home.html", context)


def board_strings() -> dict:
    """Words the board's script shows, translated on the server like every other string."""
    return {
        "live": pgettext("connection status", "Live"),
        "connecting": _("Connecting…"),
        "reconnecting": _("Reconnecting…"),
        # On a phone only the state shows beside the title (the detail is read out, not shown):
        # the header keeps its height when the connection drops.
        "offline": pgettext("connection status", "Offline"),
        "offline_detail": _("your text is kept"),
        "here_now": _("Here now"),
        "here_count": _("%(count)s here"),
        "more_people": _("+%(count)s more"),
        "former_member": _("A former member"),
        "edited": _("edited"),
        "edit": _("Edit"),
        "save": _("Save"),
        "cancel": _("Cancel"),
        "delete": _("Delete"),
        "confirm_delete_card": _("Remove this card and its comments from the board?"),
        "confirm_delete_comment": _("Remove your comment? Replies to it stay."),
        "reply": _("Reply"),
        "send_reply": _("Send reply"),
        "comment": _("Comment"),
        "write_comment": _("Write a comment"),
        "write_reply": _("Write a reply"),
        "comments_one": _("1 comment"),
        "comments_many": _("%(count)s comments"),
        "no_comments": _("No comments yet"),
        "removed_comment": _("This comment was removed by its author."),
        "hidden_comment": _("Hidden by a facilitator: %(reason)s"),
        "hide": _("Hide"),
        "hide_reason": _("Why is it hidden? Everyone will see this."),
        "status": _("Status"),
        "group": _("Group"),
        "statuses": {"proposed": _("Proposed"), "adopted": _("Adopted"), "archived": _("Archived")},
        "states": {"open": _("Open"), "voting": _("Voting"), "locked": _("Locked")},
        "new_card": _("New card by %(name)s"),
        "new_comment": _("New comment by %(name)s"),
        "not_sent": _("Not sent: the connection is down. Your text is kept; try again when you are back online."),
        "queued": _("Not sent yet: the connection is down. It will be sent by itself once the connection is back."),
        "no_cards": _("No cards yet. Be the first to post an idea."),
        "closed_locked": _("This board is locked: nothing can be posted until a facilitator unlocks it."),
        "closed_voting": _("A voting round is running: cards cannot change until it closes. You can still comment."),
        "draft_label": _("Shared draft of this board (markdown)"),
        "draft_placeholder": _("Write the board's text together here…"),
        "draft_read_only_locked": _("The board is locked: the draft is read-only."),
        "draft_read_only_voting": _("A round is running: the draft is read-only until it closes."),
        "draft_refused": _("Not saved: %(reason)s"),
        "revision_automatic": _("automatic"),
        "revision_view": _("View"),
        "revision_compare": _("Compare with the one before"),
        "revision_restore": _("Restore"),
        "revision_restore_confirm": _("Bring this revision's text back? It becomes a new edit; nothing is lost."),
        "revision_editors": _("Edited by"),
        "no_revisions": _("No revisions yet."),
    }


@member_page
def board_page(request, slug, board_id):
    board, membership = access_board(request.user, board_id)
    if board.workspace.slug != slug:
        raise Http404(_("No such board."))
    viewer = {"member": membership.pk, **capability_flags(membership.role)}
    context = workspace_context(
        request,
        membership,
        board=board,
        board_state=board_state(board),
        viewer=viewer,
        # on the page of someone who is a member now: naming the workspace tells them nothing new
        strings={
            **board_strings(),
            "removed": _("You are no longer a member of %(workspace)s.")
            % {"workspace": board.workspace.localized("name")},
        },
        board_panels=board_panels,
        card_max=Card.BODY_MAX,
        comment_max=Comment.BODY_MAX,
    )
    return render(request, "workspace/board.html", context)


