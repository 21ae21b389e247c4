"""Every page a participant, facilitator or steward sees is complete in Russian and in Dari.

The pages are rendered with all user content (names, boards, cards, the draft) written in Cyrillic
or Arabic script, so any run of Latin letters left on a Russian or Dari page is an interface string
nobody translated (or one that never went through gettext). The words that are the same in every
language (the product's name, file formats, the language switcher's "English") are listed below.
The strings the page's scripts show come from JSON the server embeds; those are checked too.
"""

import json
import re
import shutil
import subprocess
import sys
import zoneinfo
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts import actions as account_actions
from boards.models import Board
from charter import actions as charter_actions
from facilitation import actions as facilitation_actions
from tests.charter.test_charter import type_into
from tests.factories import make_card, make_comment, make_invitation, make_member, make_round, make_user
from workspace import actions
from workspace.roles import Role

ROOT = Path(__file__).resolve().parents[1]
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != "en"]

# Words that are the same in every language.
SAME_EVERYWHERE = {
    "codesign", "CSV", "PDF", "HTML", "DOCX", "Word", "Markdown", "JavaScript", "English", "UTC", "SHA", "API",
    "JSON", "ZIP", "Shift", "Tab",  # key names, as printed on every keyboard
}  # fmt: skip
# Time zone names (Asia/Kabul) are identifiers, shown as they are; so are the scripts' placeholders.
ZONE_NAME = re.compile(r"\b[A-Z][A-Za-z]+/[A-Za-z_/+-]+")
ZONES = {zone.replace("_", " ") for zone in zoneinfo.available_timezones()}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\b[0-9a-f]{8,}\b")  # and hashes
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")

CYRILLIC_WS = "Сеть аналитических центров"
DARI_TEXT = "شبکهٔ جامعهٔ مدنی برای آینده‌ای مشترک."
RUSSIAN_TEXT = "Мы — сеть гражданского общества."


