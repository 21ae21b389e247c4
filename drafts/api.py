"""The drafts REST API: a board's draft as stored now, its revisions, their diffs and restores,
and its amendments (propose, change, support, accept, reject).

Editing itself goes through the draft socket (``drafts.consumers``); a board the caller is not a
member of answers 404, as everywhere.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from boards.access import access_board
from boards.selectors import line_diff
from drafts import actions
from drafts.documents import draft_markdown
from drafts.models import Amendment, DraftRevision
from drafts.selectors import amendment_data, board_amendments, revision_data
from drafts.serializers import (
    AmendmentCreateSerializer,
    AmendmentDecisionSerializer,
    AmendmentRejectSerializer,
    AmendmentSerializer,
    AmendmentUpdateSerializer,
    DiffSerializer,
    DraftSerializer,
    RevisionCreateSerializer,
    RevisionDetailSerializer,
    RevisionSerializer,
)
from workspace.access import as_id
from workspace.api import validated
from workspace.errors import WorkspaceError
from workspace.markdown import render_markdown
from workspace.models import Membership
from workspace.ratelimit import check_rate


def _revision(board, number) -> DraftRevision:
    revision = DraftRevision.objects.filter(board=board, number=number).first()
    if revision is None:
        raise WorkspaceError.not_found(_("No such revision."))
    return revision


class DraftView(GenericAPIView):
    """The board's draft as stored now: markdown, sanitized HTML and the latest revision."""

    serializer_class = DraftSerializer

    def get(self, request, board_id):
        board, _membership = access_board(request.user, board_id)
        markdown = draft_markdown(board.pk)
        latest = DraftRevision.objects.filter(board=board).order_by("-number").first()
        return Response(
            {
                "markdown": markdown,
                "html": render_markdown(markdown),
                "length": len(markdown),
                "latest_revision": revision_data(latest) if latest else None,
            }
        )


class RevisionListView(GenericAPIView):
    """The draft's revisions, oldest first; facilitators save one now, with an optional name."""

    serializer_class = RevisionSerializer
    pagination_class = None

    @extend_schema(responses=RevisionSerializer(many=True), operation_id="boards_draft_revisions_list")
    def get(self, request, board_id):
        board, _membership = access_board(request.user, board_id)
        return Response([revision_data(r) for r in DraftRevision.objects.filter(board=board).order_by("number")])

    @extend_schema(request=RevisionCreateSerializer, responses={201: RevisionSerializer})
    def post(self, request, board_id):
        board, membership = access_board(request.user, board_id)
        data = validated(RevisionCreateSerializer, request) if request.data else {}
        revision = actions.save_revision(board=board, by=membership, name=data.get("name", ""))
        return Response(revision_data(revision), status=status.HTTP_201_CREATED)


class RevisionDetailView(GenericAPIView):
    """One revision with its markdown and its rendered HTML."""

    serializer_class = RevisionDetailSerializer

    def get(self, request, board_id, number):
        board, _membership = access_board(request.user, board_id)
        revision = _revision(board, number)
        return Response(
            {**revision_data(revision), "markdown": revision.markdown, "html": render_markdown(revision.markdown)}
        )


class RevisionDiffView(GenericAPIView):
    """Two revisions compared line by line."""

    serializer_class = DiffSerializer
    may_refuse = (429,)

    def get(self, request, board_id, number, other):
        board, membership = access_board(request.user, board_id)
        check_rate("diff", membership.pk)
        source, target = _revision(board, number), _revision(board, other)
        return Response({"source": number, "target": other, "lines": line_diff(source.markdown, target.markdown)})


class RevisionRestoreView(GenericAPIView):
    """Bring a revision's text back, as a new edit on top (history is kept)."""

    serializer_class = RevisionSerializer
    may_refuse = (409,)

    @extend_schema(request=None, responses={200: RevisionSerializer})
    def post(self, request, board_id, number):
        board, membership = access_board(request.user, board_id)
        revision = actions.restore_revision(board=board, by=membership, number=number)
        return Response(revision_data(revision))


# Amendments ---------------------------------------------------------------------------------------


