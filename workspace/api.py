"""The workspace REST API: thin views that validate input, call an action, and serialize.

A workspace or board the caller is not a member of answers 404, exactly like one that does not
exist; an action above the caller's role answers 403 with a message (``workspace.roles``).
"""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from workspace import actions
from workspace.access import access_workspace
from workspace.errors import WorkspaceError
from workspace.models import Invitation, Membership
from workspace.roles import require
from workspace.selectors import workspace_members
from workspace.serializers import (
    AcceptedInvitationSerializer,
    InvitationAcceptSerializer,
    InvitationCreateSerializer,
    InvitationSerializer,
    MemberSerializer,
    WorkspaceSerializer,
)

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Any unique string (e.g. a UUID): a retry with the same key creates nothing twice.",
)


def _first_message(detail) -> str:
    """The first human-readable message of a DRF error detail, with the field it concerns."""
    if isinstance(detail, dict):
        for field, value in detail.items():
            message = _first_message(value)
            return message if field in ("non_field_errors", "detail") else f"{field}: {message}"
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail)


def exception_handler(exc, context):
    """Every API error is the schema's ``Error`` (``workspace.schema``): a readable ``detail``, a
    ``code``, and ``errors`` per field for bad input."""
    if isinstance(exc, WorkspaceError):
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
        return Response({"detail": str(exc.message), "code": exc.code}, status=exc.http_status, headers=headers)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {"detail": _first_message(exc.detail), "code": "invalid", "errors": errors}
    elif response is not None:  # DRF's own (401, 403, 404, 405, 415, ...): its message and code
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = {"detail": str(detail), "code": getattr(detail, "code", None) or "error"}
    return response


def validated(serializer_class, request, **context) -> dict:
    if not isinstance(request.data, dict):
        raise exceptions.ValidationError({"detail": _("Send a JSON object.")})
    serializer = serializer_class(data=request.data, context={"request": request, **context})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class WorkspaceListView(GenericAPIView):
    """The workspaces you are a member of."""

    serializer_class = WorkspaceSerializer
    pagination_class = None

    @extend_schema(responses=WorkspaceSerializer(many=True), operation_id="workspaces_list")
    def get(self, request):
        memberships = (
            Membership.objects.filter(user=request.user)
            .select_related("workspace")
            .prefetch_related("workspace__agenda")
            .order_by("workspace__name")
        )
        return Response(WorkspaceSerializer(memberships, many=True).data)


class WorkspaceDetailView(GenericAPIView):
    """One workspace you are a member of, with its agenda and your role."""

    serializer_class = WorkspaceSerializer

    def get(self, request, slug):
        return Response(WorkspaceSerializer(access_workspace(request.user, slug)).data)


class MemberListView(GenericAPIView):
    """The members of a workspace: display name, role and country."""

    serializer_class = MemberSerializer
    pagination_class = None

    @extend_schema(responses=MemberSerializer(many=True), operation_id="workspaces_members_list")
    def get(self, request, slug):
        membership = access_workspace(request.user, slug)
        require(membership, "view_members")
        return Response(MemberSerializer(workspace_members(membership.workspace), many=True).data)


class InvitationListView(GenericAPIView):
    """Invitation links of a workspace (stewards)."""

    serializer_class = InvitationSerializer
    pagination_class = None

    @extend_schema(responses=InvitationSerializer(many=True), operation_id="workspaces_invitations_list")
    def get(self, request, slug):
        membership = access_workspace(request.user, slug)
        require(membership, "invite")
        invitations = Invitation.objects.filter(workspace=membership.workspace)
        return Response(InvitationSerializer(invitations, many=True, context={"request": request}).data)

    @extend_schema(request=InvitationCreateSerializer, responses={201: InvitationSerializer})
    def post(self, request, slug):
        membership = access_workspace(request.user, slug)
        data = validated(InvitationCreateSerializer, request)
        invitation = actions.create_invitation(workspace=membership.workspace, by=membership, **data)
        return Response(
            InvitationSerializer(invitation, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class InvitationRevokeView(GenericAPIView):
    """Withdraw an invitation link (stewards); people who joined with it stay members."""

    serializer_class = InvitationSerializer

    @extend_schema(request=None, responses={200: InvitationSerializer})
    def post(self, request, slug, invitation_id):
        membership = access_workspace(request.user, slug)
        # Checked before the lookup too: who may not see invitations must not learn which ids exist.
        require(membership, "invite")
        invitation = Invitation.objects.filter(workspace=membership.workspace, pk=invitation_id).first()
        if invitation is None:
            raise WorkspaceError.not_found(_("No such invitation."))
        invitation = actions.revoke_invitation(invitation=invitation, by=membership)
        return Response(InvitationSerializer(invitation, context={"request": request}).data)


class InvitationAcceptView(GenericAPIView):
    """Join a workspace through an invitation, as the signed-in user."""

    serializer_class = InvitationAcceptSerializer
    may_refuse = (409, 410)

    @extend_schema(
        request=InvitationAcceptSerializer,
        responses={201: AcceptedInvitationSerializer, 200: AcceptedInvitationSerializer},
    )
    def post(self, request, token):
        data = validated(InvitationAcceptSerializer, request) if request.data else {}
        membership, created = actions.accept_invitation(
            token=token,
            user=request.user,
            display_name=data.get("display_name") or None,
            country=data.get("country"),
        )
        body = AcceptedInvitationSerializer({"created": created, "membership": membership}).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


# Live boards: snapshot, cards, comments ---------------------------------------------------------


class MemberDetailView(GenericAPIView):
    """A steward removes a member; their open connections close at once."""

    serializer_class = MemberSerializer
    may_refuse = (409,)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, slug, member_id):
        membership = access_workspace(request.user, slug)
        member = Membership.objects.filter(workspace=membership.workspace, pk=member_id).first()
        if member is None:
            raise WorkspaceError.not_found(_("No such member."))
        actions.remove_member(membership=member, by=membership)
        return Response(status=status.HTTP_204_NO_CONTENT)
