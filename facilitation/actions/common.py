from workspace.models import Workspace


def locked_workspace(workspace_id: int) -> Workspace:
    """The workspace row, locked for the rest of the transaction (the room's one lock)."""
    return Workspace.objects.select_for_update().get(pk=workspace_id)
