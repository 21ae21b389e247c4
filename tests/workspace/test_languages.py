"""Lists and words in the reader's language (issue 25, Low): countries, time zones, Dari's months,
digits and word for "password", the password reset page, the signed-out language switcher."""

import datetime
import re
from pathlib import Path

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.formats import date_format
from django.utils.http import urlsafe_base64_encode
from django_countries import countries

from accounts import actions as account_actions
from accounts.forms import PreferencesForm
from tests.factories import make_user
from workspace.forms import JoinForm
from workspace.models import OutgoingMail
from workspace.selectors import name_order
from workspace.zones import EVENT_ZONES, canonical_time_zones

pytestmark = pytest.mark.django_db

DARI_PO = Path(__file__).resolve().parents[2] / "locale" / "fa_AF" / "LC_MESSAGES" / "django.po"


def _country_names(language: str) -> list[str]:
    with translation.override(language):
        return [str(name) for code, name in JoinForm().fields["country"].choices if code][7:]  # after the founders'


@pytest.mark.parametrize("language", ["en", "ru", "fa-af"])
def test_countries_are_sorted_by_their_name_in_the_readers_language(language):
    """After the founders' seven, the join form's countries are in the reader's alphabetical order."""
    names = _country_names(language)
    assert names == sorted(names, key=name_order)


def test_russian_country_names_are_nominative_and_english_says_nauru():
    """Russian says "Либерия", not "Либерии"; English says "Nauru", not "Naoero"."""
    with translation.override("ru"):
        assert [str(countries.name(code)) for code in ("LR", "NC", "MM", "NR")] == [
            "Либерия",
            "Новая Каледония",
            "Мьянма",
            "Науру",
        ]
        genitive = re.compile(r"^(Либерии|Новой Каледонии|Мьянмы|Святого .*|Святой Елены, .*|Сан - Марино)$")
        assert not [name for name in _country_names("ru") if genitive.match(name)]
    with translation.override("en"):
        assert str(countries.name("NR")) == "Nauru"
    with translation.override("fa-af"):
        assert str(countries.name("NR")) == "نائورو"


def _zone_choices(form):
    blank, (event_label, event), (all_label, everywhere) = form.fields["time_zone"].choices
    return event, everywhere


def test_the_time_zone_picker_offers_canonical_zones_the_events_first():
    """No old aliases (US/Eastern, Asia/Calcutta); the event's seven first, labelled "UTC+04:30 · Kabul"."""
    with translation.override("en"):
        event, everywhere = _zone_choices(PreferencesForm())
    assert {zone for zone, _label in event} == set(EVENT_ZONES)
    values = [zone for zone, _label in everywhere]
    assert "Asia/Kolkata" in values and "Europe/Berlin" in values and "UTC" in values
    assert not {"US/Eastern", "Asia/Calcutta", "Asia/Katmandu", "Etc/GMT+5"} & set(values)
    assert len(values) + len(event) < 450
    assert dict(event)["Asia/Kabul"] == "UTC+04:30 · Kabul"
    assert dict(everywhere)["America/New_York"].endswith("New York (America)")


def test_the_zone_picker_names_the_events_cities_in_dari_and_keeps_an_alias_already_chosen():
    """Dari reads "کابل"; a member whose zone is an old alias still finds it selected in the list."""
    with translation.override("fa-af"):
        event, everywhere = _zone_choices(PreferencesForm(initial={"time_zone": "Asia/Calcutta"}))
    assert dict(event)["Asia/Kabul"].endswith("کابل")
    assert "Asia/Calcutta" in dict(everywhere)
    assert "Asia/Calcutta" not in canonical_time_zones()


def test_saving_preferences_keeps_an_alias_zone(client):
    """The settings page shows a member's alias zone selected, inside the grouped picker."""
    user = make_user()
    account_actions.set_preferences(user=user, time_zone="Asia/Calcutta")
    client.force_login(user)
    page = client.get(reverse("preferences"))
    assert '<option value="Asia/Calcutta" selected>' in page.text
    assert '<optgroup label="This event&#x27;s zones">' in page.text


def test_dari_writes_afghan_month_names():
    """Dari dates say "جنوری", not Iran's "ژانویه"."""
    with translation.override("fa-af"):
        assert date_format(datetime.date(2026, 1, 5), "j F Y") == "5 جنوری 2026"
        assert date_format(datetime.date(2026, 5, 5), "M") == "می"
        assert date_format(datetime.date(2026, 9, 5), "N") == "سپتمبر"


def test_dari_catalog_uses_one_digit_system_and_one_word_for_password():
    """Latin digits everywhere (as the server and time.js write numbers), and رمز for password."""
    text = DARI_PO.read_text(encoding="utf-8")
    assert not re.findall("[\u06f0-\u06f9\u0660-\u0669]", text)
    assert "رمز عبور" not in text and "گذرواژه" not in text
    with translation.override("fa-af"):
        assert "گذرواژه" not in translation.gettext("The two password fields didn’t match.")
        assert "رمز" in translation.gettext("This password is too common.")


def test_the_password_reset_page_speaks_the_mails_language(client):
    """A Russian mail's link opens a Russian page in an English browser, through Django's redirect."""
    user = make_user("olga")
    user.email = "olga@example.org"
    user.save()
    client.post(reverse("password_reset"), {"email": "olga@example.org"}, headers={"accept-language": "ru"})
    mail = OutgoingMail.objects.get(kind="password_reset")
    assert mail.language == "ru"
    link = next(word for word in mail.body_text.split() if word.startswith("http"))
    assert link.endswith("?lang=ru")
    client.cookies.clear()
    page = client.get(link.removeprefix("http://testserver"), headers={"accept-language": "en"}, follow=True)
    assert page.status_code == 200 and "new_password1" in page.text
    assert page["Content-Language"] == "ru" and '<html lang="ru"' in page.text


def test_a_reset_link_without_its_language_tells_a_stranger_nothing_of_the_account(client):
    """A link without ``?lang=`` (made up, or with a wrong token) opens in the browser's language,
    never the account's: the page would tell a stranger that the account exists and what it reads."""
    user = make_user("farid")
    account_actions.set_preferences(user=user, language="fa-af")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    for token in ("made-up-token", default_token_generator.make_token(user)):
        path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
        page = client.get(path, headers={"accept-language": "en"}, follow=True)
        assert page["Content-Language"] == "en"


def test_signed_out_pages_show_each_language_by_its_own_name_without_a_menu(client):
    """The sign-in page in English offers "Русский" and "دری" as buttons, not behind "Menu"."""
    page = client.get(reverse("login"), headers={"accept-language": "en"})
    assert "data-topbar-menu" not in page.text
    assert re.search(r'<button[^>]*name="language" value="ru" lang="ru">Русский</button>', page.text)
    assert re.search(r'<button[^>]*name="language" value="fa-af" lang="fa-af">دری</button>', page.text)
    switched = client.post(reverse("set-language"), {"language": "ru", "next": reverse("login")}, follow=True)
    assert switched["Content-Language"] == "ru"
