"""Reads of the facilitation app: the room's state (what every page of a workspace shows live) and
the console's overview of every board. Both with a fixed number of queries per board."""

from collections import Counter
from datetime import timedelta

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from boards.models import BoardPresence, Card, CardKind, Comment
from boards.rules import allowed_activities
from boards.selectors import workspace_boards
from facilitation.models import Fishbowl, Notice, Speaker, SpeakerState
from voting.models import Round, RoundState
from voting.selectors import round_public
from workspace.models import AgendaSession, Membership, SessionState, Workspace
from workspace.roles import require
from workspace.selectors import PRESENCE_STALE_AFTER, author_data, iso

# How many past notices the room state carries (the console shows the whole history).
RECENT_NOTICES = 5
# Without a live session, the console counts new cards and comments over this span.
NEW_WINDOW = timedelta(hours=1)


def session_data(session: AgendaSession) -> dict:
    return {
        "id": session.pk,
        "title": session.title,
        "translations": session.translations,
        "state": session.state,
        "starts_at": iso(session.starts_at),
        "ends_at": iso(session.ends_at),
        "started_at": iso(session.started_at),
        "ended_at": iso(session.ended_at),
    }


def live_session(workspace: Workspace) -> AgendaSession | None:
    return AgendaSession.objects.filter(workspace=workspace, state=SessionState.LIVE).first()


def notice_data(notice: Notice) -> dict:
    board = None
    if notice.board_id:
        board = {
            "id": notice.board_id,
            "title": notice.board.title,
            "translations": notice.board.translations,
            "url": reverse("board", args=[notice.workspace.slug, notice.board_id]),
        }
    return {
        "id": notice.pk,
        "kind": notice.kind,
        "text": notice.text,
        "board": board,
        "author": author_data(notice.author),
        "created_at": iso(notice.created_at),
        "withdrawn_at": iso(notice.withdrawn_at),
    }


def notices(workspace: Workspace, *, limit: int | None = None, withdrawn: bool = True) -> list[dict]:
    """The workspace's notices, newest first. ``withdrawn`` False: those pages may still show, that
    is none withdrawn nor older than one of its kind withdrawn since (withdrawing today's message
    must not bring back this morning's)."""
    rows = Notice.objects.filter(workspace=workspace).select_related("board", "author", "workspace")
    if withdrawn:
        return [notice_data(notice) for notice in (rows[:limit] if limit else rows)]
    shown, ended = [], set()  # one query: newest first, a kind ends at its newest withdrawn notice
    for notice in rows[: limit * 4] if limit else rows:
        if notice.withdrawn_at is not None:
            ended.add(notice.kind)
        elif notice.kind not in ended:
            shown.append(notice_data(notice))
    return shown[:limit] if limit else shown


def speaker_data(speaker: Speaker) -> dict:
    member = speaker.membership
    return {
        "member": member.pk,
        "display_name": member.display_name,
        "country": member.country.code or None,
        "state": speaker.state,
        "ticket": speaker.ticket,
        "raised_at": iso(speaker.raised_at),
        "offered_at": iso(speaker.offered_at),
        "seated_at": iso(speaker.seated_at),
    }


def fishbowl_state(workspace: Workspace) -> dict:
    """The seats and the queue: who is in the bowl, who has been offered a seat, who waits (in order)."""
    fishbowl = Fishbowl.objects.filter(workspace=workspace).first()
    if fishbowl is None:
        return {"seats": Fishbowl._meta.get_field("seats").default, "seated": [], "offered": [], "queue": []}
    speakers = list(Speaker.objects.filter(fishbowl=fishbowl).select_related("membership").order_by("ticket"))

    def in_state(state, key):
        return [speaker_data(s) for s in sorted((s for s in speakers if s.state == state), key=key)]

    return {
        "seats": fishbowl.seats,
        "seated": in_state(SpeakerState.SEATED, lambda s: (s.seated_at, s.ticket)),
        "offered": in_state(SpeakerState.OFFERED, lambda s: (s.offered_at, s.ticket)),
        "queue": in_state(SpeakerState.QUEUED, lambda s: s.ticket),
    }


def room_state(workspace: Workspace) -> dict:
    """What every page of the workspace shows live, and the workspace ``seq`` it is at."""
    seq = Workspace.objects.values_list("event_seq", flat=True).get(pk=workspace.pk)
    return {
        "seq": seq,
        "server_time": timezone.now().isoformat(),
        "sessions": [session_data(s) for s in workspace.agenda.all()],
        "notices": notices(workspace, limit=RECENT_NOTICES, withdrawn=False),
        "fishbowl": fishbowl_state(workspace),
    }


def console_state(workspace: Workspace, *, board_ids: set[int] | None = None) -> dict:
    """Every board with its state, who is on it (per country), its open round and what is new;
    with ``board_ids``, only those boards (what a console socket sends when they changed)."""
    session = live_session(workspace)
    since = session.started_at if session and session.started_at else timezone.now() - NEW_WINDOW
    boards = list(workspace_boards(workspace))
    if board_ids is not None:
        boards = [board for board in boards if board.pk in board_ids]
    board_ids = [board.pk for board in boards]

    presence: dict[int, Counter] = {board_id: Counter() for board_id in board_ids}
    here = (
        BoardPresence.objects.filter(board__in=board_ids, last_seen__gte=timezone.now() - PRESENCE_STALE_AFTER)
        .values_list("board_id", "membership_id", "membership__country")
        .distinct()
    )
    for board_id, _member_id, country in here:  # one row per member and board, however many tabs
        presence[board_id][country or "none"] += 1

    new_cards = dict(
        Card.objects.filter(board__in=board_ids, kind=CardKind.IDEA, created_at__gte=since, removed_at=None)
        .values_list("board")
        .annotate(n=Count("id"))
        .values_list("board", "n")
    )
    new_comments = dict(
        Comment.objects.filter(card__board__in=board_ids, created_at__gte=since, removed_at=None)
        .values_list("card__board")
        .annotate(n=Count("id"))
        .values_list("card__board", "n")
    )
    open_rounds = {r.board_id: r for r in Round.objects.filter(board__in=board_ids, state=RoundState.OPEN)}
    return {
        "server_time": timezone.now().isoformat(),
        "since": since.isoformat(),
        "boards": [
            {
                "id": board.pk,
                "title": board.title,
                "translations": board.translations,
                "state": board.state,
                "allows": allowed_activities(board.state),
                "url": reverse("board", args=[workspace.slug, board.pk]),
                "presence": {"total": sum(presence[board.pk].values()), "by_country": dict(presence[board.pk])},
                "round": round_public(open_rounds[board.pk]) if board.pk in open_rounds else None,
                "new_cards": new_cards.get(board.pk, 0),
                "new_comments": new_comments.get(board.pk, 0),
            }
            for board in boards
        ],
    }


def facilitator_console(member: Membership) -> dict:
    """The console's overview, for a member whose role may facilitate (a 403-kind error otherwise)."""
    require(member, "facilitate")
    return console_state(member.workspace)
