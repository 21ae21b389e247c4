"""Show every page in the viewer's own language and time zone.

Language: the one the person chose (their ``Profile``), else the language cookie the switcher sets
for people not signed in, else the browser's ``Accept-Language`` (Django's ``LocaleMiddleware``
already did those two; Dari browsers that send ``prs`` are mapped to ``fa-af`` here).

Time zone: the one the person chose, else the one the browser reports through the ``tz`` cookie
(set by static/js/codesign.js), else the workspace's (views fall back to it) or UTC.
"""

import zoneinfo
from urllib.parse import unquote

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation.trans_real import parse_accept_lang_header

from accounts.models import Profile

TIME_ZONE_COOKIE = "tz"
# Language tags browsers send that Django's fallback rules do not map onto ours.
LANGUAGE_ALIASES = {"prs": "fa-af"}


def zone_from_name(name: str | None) -> zoneinfo.ZoneInfo | None:
    if not name or len(name) > 64:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def language_from_header(header: str) -> str | None:
    """The first language of an Accept-Language header we have, with our aliases."""
    for tag, _quality in parse_accept_lang_header(header):
        base = tag.split("-")[0]
        if base in LANGUAGE_ALIASES:
            return LANGUAGE_ALIASES[base]
        try:
            return translation.get_supported_language_variant(tag)
        except LookupError:
            continue
    return None


def viewer_profile(request) -> Profile | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(request, "_codesign_profile"):
        request._codesign_profile = Profile.objects.filter(user=user).first()
    return request._codesign_profile


class ViewerPreferencesMiddleware:
    """After ``AuthenticationMiddleware``: the signed-in person's choices win over the browser's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        profile = viewer_profile(request)
        language = profile.language if profile and profile.language in dict(settings.LANGUAGES) else None
        if language is None and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            language = language_from_header(request.headers.get("Accept-Language", ""))
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language

        zone = zone_from_name(profile.time_zone if profile else None)
        request.browser_zone = zone_from_name(unquote(request.COOKIES.get(TIME_ZONE_COOKIE, "")))
        request.viewer_zone = zone or request.browser_zone
        if request.viewer_zone is not None:
            timezone.activate(request.viewer_zone)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def language_for_socket(scope) -> str:
    """A WebSocket's language, by the same rules as a page's: profile, cookie, Accept-Language."""
    user = scope.get("user")
    if user is not None and user.is_authenticated:
        chosen = Profile.objects.filter(user=user).values_list("language", flat=True).first()
        if chosen in dict(settings.LANGUAGES):
            return chosen
    cookie = scope.get("cookies", {}).get(settings.LANGUAGE_COOKIE_NAME)
    if cookie in dict(settings.LANGUAGES):
        return cookie
    headers = dict(scope.get("headers", []))
    accept = headers.get(b"accept-language", b"").decode("latin-1")
    return language_from_header(accept) or settings.LANGUAGE_CODE
