"""Workspaces, their members and invitations, their agenda, event stream, audit log and mail.

Models hold data and its invariants (constraints); every change to them goes through
``workspace.actions``.
"""

import secrets
import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from workspace.roles import Role
from workspace.translations import Translated


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class Workspace(Translated):  # name, description
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC", validators=[validate_time_zone])
    # The sequence number of the last workspace-wide event (sessions, notices, fishbowl; see
    # workspace.events), like Board.event_seq for a board's events.
    event_seq = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("workspace")
        verbose_name_plural = _("workspaces")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class SessionState(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    LIVE = "live", _("Live")
    ENDED = "ended", _("Ended")


# A session never started this long after its planned end was not held (facilitators often start
# late, so not at once); the console's script reads the same span (facilitation/views.py).
NOT_HELD_AFTER = timedelta(hours=12)


class AgendaSession(Translated):  # title
    """One session of the workspace's programme (e.g. day 1, 17:00-19:00 Bishkek time).

    A facilitator starts, extends and ends it: ``state`` is theirs, not the clock's. While it is
    live, ``ends_at`` is when it is due to end (extending moves it).
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="agenda")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    state = models.CharField(_("state"), max_length=10, choices=SessionState.choices, default=SessionState.UPCOMING)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("agenda session")
        verbose_name_plural = _("agenda sessions")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="agenda_session_ends_after_start"
            )
        ]

    @property
    def not_held(self) -> bool:
        """Never started, and its planned end long past: shown as past, not as upcoming."""
        return self.state == SessionState.UPCOMING and self.ends_at + NOT_HELD_AFTER < timezone.now()

    def __str__(self) -> str:
        return self.title


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PARTICIPANT)
    display_name = models.CharField(_("display name"), max_length=80)
    # The country a steward set or confirmed (an invitation for one person, the members page): the
    # one every count by country uses. A country members give themselves waits in
    # ``requested_country`` (asked for when ``country_requested_at`` is set; "" asks for none) until
    # a steward confirms it, never during an open round (docs/design.md, "Anonymity").
    country = CountryField(_("country"), blank=True)
    requested_country = CountryField(_("country asked for"), blank=True)
    country_requested_at = models.DateTimeField(_("country asked for on"), null=True, blank=True)
    # Consent to be named in the published charter (the default is no names).
    show_name_in_charter = models.BooleanField(_("name me in the charter"), default=False)
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)
    # When they last left a board (their connection closed); the members page shows "here now"
    # for whoever is on a board at the moment.
    last_seen_at = models.DateTimeField(_("last here"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["display_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "workspace"], name="one_membership_per_user_and_workspace")
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.get_role_display()}, {self.workspace})"


def new_invitation_token() -> str:
    return secrets.token_urlsafe(24)


class Invitation(models.Model):
    """A link that lets people join a workspace with a given role, a limited number of times."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token, editable=False)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PARTICIPANT)
    country = CountryField(_("country"), blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    max_uses = models.PositiveIntegerField(
        _("maximum uses"), default=1, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    uses = models.PositiveIntegerField(_("uses"), default=0)
    expires_at = models.DateTimeField(_("expires at"))
    revoked = models.BooleanField(_("revoked"), default=False)
    # A personal invitation, mailed to one person (the join form starts from their name, country
    # and language); a link to pass on by hand has none of these.
    email = models.EmailField(_("email"), blank=True)
    name = models.CharField(_("name"), max_length=80, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(uses__lte=models.F("max_uses")), name="invitation_uses_within_max"
            )
        ]

    def __str__(self) -> str:
        return f"{self.workspace} / {self.get_role_display()} / {self.token[:6]}…"

    @property
    def status(self) -> str:
        """active, revoked, expired or used_up."""
        if self.revoked:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        if self.uses >= self.max_uses:
            return "used_up"
        return "active"

    def unusable_reason(self) -> str | None:
        """Why this link can no longer be used, in words for the person holding it; None if it can."""
        return {
            "revoked": _("This invitation has been withdrawn by the organisers."),
            "expired": _("This invitation has expired."),
            "used_up": _("This invitation has already been used as many times as it allows."),
        }.get(self.status)


class StoredEvent(models.Model):
    """An event in a stream (a board's, a workspace's): its ``seq`` is gap-free within the stream."""

    seq = models.PositiveBigIntegerField()
    type = models.CharField(max_length=60)
    payload = models.JSONField(default=dict)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class WorkspaceEvent(StoredEvent):
    """One workspace-wide change (a session started, a notice, the fishbowl), in order (``seq``)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["workspace", "seq"]
        constraints = [models.UniqueConstraint(fields=["workspace", "seq"], name="one_event_per_workspace_seq")]

    def __str__(self) -> str:
        return f"{self.workspace_id}#{self.seq} {self.type}"


class IdempotentRequest(models.Model):
    """The answer to a POST sent with an ``Idempotency-Key``, so a retry creates nothing twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    path = models.CharField(max_length=300)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_answer_per_idempotency_key")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


class AuditEntry(models.Model):
    """Who did what in a workspace, for the stewards' record (``workspace.audit.audit``): memberships,
    roles, invitations, board states, round steps, the charter. Names are kept as they were, so an
    entry still says who acted after that person left."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="audit_log")
    actor = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_name = models.CharField(max_length=120, blank=True)
    verb = models.CharField(max_length=60, db_index=True)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    details = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "-created_at"], name="audit_by_workspace_time")]

    def __str__(self) -> str:
        return f"{self.verb} in {self.workspace_id}"


class MailState(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Could not be sent")


class OutgoingMail(models.Model):
    """A mail in the outbox (``workspace.mail``): written with the change that needs it, sent by a
    worker, tried again with back-off, its state visible to stewards."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=40)  # invitation, reminder, password_reset, …
    invitation = models.ForeignKey(Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="mails")
    to = models.EmailField()
    language = models.CharField(max_length=10)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField()
    state = models.CharField(max_length=10, choices=MailState.choices, default=MailState.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to} ({self.state})"
