"""``{% room_bar %}``: the strip every page of a workspace carries (the live session and its time
left, a facilitator's message, "come to board X", a fishbowl seat offered to you), kept live by
``static/js/room.js`` over the room's WebSocket."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from facilitation.selectors import room_state
from workspace.models import SessionState

register = template.Library()


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
