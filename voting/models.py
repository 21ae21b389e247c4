"""Dot-voting rounds on a board: their settings, the dots placed, the results frozen at close.

The budget and the per-card cap are guarded by the database, not only by Python: each dot takes a
numbered slot (1..budget) among the voter's dots and a numbered slot (1..cap) among the voter's dots
on that card; unique constraints and check constraints make a dot beyond either impossible, under
any concurrency, on SQLite and PostgreSQL alike.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boards.models import Board, Card
from workspace.models import Membership

BUDGET_MAX = 50


class RoundState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class ResultsVisibility(models.TextChoices):
    LIVE = "live", _("Live")
    HIDDEN = "hidden", _("Hidden until closed")


class RoundSubject(models.TextChoices):
    CARDS = "cards", _("Cards")
    AMENDMENTS = "amendments", _("Amendments to the draft")


class Round(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="rounds")
    question = models.CharField(_("question"), max_length=300)
    # What people vote on: the board's idea cards, or its open amendments (each through its card).
    subject = models.CharField(_("vote on"), max_length=12, choices=RoundSubject.choices, default=RoundSubject.CARDS)
    state = models.CharField(_("state"), max_length=10, choices=RoundState.choices, default=RoundState.DRAFT)
    dots_per_voter = models.PositiveSmallIntegerField(
        _("dots per voter"), default=5, validators=[MinValueValidator(1), MaxValueValidator(BUDGET_MAX)]
    )
    max_per_card = models.PositiveSmallIntegerField(_("most dots on one card"), default=3)
    results_visibility = models.CharField(
        _("results"), max_length=10, choices=ResultsVisibility.choices, default=ResultsVisibility.LIVE
    )
    anonymous = models.BooleanField(_("anonymous"), default=True)
    facilitators_vote = models.BooleanField(_("facilitators and stewards vote too"), default=True)
    # The timer: a duration counted from opening, or a fixed end time (or neither).
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    # The cards in the round; empty until it opens when every proposed card is taken.
    cards = models.ManyToManyField(Card, related_name="rounds", blank=True)
    chosen_cards = models.BooleanField(default=False, editable=False)
    created_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by_timer = models.BooleanField(default=False)
    # Frozen at close (see voting.selectors.compute_results); never recomputed.
    results = models.JSONField(null=True, blank=True, editable=False)
    # An anonymous round's tally and turnout as last published while it is open
    # (voting.actions.publish_tallies): published in batches, never per dot, only once the dots of
    # at least TALLY_BATCH_MIN_VOTERS different people differ from the last one (``uncounted``:
    # {voter key: {card: dots placed minus taken back}} since the last count, written under the
    # round's row lock), so that two frames never differ by the change of fewer people than that.
    published = models.JSONField(null=True, blank=True, editable=False)
    dot_changes = models.PositiveIntegerField(default=0, editable=False)
    published_changes = models.PositiveIntegerField(default=0, editable=False)
    uncounted = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(dots_per_voter__gte=1, dots_per_voter__lte=BUDGET_MAX), name="round_budget_range"
            ),
            models.CheckConstraint(
                condition=models.Q(max_per_card__gte=1, max_per_card__lte=models.F("dots_per_voter")),
                name="round_cap_within_budget",
            ),
            # At most one open round per board.
            models.UniqueConstraint(
                fields=["board"], condition=models.Q(state="open"), name="one_open_round_per_board"
            ),
        ]

    def __str__(self) -> str:
        return self.question


class Dot(models.Model):
    """One dot a voter placed on a card. ``slot``/``card_slot`` number it for the constraints."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="dots")
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="dots")
    # A member removed mid-round leaves their dots counted (deleting them would show the tally drop
    # by exactly their votes): the dot keeps an opaque key for counting distinct voters and the
    # country they had, and loses the link to the person.
    voter = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="dots")
    voter_key = models.PositiveBigIntegerField(default=0)
    country = models.CharField(max_length=2, blank=True, default="")
    slot = models.PositiveSmallIntegerField()
    card_slot = models.PositiveSmallIntegerField()
    # Copies of the round's budget and cap (fixed once it opens), for the check constraints.
    budget = models.PositiveSmallIntegerField()
    cap = models.PositiveSmallIntegerField()
    placed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "voter", "slot"], name="dot_slot_within_budget"),
            models.UniqueConstraint(fields=["round", "voter", "card", "card_slot"], name="dot_slot_within_card_cap"),
            models.CheckConstraint(
                condition=models.Q(slot__gte=1, slot__lte=models.F("budget"), budget__lte=BUDGET_MAX),
                name="dot_slot_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(card_slot__gte=1, card_slot__lte=models.F("cap"), cap__lte=models.F("budget")),
                name="dot_card_slot_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"dot {self.slot} in round {self.round_id}"


class Adoption(models.Model):
    """A card adopted from a round's results (``voting.actions.adopt_results``): which round it
    was, so that the charter shows that round's tally beside the card, whatever rounds came after.
    A card adopted again later has one row per round; the newest is the one that counts."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="adoptions")
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="adoptions")
    adopted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "card"], name="one_adoption_per_round_and_card")]

    def __str__(self) -> str:
        return f"card {self.card_id} adopted in round {self.round_id}"


RESULTS_ORDER_NOTE = _(
    "Cards are ranked by dots. Cards with equal dots share a rank (1, 1, 3); among them, the card "
    "with more supporters is listed first, then the card that was posted earlier."
)