class PageText(HTMLParser):
    """The words a person reads or hears on a page: text, labels and the scripts' strings."""

    ATTRIBUTES = {"placeholder", "aria-label", "title", "alt"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.segments: list[str] = []
        self._in = []  # open script/style tags, with their attributes

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in self.ATTRIBUTES & attrs.keys():
            self.segments.append(attrs[name] or "")
        if tag == "input" and attrs.get("type") in {"submit", "button"}:
            self.segments.append(attrs.get("value") or "")
        # code: identifiers (a token's first characters); textarea: what the person typed themselves
        if tag in {"script", "style", "code", "textarea"}:
            self._in.append((tag, attrs))

    def handle_endtag(self, tag):
        if self._in and self._in[-1][0] == tag:
            self._in.pop()

    def handle_data(self, data):
        if not self._in:
            self.segments.append(data)
            return
        tag, attrs = self._in[-1]
        if tag == "script" and attrs.get("type") == "application/json" and attrs.get("id", "").endswith("strings"):
            self.segments.extend(strings_in(json.loads(data)))


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def untranslated(html: str) -> list[str]:
    parser = PageText()
    parser.feed(html)
    left = []
    for segment in parser.segments:
        text = " ".join(segment.split())
        if text in ZONES:
            continue
        words = set(LATIN_WORD.findall(ZONE_NAME.sub("", PLACEHOLDER.sub("", text)))) - SAME_EVERYWHERE
        if words:
            left.append(text)
    return left


@pytest.fixture
def world(db):
    """A workspace whose content is all in Cyrillic and Dari, with every kind of page reachable."""
    titles = {
        "concept": ("Концепция", "Что мы такое?"),
        "mission": ("Миссия", "Зачем мы?"),
        "vision": ("چشم‌انداز", "به کجا می‌رویم؟"),
        "priorities": ("Приоритеты", "Чем займёмся сначала?"),
    }
    now = timezone.now()
    workspace = actions.create_workspace(
        slug="set",
        name=CYRILLIC_WS,
        description="Учредительная встреча.",
        time_zone="Asia/Bishkek",
        agenda=[("День первый", now - timedelta(hours=1), now + timedelta(hours=1))],
        board_questions=titles,
    )
    other = actions.create_workspace(slug="other", name="Другое пространство", time_zone="Asia/Kabul")
    steward = make_member(workspace, Role.STEWARD, country="KG", display_name="Айдана")
    make_member(other, Role.PARTICIPANT, user=steward.user, country="KG", display_name="Айдана")
    facilitator = make_member(workspace, Role.FACILITATOR, country="KZ", display_name="Диас")
    farid = make_member(workspace, Role.PARTICIPANT, country="AF", display_name="فرید")
    boards = {b.kind: b for b in Board.objects.filter(workspace=workspace)}
    card = make_card(boards["priorities"], farid, DARI_TEXT)
    make_card(boards["priorities"], steward, RUSSIAN_TEXT)
    make_comment(card, steward, RUSSIAN_TEXT)
    type_into(boards["mission"], farid, RUSSIAN_TEXT)
    make_round(boards["priorities"], facilitator, question="Что важнее?", duration_seconds=1800)
    charter_actions.publish_version(membership=steward, title="Первая версия")
    invitation = make_invitation(workspace, by=steward, note="Делегация")
    withdrawn = actions.revoke_invitation(invitation=make_invitation(workspace, by=steward), by=steward)
    # The room is live: a session running, a message, everyone asked to a board, the fishbowl in use.
    facilitation_actions.start_session(session=workspace.agenda.get(), by=facilitator)
    facilitation_actions.post_message(workspace=workspace, by=facilitator, text="Десять минут до конца.")
    facilitation_actions.summon_to_board(board=boards["mission"], by=facilitator)
    facilitation_actions.raise_hand(member=farid)
    facilitation_actions.raise_hand(member=steward)
    facilitation_actions.accept_seat(member=farid)
    return {
        "workspace": workspace,
        "steward": steward,
        "facilitator": facilitator,
        "farid": farid,
        "boards": boards,
        "invitation": invitation,
        "withdrawn": withdrawn,
    }


def pages(world):
    """(url name, what to open, who opens it, POST data or None) for every page of the site."""
    ws = world["workspace"]
    steward, farid = world["steward"].user, world["farid"].user
    newcomer = make_user("новичок")
    board = world["boards"]["priorities"]
    account_actions.create_api_token(user=farid, name="скрипт итогов")  # the tokens page lists one
    return [
        ("login", reverse("login"), None, None),
        ("login", reverse("login"), None, {"username": "nobody", "password": "wrong"}),
        ("home", reverse("home"), steward, None),
        ("home", reverse("home"), make_user("гость"), None),
        ("workspace", reverse("workspace", args=[ws.slug]), farid, None),
        ("board", reverse("board", args=[ws.slug, board.pk]), farid, None),
        ("board", reverse("board", args=[ws.slug, board.pk]), world["facilitator"].user, None),
        ("board", reverse("board", args=[ws.slug, world["boards"]["mission"].pk]), steward, None),
        ("invitations", reverse("invitations", args=[ws.slug]), steward, None),
        ("invitations", reverse("invitations", args=[ws.slug]), steward, {"max_uses": "0", "days": "x"}),
        ("charter", reverse("charter", args=[ws.slug]), steward, None),
        ("charter", reverse("charter", args=[ws.slug]), farid, None),
        ("preferences", reverse("preferences"), farid, None),
        ("password-change", reverse("password-change"), farid, None),
        ("password-change", reverse("password-change"), farid, {"old_password": "x", "new_password1": "y"}),
        ("api-tokens", reverse("api-tokens"), farid, None),
        ("api-tokens", reverse("api-tokens"), farid, {"name": ""}),
        ("console", reverse("console", args=[ws.slug]), world["facilitator"].user, None),
        ("password_reset", reverse("password_reset"), None, None),
        ("password_reset_done", reverse("password_reset_done"), None, None),
        ("password_reset_confirm", reverse("password_reset_confirm", args=["MQ", "set-password"]), None, None),
        ("invitations", reverse("invitations", args=[ws.slug]), steward,
         {"do": "preview", "people": "Айгуль, aigul@example.org, KG, participant, ru\nБахром, нет, TJ, x, ru"}),
        ("members", reverse("members", args=[ws.slug]), steward, None),
        ("members", reverse("members", args=[ws.slug]) + "?q=zzz&role=steward", steward, None),
        ("remove-member", reverse("remove-member", args=[ws.slug, world["farid"].pk]), steward, None),
        ("audit", reverse("audit", args=[ws.slug]), steward, None),
        ("texts", reverse("texts", args=[ws.slug]), steward, None),
        ("texts", reverse("texts", args=[ws.slug]) + "?language=fa-af", steward, None),
        ("texts", reverse("texts", args=[ws.slug]), steward, {"language": "ru", "workspace-name": "я" * 201}),
        ("fishbowl", reverse("fishbowl", args=[ws.slug]), farid, None),
        ("fishbowl", reverse("fishbowl", args=[ws.slug]), world["facilitator"].user, None),
        ("join", reverse("join", args=[world["invitation"].token]), None, None),
        ("join", reverse("join", args=[world["invitation"].token]), None, {"password1": "1", "password2": "2"}),
        ("join", reverse("join", args=[world["invitation"].token]), newcomer, None),
        ("join", reverse("join", args=[world["withdrawn"].token]), None, None),
        ("join", reverse("join", args=["no-such-token"]), None, None),
        ("not found", "/w/set/boards/999999/", farid, None),
    ]


# URL names that are not pages: they act and redirect, answer JSON, or are Django's admin.
NOT_PAGES = {
    "logout", "set-language", "revoke-invitation", "revoke-api-token", "api-schema", "api-docs",
    "my-data", "workspace-archive",  # downloads (JSON, ZIP) of people's own words
}  # fmt: skip


def page_url_names():
    names = set()

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if not route.startswith(("api/", "admin/")):
                    walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and pattern.name and not route.startswith(("api/", "admin/")):
                names.add(pattern.name)

    walk(get_resolver().url_patterns)
    return names - NOT_PAGES


def test_the_walk_covers_every_page(world):
    """A page added to the site must be added to the walk below."""
    assert page_url_names() <= {name for name, *_ in pages(world)}


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_english_left_on_any_page(client, world, language):
    """Rendered in Russian and in Dari, no page shows a word of English that is not a name."""
    problems = []
    for name, url, user, data in pages(world):
        client.logout()
        if user is not None:
            client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.post(url, data) if data is not None else client.get(url)
        assert response["Content-Language"] == language, (name, url)
        problems += [f"{name} {url}: {text!r}" for text in untranslated(response.text)]
    assert not problems, "Untranslated on the page:\n" + "\n".join(problems)


def test_the_check_finds_english(client, world):
    """The check above is not blind: the English page fails it."""
    client.force_login(world["farid"].user)
    page = client.get(reverse("board", args=["set", world["boards"]["priorities"].pk])).text
    assert "Post card" in untranslated(page)


@pytest.mark.skipif(not shutil.which("xgettext"), reason="gettext is not installed (make test installs it)")
def test_catalogs_are_complete(tmp_path):
    """makemessages over the current code leaves no untranslated or fuzzy entry in any catalog."""
    import polib

    apps = ("codesign", "workspace", "accounts", "boards", "drafts", "voting", "charter", "facilitation")
    for part in (*apps, "templates", "locale"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--all", "--no-obsolete", "--add-location=file", "-v", "0"],
        cwd=tmp_path,
        env={"SECRET_KEY": "catalogs", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)},
        check=True,
    )
    catalogs = sorted((tmp_path / "locale").glob("*/LC_MESSAGES/django.po"))
    assert {p.parent.parent.name for p in catalogs} >= {"ru", "fa_AF"}
    for path in catalogs:
        po = polib.pofile(str(path))
        missing = [e.msgid for e in po.untranslated_entries()] + [e.msgid for e in po.fuzzy_entries()]
        assert not missing, f"{path.parent.parent.name}: {missing}"
