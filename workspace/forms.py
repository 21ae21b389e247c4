"""Forms of the workspace pages. They shape input; the rules are checked by ``workspace.actions``."""


from django import forms
from django.core.exceptions import BadRequest
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from workspace.roles import Role


class BadFormValue(BadRequest):
    """A form field that no page of ours sends; the 400 page shows its message (``codesign.urls``)."""


ID_DIGITS = 18  # a bigint has 19: longer is no id of ours


def form_id(value, *, field: str) -> int:
    """The id a page's form sent (``form_id(request.POST.get("member"), field="member")``), read as
    the API reads one: anything but a whole number is a 400 naming the field, never a 500. Whether
    that id names something the viewer may see is for the view's lookup (its usual 404)."""
    if not (isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= ID_DIGITS):
        raise BadFormValue(_("“%(field)s” must be a whole number.") % {"field": field})
    return int(value)


def country_choices(blank_label):
    return lambda: [("", blank_label), *[(code, name) for code, name in countries]]


class JoinForm(forms.Form):
    """A signed-in person joins: how they appear in this workspace."""

    display_name = forms.CharField(
        label=_("Your name as others will see it"),
        max_length=80,
        help_text=_("You can use a first name or a pseudonym."),
    )
    country = forms.ChoiceField(
        label=_("Country"),
        required=False,
        choices=country_choices(_("— Prefer not to say —")),
        help_text=_("Votes count you under a country once a steward has confirmed it."),
    )


class SignUpForm(JoinForm):
    """A new person makes an account through an invitation."""

    username = forms.CharField(
        label=_("User name (to sign in)"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only. Others do not see it."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = ["display_name", "country", "username", "password1", "password2"]

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data


class InvitationForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.PARTICIPANT)
    country = forms.ChoiceField(
        label=_("Country (suggested to the person joining)"),
        required=False,
        choices=country_choices(_("— None —")),
        help_text=_(
            "A link for one person gives them this country at once. Through a link for several people, each "
            "person's country waits for a steward to confirm it on the members page."
        ),
    )
    max_uses = forms.IntegerField(label=_("How many people may use it"), min_value=1, max_value=1000, initial=1)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=366, initial=14)
    note = forms.CharField(
        label=_("Note for stewards"),
        max_length=200,
        required=False,
        help_text=_("For example: Kyrgyz delegation. Only stewards see it."),
    )


