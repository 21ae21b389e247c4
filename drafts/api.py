"""The drafts REST API: a board's draft as stored now, its revisions, their diffs and restores.

Editing itself goes through the draft socket (``drafts.consumers``); a board the caller is not a
member of answers 404, as everywhere.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from drafts import actions
from drafts.documents import draft_markdown
from drafts.models import DraftRevision
from drafts.selectors import revision_data
from drafts.serializers import (
    DiffSerializer,
    DraftSerializer,
    RevisionCreateSerializer,
    RevisionDetailSerializer,
    RevisionSerializer,
)
from workspace.access import access_board
from workspace.api import validated
from workspace.errors import WorkspaceError
from workspace.markdown import render_markdown
from workspace.ratelimit import check_rate
from workspace.roles import require
from workspace.selectors import line_diff


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
        require(membership, "manage_boards")
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

    def get(self, request, board_id, number, other):
        board, membership = access_board(request.user, board_id)
        check_rate("diff", membership.pk)
        source, target = _revision(board, number), _revision(board, other)
        return Response({"source": number, "target": other, "lines": line_diff(source.markdown, target.markdown)})


class RevisionRestoreView(GenericAPIView):
    """Bring a revision's text back, as a new edit on top (history is kept)."""

    serializer_class = RevisionSerializer

    @extend_schema(request=None, responses={200: RevisionSerializer})
    def post(self, request, board_id, number):
        board, membership = access_board(request.user, board_id)
        require(membership, "manage_boards")
        revision = actions.restore_revision(board=board, by=membership, number=number)
        return Response(revision_data(revision))
