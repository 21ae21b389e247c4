"""The one exception type of the workspace app, and how rule violations reach people.

Actions raise ``WorkspaceError`` with a message for people and a kind; the API maps the kind to an
HTTP status once (``workspace.api.exception_handler``), consumers to an ``error`` frame. Higher apps
(voting, charter) subclass it, so one mapping serves every app.
"""

from django.utils.translation import gettext_lazy as _


class WorkspaceError(Exception):
    INVALID = "invalid"  # 400: the request breaks a rule
    FORBIDDEN = "forbidden"  # 403: the role does not allow it
    NOT_FOUND = "not_found"  # 404: does not exist, or is not yours to see
    CONFLICT = "conflict"  # 409: the state of things does not allow it now
    GONE = "gone"  # 410: it existed but can no longer be used
    TOO_MANY = "rate_limited"  # 429: slow down; try again after ``retry_after`` seconds

    STATUS = {INVALID: 400, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409, GONE: 410, TOO_MANY: 429}

    def __init__(self, message, *, kind: str = INVALID, code: str | None = None, retry_after: int | None = None):
        super().__init__(str(message))
        self.message = message
        self.kind = kind
        self.code = code or kind
        self.retry_after = retry_after

    @property
    def http_status(self) -> int:
        return self.STATUS[self.kind]

    @classmethod
    def not_found(cls, what=None):
        return cls(what or _("Not found."), kind=cls.NOT_FOUND)

    @classmethod
    def forbidden(cls, message):
        return cls(message, kind=cls.FORBIDDEN)
