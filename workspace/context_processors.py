"""What every page needs to know about its viewer: zone names for scripts, and the languages offered."""

from django.conf import settings


def viewer(request) -> dict:
    zone = getattr(request, "viewer_zone", None)
    return {
        "viewer_tz": zone.key if zone else "",
        "language_choices": settings.LANGUAGES,
    }
