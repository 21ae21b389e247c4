"""Actions on drafts: editing (storing updates, compaction, revisions) and amendments."""

from drafts.actions.amendments import (
    accept_amendment,
    check_amendments,
    propose_amendment,
    publish_supports,
    reject_amendment,
    remove_amendment,
    support_amendment,
    update_amendment,
)
from drafts.actions.editing import (
    AUTO_REVISION_EVERY,
    COMPACT_AFTER_UPDATES,
    REVISION_NAME_MAX,
    compact_draft,
    draft_refusal,
    restore_revision,
    save_revision,
    save_revision_if_due,
    store_draft_update,
    store_draft_updates,
)

__all__ = [
    "AUTO_REVISION_EVERY",
    "COMPACT_AFTER_UPDATES",
    "REVISION_NAME_MAX",
    "accept_amendment",
    "check_amendments",
    "compact_draft",
    "draft_refusal",
    "propose_amendment",
    "publish_supports",
    "reject_amendment",
    "remove_amendment",
    "restore_revision",
    "save_revision",
    "save_revision_if_due",
    "store_draft_update",
    "store_draft_updates",
    "support_amendment",
    "update_amendment",
]
