"""The token API: a script or app signs in with a name and password and gets a token to send as
`Authorization: Token …` (throttled as the sign-in page is)."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts import actions as account_actions
from accounts.serializers import LoginSerializer, TokenSerializer
from accounts.signin import locked_message
from workspace.api import validated
from workspace.errors import WorkspaceError


class TokenLoginView(GenericAPIView):
    """Exchange a user name and password for a new API token (``Authorization: Token <token>``).

    The token expires after ``API_TOKEN_DAYS``; its owner sees and revokes it on /accounts/tokens/.
    Wrong passwords are counted (``accounts.signin``): past the limit, 429 with ``Retry-After``.
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    serializer_class = LoginSerializer
    may_refuse = (429,)

    @extend_schema(request=LoginSerializer, responses={200: TokenSerializer}, auth=[])
    def post(self, request):
        data = validated(LoginSerializer, request)
        user = authenticate(request, username=data["username"], password=data["password"])
        wait = getattr(request, "signin_wait", 0)
        if wait:
            raise WorkspaceError(locked_message(wait), kind=WorkspaceError.TOO_MANY, retry_after=wait)
        if user is None:
            raise exceptions.ValidationError({"detail": _("That user name and password do not match.")})
        token, key = account_actions.create_api_token(user=user, name=_("API sign-in"))
        return Response({"token": key, "expires_at": token.expires_at})