def access_amendment(user, amendment_id) -> tuple[Amendment, Membership]:
    """The amendment and the caller's membership; 404 for one that does not exist or is not theirs
    to see (another workspace's), alike."""
    amendment = (
        Amendment.objects.select_related("card__author", "decided_by", "board")
        .filter(pk=as_id(amendment_id), card__removed_at=None)
        .first()
    )
    if amendment is None:
        raise WorkspaceError.not_found(_("No such amendment."))
    _board, membership = access_board(user, amendment.board_id, missing=_("No such amendment."))
    return amendment, membership


class AmendmentListView(GenericAPIView):
    """The board's amendments, in order; members propose one (while the board is open)."""

    serializer_class = AmendmentSerializer
    may_refuse = {"post": (409, 429)}
    pagination_class = None

    @extend_schema(responses=AmendmentSerializer(many=True), operation_id="boards_amendments_list")
    def get(self, request, board_id):
        board, _membership = access_board(request.user, board_id)
        return Response(board_amendments(board))

    @extend_schema(request=AmendmentCreateSerializer, responses={201: AmendmentSerializer})
    def post(self, request, board_id):
        board, membership = access_board(request.user, board_id)
        data = validated(AmendmentCreateSerializer, request)
        amendment = actions.propose_amendment(board=board, by=membership, **data)
        return Response(amendment_data(amendment), status=status.HTTP_201_CREATED)


class AmendmentDetailView(GenericAPIView):
    """One amendment; its author changes the proposed words or the reason, or refreshes it; its
    author withdraws it or a facilitator removes it (DELETE: its words leave the board)."""

    serializer_class = AmendmentSerializer
    may_refuse = {"patch": (409, 429), "delete": (409,)}

    def get(self, request, amendment_id):
        amendment, _membership = access_amendment(request.user, amendment_id)
        return Response(amendment_data(amendment))

    @extend_schema(request=AmendmentUpdateSerializer, responses={200: AmendmentSerializer})
    def patch(self, request, amendment_id):
        amendment, membership = access_amendment(request.user, amendment_id)
        data = validated(AmendmentUpdateSerializer, request)
        amendment = actions.update_amendment(amendment=amendment, by=membership, **data)
        return Response(amendment_data(amendment))

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, amendment_id):
        amendment, membership = access_amendment(request.user, amendment_id)
        actions.remove_amendment(amendment=amendment, by=membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AmendmentSupportView(GenericAPIView):
    """Support an amendment ("+1", once per person), or take the support back."""

    serializer_class = AmendmentSerializer
    may_refuse = (409, 429)

    @extend_schema(request=None, responses={200: AmendmentSerializer})
    def post(self, request, amendment_id):
        amendment, membership = access_amendment(request.user, amendment_id)
        amendment = actions.support_amendment(amendment=amendment, by=membership, support=True)
        return Response(amendment_data(amendment))

    @extend_schema(request=None, responses={200: AmendmentSerializer})
    def delete(self, request, amendment_id):
        amendment, membership = access_amendment(request.user, amendment_id)
        amendment = actions.support_amendment(amendment=amendment, by=membership, support=False)
        return Response(amendment_data(amendment))


class AmendmentAcceptView(GenericAPIView):
    """A facilitator accepts an amendment: the change is applied to the draft (a revision is saved
    first). 409 ``amendment_outdated`` when the passage changed meanwhile, unless ``anyway``."""

    serializer_class = AmendmentSerializer
    may_refuse = (409,)

    @extend_schema(request=AmendmentDecisionSerializer, responses={200: AmendmentSerializer})
    def post(self, request, amendment_id):
        amendment, membership = access_amendment(request.user, amendment_id)
        data = validated(AmendmentDecisionSerializer, request) if request.data else {}
        amendment = actions.accept_amendment(amendment=amendment, by=membership, **data)
        return Response(amendment_data(amendment))


class AmendmentRejectView(GenericAPIView):
    """A facilitator rejects an amendment, with a reason everyone sees."""

    serializer_class = AmendmentSerializer
    may_refuse = (409,)

    @extend_schema(request=AmendmentRejectSerializer, responses={200: AmendmentSerializer})
    def post(self, request, amendment_id):
        amendment, membership = access_amendment(request.user, amendment_id)
        data = validated(AmendmentRejectSerializer, request) if request.data else {}
        amendment = actions.reject_amendment(amendment=amendment, by=membership, reason=data.get("reason", ""))
        return Response(amendment_data(amendment))
