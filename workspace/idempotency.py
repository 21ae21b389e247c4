"""``Idempotency-Key``: a client that retries a POST after a dropped connection gets the first
answer again, and nothing is created twice.

The key is per user; its answer is kept for a day. The stored answer and the change it describes
are written in one transaction, so either both exist or neither does.
"""

import functools
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.response import Response

from workspace.errors import WorkspaceError
from workspace.models import IdempotentRequest

KEY_MAX = IdempotentRequest._meta.get_field("key").max_length
KEEP_FOR = timedelta(days=1)


def _replay(stored: IdempotentRequest, path: str) -> Response:
    if stored.path != path:
        raise WorkspaceError(
            _("This Idempotency-Key was already used for another request."), kind=WorkspaceError.CONFLICT
        )
    return Response(stored.body, status=stored.status_code, headers={"Idempotent-Replayed": "true"})


def idempotent(view_method):
    """Decorate an API view's ``post``: honour the request's ``Idempotency-Key`` header."""

    @functools.wraps(view_method)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            return view_method(view, request, *args, **kwargs)
        if len(key) > KEY_MAX:
            raise WorkspaceError(_("An Idempotency-Key can be at most %(max)d characters long.") % {"max": KEY_MAX})
        if not key.isprintable():  # it is stored, and PostgreSQL refuses a NUL
            raise WorkspaceError(_("An Idempotency-Key cannot hold control characters."))
        since = timezone.now() - KEEP_FOR
        try:
            with transaction.atomic():
                stored = IdempotentRequest.objects.filter(user=request.user, key=key, created_at__gte=since).first()
                if stored is not None:
                    return _replay(stored, request.path)
                response = view_method(view, request, *args, **kwargs)
                if 200 <= response.status_code < 300:
                    IdempotentRequest.objects.filter(user=request.user, created_at__lt=since).delete()
                    IdempotentRequest.objects.create(
                        user=request.user, key=key, path=request.path, status_code=response.status_code,
                        body=response.data,
                    )  # fmt: skip
                return response
        except IntegrityError:
            # The same request arrived twice at once; the first one's answer stands.
            return _replay(IdempotentRequest.objects.get(user=request.user, key=key), request.path)

    return wrapper
