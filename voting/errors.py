"""The voting app's one exception for rule violations; mapped to HTTP and error frames like
``WorkspaceError``, which it extends (kinds: invalid 400, forbidden 403, not_found 404,
conflict 409)."""

from workspace.errors import WorkspaceError


class VotingError(WorkspaceError):
    pass
