"""The board's HTTP API: boards, cards and comments; every write goes through boards.actions and answers
as the socket would describe it."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from boards import actions as board_actions
from boards.access import access_board, access_card, access_comment
from boards.models import Comment
from boards.selectors import board_data, board_state, card_data, comment_data, workspace_boards
from boards.serializers import (
    BoardCreateSerializer,
    BoardSerializer,
    BoardStateSerializer,
    BoardUpdateSerializer,
    CardCreateSerializer,
    CardSerializer,
    CardUpdateSerializer,
    CommentCreateSerializer,
    CommentHideSerializer,
    CommentSerializer,
    CommentUpdateSerializer,
)
from workspace.access import access_workspace
from workspace.api import IDEMPOTENCY_KEY, validated
from workspace.errors import WorkspaceError
from workspace.idempotency import idempotent


class BoardListView(GenericAPIView):
    """The boards of a workspace in order; facilitators and stewards can add a custom board."""

    serializer_class = BoardSerializer
    pagination_class = None

    @extend_schema(responses=BoardSerializer(many=True), operation_id="workspaces_boards_list")
    def get(self, request, slug):
        membership = access_workspace(request.user, slug)
        return Response([board_data(board) for board in workspace_boards(membership.workspace)])

    @extend_schema(request=BoardCreateSerializer, responses={201: BoardSerializer})
    def post(self, request, slug):
        membership = access_workspace(request.user, slug)
        data = validated(BoardCreateSerializer, request)
        board = board_actions.create_board(workspace=membership.workspace, by=membership, **data)
        return Response(board_data(board), status=status.HTTP_201_CREATED)


class BoardDetailView(GenericAPIView):
    """One board; facilitators and stewards change its title, question, state or position."""

    serializer_class = BoardSerializer
    may_refuse = {"patch": (409,)}

    def get(self, request, board_id):
        board, _membership = access_board(request.user, board_id)
        return Response(board_data(board))

    @extend_schema(request=BoardUpdateSerializer, responses={200: BoardSerializer})
    def patch(self, request, board_id):
        board, membership = access_board(request.user, board_id)
        data = validated(BoardUpdateSerializer, request)
        board = board_actions.update_board(board=board, by=membership, **data)
        return Response(board_data(board))


class BoardStateView(GenericAPIView):
    """Everything on a board now (cards, comments, who is here) and the event ``seq`` it is at."""

    serializer_class = BoardStateSerializer

    def get(self, request, board_id):
        board, _membership = access_board(request.user, board_id)
        return Response(board_state(board))


class CardListView(GenericAPIView):
    """Post a card on a board (members, while the board is open)."""

    serializer_class = CardSerializer
    may_refuse = (409, 429)

    @extend_schema(
        request=CardCreateSerializer,
        responses={201: CardSerializer},
        parameters=[IDEMPOTENCY_KEY],
    )
    @idempotent
    def post(self, request, board_id):
        board, membership = access_board(request.user, board_id)
        data = validated(CardCreateSerializer, request)
        card = board_actions.create_card(board=board, by=membership, **data)
        return Response(card_data(card), status=status.HTTP_201_CREATED)


class CardDetailView(GenericAPIView):
    """Edit a card (author: text; facilitators: anything) or remove it."""

    serializer_class = CardSerializer
    may_refuse = {"patch": (409, 429), "delete": (409,)}

    @extend_schema(request=CardUpdateSerializer, responses={200: CardSerializer})
    def patch(self, request, card_id):
        card, membership = access_card(request.user, card_id)
        data = validated(CardUpdateSerializer, request)
        card = board_actions.update_card(card=card, by=membership, **data)
        return Response(card_data(card))

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, card_id):
        card, membership = access_card(request.user, card_id)
        board_actions.remove_card(card=card, by=membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommentListView(GenericAPIView):
    """The comments of a card, and posting one (or a reply, with ``parent``)."""

    serializer_class = CommentSerializer
    may_refuse = {"post": (409, 429)}
    pagination_class = None

    @extend_schema(responses=CommentSerializer(many=True), operation_id="cards_comments_list")
    def get(self, request, card_id):
        card, _membership = access_card(request.user, card_id)
        comments = card.comments.select_related("author").order_by("created_at", "id")
        return Response([comment_data(comment) for comment in comments])

    @extend_schema(
        request=CommentCreateSerializer,
        responses={201: CommentSerializer},
        parameters=[IDEMPOTENCY_KEY],
    )
    @idempotent
    def post(self, request, card_id):
        card, membership = access_card(request.user, card_id)
        data = validated(CommentCreateSerializer, request)
        parent = None
        if data.get("parent"):
            parent = Comment.objects.filter(pk=data["parent"], card=card).first()
            if parent is None:
                raise WorkspaceError(_("You can only reply to a comment on the same card."))
        comment = board_actions.add_comment(card=card, by=membership, body=data["body"], parent=parent)
        return Response(comment_data(comment), status=status.HTTP_201_CREATED)


class CommentDetailView(GenericAPIView):
    """The author edits or removes their comment."""

    serializer_class = CommentSerializer
    may_refuse = {"patch": (409, 429), "delete": (409,)}

    @extend_schema(request=CommentUpdateSerializer, responses={200: CommentSerializer})
    def patch(self, request, comment_id):
        comment, membership = access_comment(request.user, comment_id)
        data = validated(CommentUpdateSerializer, request)
        comment = board_actions.edit_comment(comment=comment, by=membership, body=data["body"])
        return Response(comment_data(comment))

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, comment_id):
        comment, membership = access_comment(request.user, comment_id)
        board_actions.remove_comment(comment=comment, by=membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommentHideView(GenericAPIView):
    """A facilitator hides a comment, with a reason everyone sees."""

    serializer_class = CommentHideSerializer
    may_refuse = (409,)

    @extend_schema(request=CommentHideSerializer, responses={200: CommentSerializer})
    def post(self, request, comment_id):
        comment, membership = access_comment(request.user, comment_id)
        data = validated(CommentHideSerializer, request)
        comment = board_actions.hide_comment(comment=comment, by=membership, reason=data["reason"])
        return Response(comment_data(comment))


