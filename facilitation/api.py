"""The facilitation REST API: thin views over ``facilitation.actions`` and its selectors."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from boards.access import access_board
from facilitation import actions
from facilitation.errors import FacilitationError
from facilitation.models import Notice
from facilitation.selectors import (
    facilitator_console,
    fishbowl_state,
    notice_data,
    notices,
    room_state,
    session_data,
)
from facilitation.serializers import (
    ConsoleSerializer,
    ExtendSessionSerializer,
    FishbowlSerializer,
    MessageSerializer,
    NoticeSerializer,
    RoomSerializer,
    SeatsSerializer,
    SessionSerializer,
    SummonSerializer,
)
from workspace.access import access_workspace
from workspace.api import validated
from workspace.errors import WorkspaceError
from workspace.models import AgendaSession
from workspace.roles import can


def access_session(user, session_id) -> tuple[AgendaSession, object]:
    """An agenda session of a workspace the user is a member of (404 otherwise)."""
    missing = FacilitationError.not_found(_("No such session."))
    session = AgendaSession.objects.select_related("workspace").filter(pk=session_id).first()
    if session is None:
        raise missing
    try:
        membership = access_workspace(user, session.workspace.slug)
    except WorkspaceError:
        raise missing from None  # another workspace's session reads like a missing one
    return session, membership


class RoomView(GenericAPIView):
    """What every page of the workspace shows live: sessions, recent notices, the fishbowl."""

    serializer_class = RoomSerializer

    def get(self, request, slug):
        membership = access_workspace(request.user, slug)
        return Response({**room_state(membership.workspace), "me": membership.pk})


class ConsoleView(GenericAPIView):
    """The facilitators' overview of every board: state, who is there, open round, what is new."""

    serializer_class = ConsoleSerializer

    def get(self, request, slug):
        return Response(facilitator_console(access_workspace(request.user, slug)))


class NoticeListView(GenericAPIView):
    """Every notice of the workspace, newest first; facilitators post a message to everyone."""

    serializer_class = NoticeSerializer
    may_refuse = {"post": (429,)}
    pagination_class = None

    @extend_schema(responses=NoticeSerializer(many=True))
    def get(self, request, slug):
        membership = access_workspace(request.user, slug)
        # A withdrawn notice stays in the facilitators' history; the others no longer read it.
        return Response(notices(membership.workspace, withdrawn=can(membership.role, "facilitate")))

    @extend_schema(request=MessageSerializer, responses={201: NoticeSerializer})
    def post(self, request, slug):
        membership = access_workspace(request.user, slug)
        data = validated(MessageSerializer, request)
        notice = actions.post_message(workspace=membership.workspace, by=membership, **data)
        return Response(notice_data(notice), status=status.HTTP_201_CREATED)


class NoticeDetailView(GenericAPIView):
    """Facilitators withdraw a message or "everyone to board X": it leaves every page."""

    serializer_class = NoticeSerializer
    may_refuse = (409,)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, slug, notice_id):
        membership = access_workspace(request.user, slug)
        notice = Notice.objects.filter(pk=notice_id, workspace=membership.workspace).first()
        if notice is None:
            raise FacilitationError.not_found(_("No such notice."))
        actions.withdraw_notice(notice=notice, by=membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SummonView(GenericAPIView):
    """Bring everyone to this board: a notice with a link on every member's screen."""

    serializer_class = NoticeSerializer
    may_refuse = (429,)

    @extend_schema(request=SummonSerializer, responses={201: NoticeSerializer})
    def post(self, request, board_id):
        board, membership = access_board(request.user, board_id)
        data = validated(SummonSerializer, request)
        notice = actions.summon_to_board(board=board, by=membership, **data)
        return Response(notice_data(notice), status=status.HTTP_201_CREATED)


def _session_step(name: str, doc: str):
    class SessionStepView(GenericAPIView):
        serializer_class = SessionSerializer
        may_refuse = (409,)

        @extend_schema(request=None, responses={200: SessionSerializer}, operation_id=f"sessions_{name}")
        def post(self, request, session_id):
            session, membership = access_session(request.user, session_id)
            session = getattr(actions, f"{name}_session")(session=session, by=membership)
            return Response(session_data(session))

    SessionStepView.__doc__ = doc
    SessionStepView.__name__ = f"Session{name.title()}View"
    return SessionStepView


SessionStartView = _session_step("start", "Make an agenda session live (one at a time).")
SessionEndView = _session_step("end", "End the live session now.")


class SessionExtendView(GenericAPIView):
    """Give the live session more minutes."""

    serializer_class = ExtendSessionSerializer
    may_refuse = (409,)

    @extend_schema(request=ExtendSessionSerializer, responses={200: SessionSerializer})
    def post(self, request, session_id):
        session, membership = access_session(request.user, session_id)
        data = validated(ExtendSessionSerializer, request)
        return Response(session_data(actions.extend_session(session=session, by=membership, **data)))


class FishbowlView(GenericAPIView):
    """The fishbowl's seats and queue."""

    serializer_class = FishbowlSerializer

    def get(self, request, slug):
        membership = access_workspace(request.user, slug)
        return Response(fishbowl_state(membership.workspace))


# The steps a member takes for themself: raise or lower a hand, take or decline a seat, leave.
OWN_STEPS = {
    "raise-hand": actions.raise_hand,
    "lower-hand": actions.lower_hand,
    "accept-seat": actions.accept_seat,
    "decline-seat": actions.decline_seat,
    "leave": actions.leave_bowl,
}


class FishbowlStepView(GenericAPIView):
    """Your own place: ``raise-hand``, ``lower-hand``, ``accept-seat``, ``decline-seat`` or ``leave``."""

    serializer_class = FishbowlSerializer
    may_refuse = (409, 429)

    @extend_schema(request=None, responses={200: FishbowlSerializer})
    def post(self, request, slug, step):
        membership = access_workspace(request.user, slug)
        action = OWN_STEPS.get(step)
        if action is None:
            raise FacilitationError.not_found(_("No such fishbowl step."))
        return Response(action(member=membership))


class FishbowlSeatsView(GenericAPIView):
    """Facilitators set the number of seats in the bowl."""

    serializer_class = SeatsSerializer
    may_refuse = (409,)

    @extend_schema(request=SeatsSerializer, responses={200: FishbowlSerializer})
    def post(self, request, slug):
        membership = access_workspace(request.user, slug)
        data = validated(SeatsSerializer, request)
        return Response(actions.set_seats(by=membership, **data))


def _move(name: str, doc: str):
    class FishbowlMoveView(GenericAPIView):
        serializer_class = FishbowlSerializer
        may_refuse = (409,)

        @extend_schema(request=None, responses={200: FishbowlSerializer}, operation_id=f"fishbowl_{name}")
        def post(self, request, slug, member_id):
            membership = access_workspace(request.user, slug)
            return Response(getattr(actions, f"{name}_speaker")(by=membership, member_id=member_id))

    FishbowlMoveView.__doc__ = doc
    FishbowlMoveView.__name__ = f"Fishbowl{name.title()}View"
    return FishbowlMoveView


FishbowlSeatView = _move("seat", "Facilitators move a member into the bowl (a seat must be free).")
FishbowlUnseatView = _move("unseat", "Facilitators move a member out of the bowl, or out of the queue.")
