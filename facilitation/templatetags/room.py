"""``{% room_bar %}``: the strip every page of a workspace carries (the live session and its time
left, a facilitator's message, "come to board X", a fishbowl seat offered to you), kept live by
``static/js/room.js`` over the room's WebSocket."""

import re
from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django_countries import countries

from facilitation.selectors import room_state
from workspace.models import SessionState
from workspace.translations import localized

register = template.Library()

SUMMON_FRESH = timedelta(minutes=15)  # as long as room.js keeps "come to board X" up


def room_strings() -> dict:
    return {
        "time_left": _("%(time)s left"),
        "over_time": _("Over time by %(time)s"),
        "ends_at": _("ends at %(time)s"),
        "show_more": _("%(count)s more"),
        "show_less": _("Show less"),
        "show_all": _("Show all"),
        "message_from": _("Message from %(name)s"),
        "facilitators": _("the facilitators"),
        "summon": _("%(name)s asks everyone to come to “%(board)s”."),
        "summon_here": _("%(name)s asks everyone to this board."),
        "go_to_board": _("Go to %(board)s"),
        "offline": _("Not sent: the connection is down. Try again when you are back online."),
    }


def seconds_left(ends_at, now) -> int:
    """Until ``ends_at``; negative once it has passed (over time)."""
    return round((ends_at - now).total_seconds())


def format_into(template_text: str, **values) -> SafeString:
    """``template_text`` with each ``%(name)s`` replaced by its value in its own <bdi>, as room.js's
    formatInto draws it (so that the page's first paint and the script's agree)."""
    parts = re.split(r"%\((\w+)\)s", template_text)
    pieces = (format_html("<bdi>{}</bdi>", values.get(part, "")) if i % 2 else part for i, part in enumerate(parts))
    return format_html_join("", "{}", ((piece,) for piece in pieces))


def _author_name(notice: dict) -> str:
    return notice["author"]["display_name"] if notice["author"] else _("the facilitators")


def first_lines(state: dict, membership, path: str) -> dict:
    """The message and "come to board X" the room strip shows first, drawn on the server as
    room.js draws them, so that a phone's first paint already shows the most pressing line (the
    page jumped when the script replaced the session's line by a message). What the server cannot
    know (a line this browser dismissed, a seat offered) the script still corrects."""
    now = timezone.now()
    message = next((n for n in state["notices"] if n["kind"] == "message"), None)
    summon = next((n for n in state["notices"] if n["kind"] == "summon"), None)
    if summon and (
        now - datetime.fromisoformat(summon["created_at"]) >= SUMMON_FRESH
        or (summon["author"] and summon["author"]["id"] == membership.pk)
        or not summon["board"]
    ):
        summon = None
    here = bool(summon and path == summon["board"]["url"])
    live = any(s["state"] == SessionState.LIVE for s in state["sessions"])
    # The newer of the two first (a message sent after a summons is news), but a summons to the
    # board one is on says nothing new once there.
    message_first = here or bool(message and summon and message["id"] > summon["id"])
    shown = [kind for kind, on in (("banner", message), ("summon", summon)) if on]
    shown = shown if message_first else shown[::-1]
    # The live session is one short line and always shows (a message must not hide the time left):
    # only notices fold behind "N more"; without any, the session's line carries the button.
    first = shown[0] if shown else ("session" if live else "")
    lines = {"here": here, "message_first": message_first, "first": first, "more": shown[1:],
             "more_count": len(shown) - 1}  # fmt: skip
    if message:
        says = format_into(_("Message from %(name)s") + ":", name=_author_name(message))
        lines["message"] = {**message, "from": says}
    if summon:
        board = localized(summon["board"], "title")
        if here:
            says = format_into(_("%(name)s asks everyone to this board."), name=_author_name(summon))
        else:
            says = _("%(name)s asks everyone to come to “%(board)s”.")
            says = format_into(says, name=_author_name(summon), board=board)
        lines["summon"] = {**summon, "says": says, "go": format_into(_("Go to %(board)s"), board=board)}
    return lines


@register.inclusion_tag("facilitation/room_bar.html", takes_context=True)
def room_bar(context):
    workspace, membership = context["workspace"], context["membership"]
    state = room_state(workspace)
    live = next((s for s in state["sessions"] if s["state"] == SessionState.LIVE), None)
    request = context.get("request")
    country_codes = workspace.memberships.exclude(country="").values_list("country", flat=True).distinct()
    ends_at = datetime.fromisoformat(live["ends_at"]) if live else None
    return {
        "workspace": workspace,
        "membership": membership,
        "live": live,
        "live_ends_at": ends_at,
        "left": seconds_left(ends_at, timezone.now()) if live else 0,
        "console": bool(request and request.resolver_match and request.resolver_match.url_name == "console"),
        "room_state": {**state, "me": membership.pk},
        "lines": first_lines(state, membership, request.path if request else ""),
        "room_strings": {
            **room_strings(),
            "countries": {
                **{code: str(countries.name(code)) for code in country_codes},
                # An anonymous round's countries with fewer than three voters, counted together.
                "other": _("Other countries"),
            },
        },
    }


@register.filter
def clock(seconds: int) -> str:
    """1:02:03 or 2:03, as the scripts count."""
    hours, rest = divmod(abs(int(seconds)), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
