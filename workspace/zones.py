"""Time zones as people read them: the event's seven zones by their city in the reader's language
("Кабул"), tzdata's own zones without the old aliases, and "UTC+04:30 · Kabul" labels."""

import datetime
import functools
import importlib.resources
import zoneinfo

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

# The event's zones, listed first, with their cities in the reader's language.
EVENT_ZONES = {
    "Asia/Kabul": _("Kabul"),
    "Asia/Bishkek": _("Bishkek"),
    "Asia/Almaty": _("Almaty"),
    "Asia/Ulaanbaatar": _("Ulaanbaatar"),
    "Asia/Dushanbe": _("Dushanbe"),
    "Asia/Ashgabat": _("Ashgabat"),
    "Asia/Tashkent": _("Tashkent"),
}


@functools.cache
def canonical_time_zones() -> tuple[str, ...]:
    """The zones of tzdata's ``zone.tab`` (one or more per country, without the old aliases such
    as ``Asia/Calcutta`` or ``US/Eastern`` that ``available_timezones()`` also lists), and UTC."""
    table = importlib.resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    zones = {line.split("\t")[2] for line in table.splitlines() if line and not line.startswith("#")}
    return ("UTC", *sorted(zones & zoneinfo.available_timezones()))


def zone_name(zone: str) -> str:
    """The event's zones by their city in the reader's language ("Кабул"); others as they are."""
    return str(EVENT_ZONES[zone]) if zone in EVENT_ZONES else zone


def zone_label(zone: str, now: datetime.datetime | None = None) -> str:
    """Today's offset, then the city: "UTC+04:30 · Kabul" (translated for the event's zones; in other
    languages than English the zone's identifier, as we have no names for the other cities)."""
    offset = (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(zone)).strftime("%z")
    utc = f"UTC{offset[0]}{offset[1:3]}:{offset[3:]}"
    if zone == "UTC":
        return utc
    if zone in EVENT_ZONES:
        place = zone_name(zone)
    elif translation.get_language() == settings.LANGUAGE_CODE:
        region, _slash, city = zone.partition("/")
        place = f"{city.replace('_', ' ').replace('/', ', ')} ({region.replace('_', ' ')})"
    else:
        place = zone
    return f"{utc} · {place}"
