"""Notices to the whole room and the fishbowl speaker queue. Every change goes through
``facilitation.actions``; live sessions are the workspace app's ``AgendaSession``."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boards.models import Board
from workspace.models import Membership, Workspace


class NoticeKind(models.TextChoices):
    MESSAGE = "message", _("Message to everyone")
    SUMMON = "summon", _("Everyone to a board")


class Notice(models.Model):
    """What a facilitator told the whole room: a message (a banner), or "come to board X"."""

    TEXT_MAX = 500

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=10, choices=NoticeKind.choices)
    text = models.TextField(_("text"), blank=True)
    board = models.ForeignKey(Board, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    author = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # A facilitator took it back: it leaves every page (the console's history keeps it, marked).
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="message", board=None) | models.Q(kind="summon", board__isnull=False),
                name="summon_notices_name_a_board",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} in {self.workspace_id}: {self.text[:40]}"


SEATS_DEFAULT = 5
SEATS_MAX = 12


class Fishbowl(models.Model):
    """The workspace's speaker queue: a few seats "in the bowl", and raised hands waiting in order."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="fishbowl")
    seats = models.PositiveSmallIntegerField(
        _("seats"), default=SEATS_DEFAULT, validators=[MinValueValidator(1), MaxValueValidator(SEATS_MAX)]
    )
    # The number given to the last raised hand: the queue is in the order of these tickets.
    last_ticket = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("fishbowl")
        verbose_name_plural = _("fishbowls")

    def __str__(self) -> str:
        return f"fishbowl of {self.workspace_id} ({self.seats} seats)"


class SpeakerState(models.TextChoices):
    QUEUED = "queued", _("Hand raised")
    OFFERED = "offered", _("Seat offered")
    SEATED = "seated", _("In the bowl")


class Speaker(models.Model):
    """One person's place in the fishbowl: waiting with a raised hand, offered a seat, or seated.

    One row per person at most (the constraint): nobody holds two seats or two places in the queue.
    Leaving the bowl, lowering a hand or declining a seat deletes the row.
    """

    fishbowl = models.ForeignKey(Fishbowl, on_delete=models.CASCADE, related_name="speakers")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=SpeakerState.choices, default=SpeakerState.QUEUED)
    ticket = models.PositiveBigIntegerField()
    raised_at = models.DateTimeField(default=timezone.now)
    offered_at = models.DateTimeField(null=True, blank=True)
    seated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["ticket"]
        constraints = [
            models.UniqueConstraint(fields=["fishbowl", "membership"], name="one_place_per_person_in_fishbowl"),
            models.UniqueConstraint(fields=["fishbowl", "ticket"], name="one_person_per_fishbowl_ticket"),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.state} in fishbowl {self.fishbowl_id}"
