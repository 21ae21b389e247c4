"""A person's forms: their preferences (language, time zone, mails), sign-in (saying when an address is
locked out), and naming a new API token."""

import zoneinfo

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.signin import locked_message
from workspace.zones import EVENT_ZONES, canonical_time_zones, zone_label


def _by_offset(zones, now):
    return sorted(
        ((zone, zone_label(zone, now)) for zone in zones),
        key=lambda pair: (now.astimezone(zoneinfo.ZoneInfo(pair[0])).utcoffset(), pair[1]),
    )


def time_zone_choices(current: str = ""):
    """The event's zones first, then every other canonical zone by offset; ``current`` (what a
    member chose, perhaps an old alias) stays in the list so that saving the form keeps it."""
    now = timezone.now()
    others = [zone for zone in canonical_time_zones() if zone not in EVENT_ZONES]
    if current and current not in EVENT_ZONES and current not in others and current in zoneinfo.available_timezones():
        others.append(current)
    return [
        ("", _("The one my device reports")),
        (_("This event's zones"), _by_offset(EVENT_ZONES, now)),
        (_("All zones"), _by_offset(others, now)),
    ]


class PreferencesForm(forms.Form):
    """A person's language and time zone, the same in every workspace."""

    language = forms.ChoiceField(
        label=_("Your language on every device"),
        required=False,
        choices=lambda: [("", _("The one my browser asks for")), *settings.LANGUAGES],
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        choices=time_zone_choices,
        help_text=_("Times (agenda, deadlines, comments, versions) are shown in this zone."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices(self.initial.get("time_zone") or "")


class SaysWhenLocked:
    """On a sign-in form: when the sign-in counters lock the try, say so and for how long."""

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            wait = getattr(self.request, "signin_wait", 0)
            if wait:
                raise forms.ValidationError(locked_message(wait), code="locked") from None
            raise


class SignInForm(SaysWhenLocked, AuthenticationForm):
    pass


class AdminSignInForm(SaysWhenLocked, AdminAuthenticationForm):
    pass


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What it is for, e.g. “results script”. You see it in this list; nobody else does."),
    )


