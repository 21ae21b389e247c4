"""Live sessions: a facilitator starts an agenda session, gives it more time, and ends it.

The session's ``ends_at`` is when it is due to end; every screen counts down to it on the server's
clock (the room state carries the server's time). One session is live at a time.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from facilitation.actions.common import locked_workspace
from facilitation.errors import FacilitationError
from facilitation.selectors import session_data
from workspace.actions.members import SESSION_TEXTS
from workspace.audit import audit
from workspace.events import record_workspace_event
from workspace.models import AgendaSession, Membership, SessionState
from workspace.roles import require
from workspace.transactions import write_transaction
from workspace.translations import clean_one, merged_translations

EXTEND_MAX_MINUTES = 240


def _announce(session: AgendaSession, by: Membership, verb: str) -> None:
    record_workspace_event(
        workspace=session.workspace, type="session.updated", payload={"session": session_data(session)}, actor=by.user
    )
    audit(session.workspace, by, verb, session, {"ends_at": session.ends_at.isoformat()})


def _locked(session: AgendaSession) -> AgendaSession:
    workspace = locked_workspace(session.workspace_id)
    session = AgendaSession.objects.get(pk=session.pk)
    session.workspace = workspace
    return session


def start_session(*, session: AgendaSession, by: Membership) -> AgendaSession:
    """Make a session live (again, if it was ended by mistake); it runs for its planned length if
    it starts after its planned end."""
    require(by, "facilitate")
    with write_transaction():
        session = _locked(session)
        if session.state == SessionState.LIVE:
            raise FacilitationError(_("This session is already live."), kind=FacilitationError.CONFLICT)
        other = AgendaSession.objects.filter(workspace=session.workspace, state=SessionState.LIVE).first()
        if other is not None:
            raise FacilitationError(
                _("“%(title)s” is live: end it before starting another session.") % {"title": other.title},
                kind=FacilitationError.CONFLICT,
            )
        now = timezone.now()
        if session.ends_at <= now:
            session.ends_at = now + (session.ends_at - session.starts_at)
        session.state, session.started_at, session.ended_at = SessionState.LIVE, now, None
        session.save(update_fields=["state", "started_at", "ended_at", "ends_at"])
        _announce(session, by, "session.started")
    return session


def extend_session(*, session: AgendaSession, by: Membership, minutes: int) -> AgendaSession:
    """Give a live session more time (counted from now if it is already over time)."""
    require(by, "facilitate")
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= EXTEND_MAX_MINUTES:
        raise FacilitationError(_("Extend a session by 1 to %(max)d minutes.") % {"max": EXTEND_MAX_MINUTES})
    with write_transaction():
        session = _locked(session)
        if session.state != SessionState.LIVE:
            raise FacilitationError(_("Only a live session can be extended."), kind=FacilitationError.CONFLICT)
        session.ends_at = max(session.ends_at, timezone.now()) + timedelta(minutes=minutes)
        session.save(update_fields=["ends_at"])
        _announce(session, by, "session.extended")
    return session


def end_session(*, session: AgendaSession, by: Membership) -> AgendaSession:
    """End a live session now."""
    require(by, "facilitate")
    with write_transaction():
        session = _locked(session)
        if session.state != SessionState.LIVE:
            raise FacilitationError(_("Only a live session can be ended."), kind=FacilitationError.CONFLICT)
        session.state, session.ended_at = SessionState.ENDED, timezone.now()
        session.save(update_fields=["state", "ended_at"])
        _announce(session, by, "session.ended")
    return session


def retitle_session(
    *, session: AgendaSession, by: Membership, title: str | None = None, translations: dict | None = None
) -> AgendaSession:
    """Rename a session, or give its title in other languages (``{"ru": {"title": …}}``)."""
    require(by, "facilitate")
    if title is not None:
        title = clean_one(title, SESSION_TEXTS["title"], label=_("The title"))
        if not title:
            raise FacilitationError(_("A session needs a title."))
    with write_transaction():
        session = _locked(session)
        changed = {}
        if title is not None and title != session.title:
            changed["title"] = title
        if translations is not None:
            merged = merged_translations(session.translations, translations, SESSION_TEXTS)
            if merged != session.translations:
                changed["translations"] = merged
        if changed:
            for field, value in changed.items():
                setattr(session, field, value)
            session.save(update_fields=list(changed))
            _announce(session, by, "session.renamed")
    return session
