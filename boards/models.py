"""The live board's data: boards, their cards and comments, the board's numbered event log and who
is on it now. Every change goes through ``boards.actions`` (which records the event); the tables
were made by the workspace app and keep its names."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workspace.models import Membership, StoredEvent, Workspace
from workspace.translations import TextField, Translated


class BoardKind(models.TextChoices):
    CONCEPT = "concept", _("Concept")
    MISSION = "mission", _("Mission")
    VISION = "vision", _("Vision")
    PRIORITIES = "priorities", _("Priority areas")
    CUSTOM = "custom", _("Custom")


class BoardState(models.TextChoices):
    OPEN = "open", _("Open")
    VOTING = "voting", _("Voting")
    LOCKED = "locked", _("Locked")


# What a board says in other languages (workspace.translations), cleaned as the fields themselves.
BOARD_TEXTS = {"title": TextField(120), "guiding_question": TextField(500, one_line=False)}


class Board(Translated):  # title, guiding_question
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="boards")
    kind = models.CharField(_("kind"), max_length=20, choices=BoardKind.choices, default=BoardKind.CUSTOM)
    title = models.CharField(_("title"), max_length=120)
    guiding_question = models.CharField(_("guiding question"), max_length=500, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    state = models.CharField(_("state"), max_length=10, choices=BoardState.choices, default=BoardState.OPEN)
    # The sequence number of the last event recorded on this board (see workspace.events).
    event_seq = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        db_table = "workspace_board"  # made in the workspace app, before boards had their own
        verbose_name = _("board")
        verbose_name_plural = _("boards")
        ordering = ["position", "id"]
        constraints = [
            # Concept, Mission, Vision and Priority areas exist once per workspace.
            models.UniqueConstraint(
                fields=["workspace", "kind"],
                condition=~models.Q(kind="custom"),
                name="one_board_per_charter_kind",
            )
        ]

    def __str__(self) -> str:
        return self.title


class BoardEvent(StoredEvent):
    """One change on a board, in the order the board saw it (``seq`` is gap-free per board)."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="events")

    class Meta:
        db_table = "workspace_boardevent"  # made in the workspace app, before boards had their own
        ordering = ["board", "seq"]
        constraints = [models.UniqueConstraint(fields=["board", "seq"], name="one_event_per_board_seq")]

    def __str__(self) -> str:
        return f"{self.board_id}#{self.seq} {self.type}"


class CardStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ADOPTED = "adopted", _("Adopted")
    ARCHIVED = "archived", _("Archived")


class CardKind(models.TextChoices):
    IDEA = "idea", _("Idea")
    # The card of an amendment to the board's draft (``drafts.Amendment``): its comments, its dots in
    # a round over amendments and its author are the card's; it changes only through the amendment.
    AMENDMENT = "amendment", _("Amendment")


class Card(models.Model):
    """An idea on a board: a proposed mission statement, a priority area, a thought on the concept."""

    BODY_MAX = 2000

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="cards")
    # A member who leaves takes their name with them; the card stays, by "a former member".
    author = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="cards")
    kind = models.CharField(_("kind"), max_length=10, choices=CardKind.choices, default=CardKind.IDEA)
    body = models.TextField(_("text"))
    body_html = models.TextField(editable=False)
    status = models.CharField(_("status"), max_length=10, choices=CardStatus.choices, default=CardStatus.PROPOSED)
    group_label = models.CharField(_("group"), max_length=60, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        db_table = "workspace_card"  # made in the workspace app, before boards had their own
        verbose_name = _("card")
        verbose_name_plural = _("cards")
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["board", "removed_at"])]

    def __str__(self) -> str:
        return self.body[:60]


class Comment(models.Model):
    """A comment on a card, or a reply to one (one level: a reply's parent is never a reply)."""

    BODY_MAX = 5000

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    author = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="comments")
    body = models.TextField(_("text"))
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=200, blank=True)
    hidden_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        db_table = "workspace_comment"  # made in the workspace app, before boards had their own
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


class BoardPresence(models.Model):
    """One open connection of a member to a board (ephemeral: not an event, pruned when stale).

    Kept in the database so that every server process sees the same room.
    """

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="presence")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="presence_entries")
    channel_name = models.CharField(max_length=200, unique=True)
    last_seen = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "workspace_boardpresence"  # made in the workspace app, before boards had their own
        indexes = [models.Index(fields=["board", "last_seen"])]

    def __str__(self) -> str:
        return f"{self.membership_id} on board {self.board_id}"
