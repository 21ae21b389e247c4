"""Show times in the viewer's own time zone.

The browser tells its zone through the ``tz`` cookie (set by static/js/codesign.js); times are then
rendered in it. Without the cookie (first visit, no JavaScript) the page uses UTC and says so.
"""

import zoneinfo
from urllib.parse import unquote

from django.utils import timezone

TIME_ZONE_COOKIE = "tz"


def zone_from_name(name: str | None) -> zoneinfo.ZoneInfo | None:
    if not name or len(name) > 64:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class ViewerTimeZoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = zone_from_name(unquote(request.COOKIES.get(TIME_ZONE_COOKIE, "")))
        request.viewer_zone = zone
        if zone is not None:
            timezone.activate(zone)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
