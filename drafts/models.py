"""A board's draft as stored: the append log of Yjs updates, its compacted snapshot, who edited
it, and its named revisions. (The tables keep the names they had in the workspace app.)"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boards.models import Board, Card
from workspace.models import Membership


class DraftUpdate(models.Model):
    """One accepted Yjs update to a board's draft, in the order it was stored (the append log)."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="draft_updates")
    data = models.BinaryField()
    author = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    # The accepted amendment this edit applied (None: typed in an editor, or a restore).
    amendment = models.ForeignKey("Amendment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "workspace_draftupdate"  # made in the workspace app, before drafts had their own
        ordering = ["id"]
        indexes = [models.Index(fields=["board", "id"])]

    def __str__(self) -> str:
        return f"draft update {self.pk} of board {self.board_id}"


class DraftSnapshot(models.Model):
    """The compacted state of a board's draft: the updates merged so far, as one.

    The updates merged are deleted in the same transaction, so the draft is always this snapshot
    plus every ``DraftUpdate`` row left. ``version`` goes up with each compaction, which tells a
    reader that a compaction committed while it was reading.
    """

    board = models.OneToOneField(Board, on_delete=models.CASCADE, related_name="draft_snapshot")
    state = models.BinaryField()
    version = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "workspace_draftsnapshot"  # made in the workspace app, before drafts had their own

    def __str__(self) -> str:
        return f"draft snapshot of board {self.board_id}"


class DraftContributor(models.Model):
    """When a member last edited a board's draft (names the editors of each revision)."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    last_edit_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "workspace_draftcontributor"  # made in the workspace app, before drafts had their own
        constraints = [models.UniqueConstraint(fields=["board", "membership"], name="one_contributor_row")]

    def __str__(self) -> str:
        return f"{self.membership_id} on board {self.board_id}"


class DraftRevision(models.Model):
    """A named version of a board's draft: its markdown then, and who had edited since the last one."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="draft_revisions")
    number = models.PositiveIntegerField()
    name = models.CharField(_("name"), max_length=120, blank=True)
    markdown = models.TextField()
    editors = models.JSONField(default=list)
    automatic = models.BooleanField(default=False)
    created_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "workspace_draftrevision"  # made in the workspace app, before drafts had their own
        ordering = ["board", "number"]
        constraints = [models.UniqueConstraint(fields=["board", "number"], name="one_revision_number_per_board")]

    def __str__(self) -> str:
        return f"revision {self.number} of board {self.board_id}"


class AmendmentState(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Amendment(models.Model):
    """A proposed change to a passage of a board's draft: replace its words, delete them, or insert
    at a point (an empty passage).

    The passage is anchored by two pycrdt sticky indices (Yjs relative positions) into the draft's
    document, so it follows the text while people type around and inside it. ``original`` is what
    the passage said when the amendment was written (or last refreshed); when the words between the
    anchors differ from it the amendment is ``outdated`` and ``current`` holds them. Its card (kind
    "amendment") carries the author, the comments and the dots of a round over amendments.
    """

    WORDS_MAX = 2000
    REASON_MAX = 1000

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="amendments")
    card = models.OneToOneField(Card, on_delete=models.CASCADE, related_name="amendment")
    number = models.PositiveIntegerField()
    start = models.BinaryField()
    end = models.BinaryField()
    original = models.TextField(blank=True)
    proposed = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=AmendmentState.choices, default=AmendmentState.OPEN)
    outdated = models.BooleanField(default=False)
    current = models.TextField(blank=True)
    # The word diff of ``original`` and ``proposed`` (``drafts.passages.word_diff``), computed once
    # when they are stored, never on a read.
    diff = models.JSONField(default=list, blank=True)
    decided_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    applied_anyway = models.BooleanField(default=False)  # accepted although outdated
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["board", "number"]
        constraints = [models.UniqueConstraint(fields=["board", "number"], name="one_amendment_number_per_board")]

    def __str__(self) -> str:
        return f"amendment {self.number} of board {self.board_id}"


class AmendmentSupport(models.Model):
    """A member's "+1" to an amendment (one per person)."""

    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="supports")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["amendment", "member"], name="one_support_per_member")]

    def __str__(self) -> str:
        return f"{self.member_id} supports {self.amendment_id}"
