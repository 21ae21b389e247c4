"""Reads of drafts for the API and the board stream."""

from workspace.selectors import iso


def revision_data(revision) -> dict:
    """A draft revision in lists and events (its markdown comes with the single revision)."""
    return {
        "number": revision.number,
        "name": revision.name,
        "automatic": revision.automatic,
        "created_at": iso(revision.created_at),
        "editors": revision.editors,
        "length": len(revision.markdown),
    }
