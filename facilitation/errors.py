from workspace.errors import WorkspaceError


class FacilitationError(WorkspaceError):
    """A rule of sessions, notices or the fishbowl was broken (mapped like every WorkspaceError)."""
