"""Every text a person sends goes through the one cleaning step before it is stored (issue 32,
finding 10): control characters and NUL in any field of the API, of any page's form and of the
sockets' frames are either removed or refused with a 4xx, never a 500, and nothing is stored with a
control character (tab and newline are text). Run on PostgreSQL too, which refuses NUL outright:
``DATABASE_URL=postgres://… pytest tests/safety/test_control_characters.py``.
"""

import fnmatch
import json
import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from boards.models import Board
from charter import actions as charter_actions
from drafts import actions as drafts
from drafts.documents import draft_markdown, new_doc, replace_text, stored_updates
from drafts.models import DraftRevision
from facilitation.models import Notice
from tests.factories import (
    aware,
    make_card,
    make_comment,
    make_invitation,
    make_round,
    make_token,
    make_user,
    make_workspace,
)
from voting.models import Round
from workspace.text import clean_line

pytestmark = pytest.mark.django_db

# Terminal escapes, a bell, DEL, a C1 control (CSI) and a carriage return: all are removed.
CONTROLS = "Hello\x1b[31m red\x07 \x01\x7f\x9b\rthere"
NUL = "Hello\x00 there"
VALUES = {"controls": CONTROLS, "nul": NUL}
# What no stored text may hold: C0 and C1 controls but tab and newline, and NUL.
STORED_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
WORDS = "We connect people. We publish research every year."


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def stored_controls() -> list[str]:
    """Every stored text (each text and JSON column of every model) that holds a control character."""
    found = []
    for model in apps.get_models():
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields or model._meta.proxy:
            continue
        for row in model._base_manager.values_list("pk", *[f.attname for f in fields]).iterator():
            for field, value in zip(fields, row[1:], strict=True):
                if any(STORED_CONTROL.search(text) for text in _strings(value)):
                    found.append(f"{model._meta.label}.{field.name} #{row[0]}: {value!r}"[:300])
    return found


def type_into(board, member, words: str) -> None:
    parts, _ids = stored_updates(board.pk)
    doc, text = new_doc(*parts)
    drafts.store_draft_update(board_id=board.pk, by=member, update=replace_text(doc, text, words))


@pytest.fixture
def workspace(db):
    """A workspace with an agenda, so that the texts page shows a session's title too."""
    return make_workspace(agenda=[("Opening", aware(2026, 5, 4, 9), aware(2026, 5, 4, 10))])


@pytest.fixture
def world(workspace, steward, participant):
    board = Board.objects.select_related("workspace").get(workspace=workspace, kind="mission")
    type_into(board, steward, WORDS)
    card = make_card(board, steward, "An idea")
    amendment = drafts.propose_amendment(
        board=board, by=steward, original="every year", proposed="twice a year", start=WORDS.find("every year")
    )
    return {
        "workspace": workspace,
        "steward": steward,
        "participant": participant,
        "board": board,
        "card": card,
        "comment": make_comment(card, steward),
        "amendment": amendment,
        "invitation": make_invitation(workspace, by=steward),
    }


# The issue's reproductions -----------------------------------------------------------------------


def test_a_round_question_is_stored_without_controls(api, world):
    """A round question "Which one\\x07\\x1b[31m?" is stored and shown as "Which one[31m?"."""
    client = api.as_user(world["steward"].user)
    response = client.post(f"/api/boards/{world['board'].pk}/rounds/", {"question": "Which one\x07\x1b[31m?"},
                           format="json")  # fmt: skip
    assert response.status_code == 201, response.content
    assert Round.objects.get().question == "Which one[31m?"
    assert response.json()["question"] == "Which one[31m?"


def test_a_notice_is_stored_without_controls(api, world):
    """A notice "Hello\\x1b[31m red\\x07" is stored as "Hello[31m red"."""
    client = api.as_user(world["steward"].user)
    response = client.post(f"/api/workspaces/{world['workspace'].slug}/notices/", {"text": "Hello\x1b[31m red\x07"},
                           format="json")  # fmt: skip
    assert response.status_code == 201, response.content
    assert Notice.objects.get().text == "Hello[31m red"


def test_a_revision_name_and_a_charter_title_are_stored_without_controls(world):
    """A revision named, and a charter given a title, with a bell and an escape keep neither."""
    revision = drafts.save_revision(board=world["board"], by=world["steward"], name="Day\x07 one\x1b")
    assert DraftRevision.objects.get(pk=revision.pk).name == "Day one"
    settings = charter_actions.update_settings(membership=world["steward"], title="Our\x07 charter\x1b")
    assert settings.title == "Our charter"
    version = charter_actions.publish_version(membership=world["steward"], title="Version\x07 one")
    assert version.title == "Version one" and stored_controls() == []


def test_the_draft_copies_are_stored_without_controls(world):
    """Words typed into the draft with controls leave them out of its revisions and the charter."""
    type_into(world["board"], world["steward"], "We connect\x07 people\x1b[0m.")
    assert "\x07" in draft_markdown(world["board"].pk)  # the shared document holds what was typed
    revision = drafts.save_revision(board=world["board"], by=world["steward"])
    version = charter_actions.publish_version(membership=world["steward"])
    assert revision.markdown == "We connect people[0m."
    assert "We connect people[0m." in version.markdown
    assert stored_controls() == []


def test_clean_line_removes_controls_and_collapses_spaces():
    """``clean_line``: no control characters, no NUL, single spaces, one line."""
    assert clean_line(" Which\x00 one\x07\x1b[31m?\r\n  now\t") == "Which one[31m? now"
    assert clean_line(None) == ""


# The API: every writable text field of the schema ------------------------------------------------

# (method, path) -> the user who calls it, a body it accepts, and the fields (dotted paths) to spoil.
API = {
    ("PATCH", "/api/amendments/{amendment_id}/"): ("steward", {"proposed": "a", "reason": "b"}, ["proposed", "reason"]),
    ("POST", "/api/amendments/{amendment_id}/accept/"): ("steward", {"reason": "a"}, ["reason"]),
    ("POST", "/api/amendments/{amendment_id}/reject/"): ("steward", {"reason": "a"}, ["reason"]),
    ("POST", "/api/auth/token/"): (None, {"username": "x", "password": "y"}, ["username", "password"]),
    ("PATCH", "/api/boards/{board_id}/"): (
        "steward",
        {"title": "a", "guiding_question": "b",
         "translations": {"ru": {"title": "c"}, "fa-af": {"guiding_question": "d"}}},  # fmt: skip
        ["title", "guiding_question", "translations.ru.title", "translations.fa-af.guiding_question"],
    ),
    ("POST", "/api/boards/{board_id}/amendments/"): (
        "steward",
        {"original": "We connect", "proposed": "We join", "reason": "c", "start": 0},
        ["original", "proposed", "reason"],
    ),
    ("POST", "/api/boards/{board_id}/cards/"): ("participant", {"body": "a"}, ["body"]),
    ("POST", "/api/boards/{board_id}/draft/revisions/"): ("steward", {"name": "a"}, ["name"]),
    ("POST", "/api/boards/{board_id}/rounds/"): ("steward", {"question": "a"}, ["question"]),
    ("POST", "/api/boards/{board_id}/summon/"): ("steward", {"text": "a"}, ["text"]),
    ("PATCH", "/api/cards/{card_id}/"): ("steward", {"body": "a", "group_label": "b"}, ["body", "group_label"]),
    ("POST", "/api/cards/{card_id}/comments/"): ("participant", {"body": "a"}, ["body"]),
    ("PATCH", "/api/comments/{comment_id}/"): ("steward", {"body": "a"}, ["body"]),
    ("POST", "/api/comments/{comment_id}/hide/"): ("steward", {"reason": "a"}, ["reason"]),
    ("POST", "/api/invitations/{token}/accept/"): ("newcomer", {"display_name": "a", "country": "KG"},
                                                   ["display_name", "country"]),  # fmt: skip
    ("POST", "/api/workspaces/{slug}/boards/"): ("steward", {"title": "a", "guiding_question": "b"},
                                                 ["title", "guiding_question"]),  # fmt: skip
    ("PATCH", "/api/workspaces/{slug}/charter/"): ("steward", {"title": "a"}, ["title"]),
    ("POST", "/api/workspaces/{slug}/charter/versions/"): ("steward", {"title": "a"}, ["title"]),
    ("POST", "/api/workspaces/{slug}/invitations/"): ("steward", {"country": "KG", "note": "a"}, ["country", "note"]),
    ("POST", "/api/workspaces/{slug}/notices/"): ("steward", {"text": "a"}, ["text"]),
}
# Fields whose value must be exactly what the server has (a country code, a name and password, the
# draft's own words): spoiled, they are refused; all others are stored cleaned.
MUST_MATCH = {"country", "username", "password", "original"}


def _schema_text_fields() -> set[tuple[str, str, str]]:
    """(method, path, field pattern) of every writable string field of every JSON request body."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]

    def resolve(node):
        while "$ref" in node:
            node = components[node["$ref"].split("/")[-1]]
        return node

    def walk(node, prefix):
        node = resolve(node)
        for part in node.get("allOf", []) + node.get("oneOf", []):
            yield from walk(part, prefix)
        if node.get("type") == "object" or "properties" in node:
            for name, sub in (node.get("properties") or {}).items():
                if not sub.get("readOnly"):
                    yield from walk(sub, f"{prefix}{name}.")
            if isinstance(node.get("additionalProperties"), dict):
                yield from walk(node["additionalProperties"], f"{prefix}*.")
        elif node.get("type") == "array":
            yield from walk(node.get("items", {}), f"{prefix}*.")
        elif node.get("type") == "string" and "enum" not in node and node.get("format") not in ("date-time", "date"):
            yield prefix.rstrip(".")

    fields = set()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            body = (operation.get("requestBody") or {}).get("content", {}).get("application/json")
            if body:
                fields |= {(method.upper(), path, field) for field in walk(body["schema"], "")}
    return fields


def test_the_walk_covers_every_writable_text_field_of_the_schema():
    """Each writable string field of every request body in /api/schema/ is one of the fields below,
    and each field below is in the schema: a new text field cannot be forgotten here."""
    walked = {(method, path, field) for (method, path), (_who, _body, fields) in API.items() for field in fields}
    schema = _schema_text_fields()
    missing = {f for f in schema if not any(w[:2] == f[:2] and fnmatch.fnmatchcase(w[2], f[2]) for w in walked)}
    stale = {w for w in walked if not any(w[:2] == f[:2] and fnmatch.fnmatchcase(w[2], f[2]) for f in schema)}
    assert (missing, stale) == (set(), set())


def _spoil(body: dict, field: str, value: str) -> dict:
    body = json.loads(json.dumps(body))
    *parents, last = field.split(".")
    node = body
    for name in parents:
        node = node[name]
    node[last] = value
    return body


def _api_client(world, who):
    client = APIClient()
    if who == "newcomer":
        client.force_authenticate(make_user())
    elif who:
        client.force_authenticate(world[who].user)
    return client


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize(
    ("method", "path", "field"),
    [(method, path, field) for (method, path), (_who, _body, fields) in API.items() for field in fields],
)
def test_no_api_text_field_stores_a_control_character(world, method, path, field, value):
    """Controls and NUL in one text field of an API request: cleaned when stored (or refused with
    a 4xx if the field must match something), never a 500, nothing stored with a control."""
    who, body, _fields = API[(method, path)]
    url = path.format(
        amendment_id=world["amendment"].pk,
        board_id=world["board"].pk,
        card_id=world["card"].pk,
        comment_id=world["comment"].pk,
        token=world["invitation"].token,
        slug=world["workspace"].slug,
    )
    client = _api_client(world, who)
    response = client.generic(method, url, json.dumps(_spoil(body, field, VALUES[value])),
                              content_type="application/json")  # fmt: skip
    assert response.status_code < 500, response.content[:300]
    if value == "controls" and field.split(".")[-1] not in MUST_MATCH:
        assert 200 <= response.status_code < 300, response.content[:300]
    assert stored_controls() == []


@pytest.mark.parametrize("value", VALUES)
def test_an_api_path_or_header_with_a_control_is_a_4xx(world, value):
    """An invitation token or an Idempotency-Key with a control in it: a 4xx, nothing stored."""
    client = _api_client(world, "newcomer")
    bad = quote(VALUES[value])
    response = client.post(f"/api/invitations/{bad}/accept/", {"display_name": "A"}, format="json")
    assert 400 <= response.status_code < 500, response.content[:300]
    client = _api_client(world, "steward")
    response = client.post(f"/api/boards/{world['board'].pk}/cards/", {"body": "An idea"}, format="json",
                           headers={"Idempotency-Key": VALUES[value]})  # fmt: skip
    assert 400 <= response.status_code < 500, response.content[:300]
    assert stored_controls() == []


# The pages: every field of every form they show ---------------------------------------------------


class Forms(HTMLParser):
    """The forms of a page: action, method, the values they would send, their submit buttons."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.form = self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        a = {name: value if value is not None else "" for name, value in attrs}
        if tag == "form":
            self.form = {"action": a.get("action", ""), "method": a.get("method", "get").lower(),
                         "values": {}, "names": set(), "buttons": []}  # fmt: skip
            self.forms.append(self.form)
            return
        name = a.get("name")
        if self.form is None or not name or name == "csrfmiddlewaretoken":
            return
        values, kind = self.form["values"], a.get("type", "text").lower()
        if tag == "button" or (tag == "input" and kind in ("submit", "image")):
            if kind != "button":
                self.form["buttons"].append((name, a.get("value", "")))
            return
        self.form["names"].add(name)
        if tag == "input" and kind in ("checkbox", "radio"):
            if "checked" in a:
                values[name] = a.get("value", "on")
        elif tag == "input":
            values[name] = a.get("value", "")
        elif tag == "textarea":
            self.textarea, values[name] = name, ""
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and (self.select not in values or "selected" in a):
            values[self.select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.form is not None and self.textarea:
            self.form["values"][self.textarea] += data


def page_forms(html: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    # One form per shape: the members page has one per member, all alike.
    seen, forms = set(), []
    for form in parser.forms:
        shape = (form["action"], form["method"], tuple(sorted(form["names"])), tuple(form["buttons"]))
        if shape not in seen:
            seen.add(shape)
            forms.append(form)
    return forms


PAGES = [
    ("steward", "preferences", lambda w: reverse("preferences")),
    ("steward", "api-tokens", lambda w: reverse("api-tokens")),
    ("steward", "password-change", lambda w: reverse("password-change")),
    (None, "password-reset", lambda w: reverse("password_reset")),
    (None, "login", lambda w: reverse("login")),
    (None, "join-anonymous", lambda w: reverse("join", args=[w["invitation"].token])),
    ("newcomer", "join-signed-in", lambda w: reverse("join", args=[w["invitation"].token])),
    ("steward", "workspace", lambda w: reverse("workspace", args=[w["workspace"].slug])),
    ("steward", "board", lambda w: reverse("board", args=[w["workspace"].slug, w["board"].pk])),
    ("steward", "invitations", lambda w: reverse("invitations", args=[w["workspace"].slug])),
    ("steward", "members", lambda w: reverse("members", args=[w["workspace"].slug])),
    ("steward", "remove-member", lambda w: reverse("remove-member", args=[w["workspace"].slug, w["participant"].pk])),
    ("steward", "audit", lambda w: reverse("audit", args=[w["workspace"].slug])),
    ("steward", "charter", lambda w: reverse("charter", args=[w["workspace"].slug])),
    ("steward", "texts", lambda w: reverse("texts", args=[w["workspace"].slug])),
    ("steward", "texts-ru", lambda w: reverse("texts", args=[w["workspace"].slug]) + "?language=ru"),
    ("steward", "texts-fa-af", lambda w: reverse("texts", args=[w["workspace"].slug]) + "?language=fa-af"),
    ("steward", "console", lambda w: reverse("console", args=[w["workspace"].slug])),
    ("steward", "fishbowl", lambda w: reverse("fishbowl", args=[w["workspace"].slug])),
]


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize(("who", "name", "page"), PAGES, ids=[name for _who, name, _page in PAGES])
def test_no_page_form_stores_a_control_character(world, who, name, page, value):
    """Each field of each form a page shows (hidden ones and choices too), sent with controls or
    NUL in it and the others as the page filled them: never a 500, nothing stored with a control."""
    user = make_user() if who == "newcomer" else world[who].user if who else None
    if who == "steward":  # a personal invitation to resend, a token to revoke: every form shows
        make_invitation(world["workspace"], by=world["steward"], note="Note")
        world["invitation"].__class__.objects.filter(pk=world["invitation"].pk).update(email="someone@example.org")
        make_token(user)
    client = Client(raise_request_exception=False)
    url = page(world)
    if user:
        client.force_login(user)
    shown = client.get(url)
    assert shown.status_code == 200, (url, shown.status_code)
    failures, sent = [], 0
    for form in page_forms(shown.text):
        target = form["action"] or url
        for button in form["buttons"] or [None]:
            for name in sorted(form["names"] | ({button[0]} if button else set())):
                data = dict(form["values"])
                if button:
                    data[button[0]] = button[1]
                data[name] = VALUES[value]
                if user:
                    client.force_login(user)  # a form may have signed the person out
                response = client.post(target, data) if form["method"] == "post" else client.get(target, data)
                sent += 1
                if response.status_code >= 500:
                    failures.append((form["method"], target, name, response.status_code))
    assert sent, url
    assert failures == []
    assert stored_controls() == []


def test_invitations_by_mail_keep_no_controls(world):
    """A list of people to invite with controls and NUL in a name and a lone carriage return (a
    line break): the preview and the sending answer, the names are stored without them."""
    client = Client(raise_request_exception=False)
    client.force_login(world["steward"].user)
    url = reverse("invitations", args=[world["workspace"].slug])
    people = "Ali\x07 Khan\x1b[0m,ali@example.org,KG,participant,ru\rBek\x00 Ulu\x7f,bek@example.org,KG,,\r\n"
    for do in ("preview", "send"):
        assert client.post(url, {"do": do, "people": people}).status_code < 500
    assert sorted(world["invitation"].__class__.objects.exclude(name="").values_list("name", flat=True)) == [
        "Ali Khan[0m",
        "Bek Ulu",
    ]
    assert stored_controls() == []


def test_a_query_string_with_a_nul_is_never_a_500(world):
    """NUL in the search boxes of the members and audit pages (PostgreSQL refuses it in a query)."""
    client = Client(raise_request_exception=False)
    client.force_login(world["steward"].user)
    slug = world["workspace"].slug
    for url in (reverse("members", args=[slug]), reverse("audit", args=[slug])):
        for params in ({"q": NUL, "role": NUL}, {"who": NUL, "kind": NUL, "format": NUL}):
            assert client.get(url, params).status_code < 500, (url, params)
    assert client.get(f"/join/{quote(NUL)}/").status_code == 404


# The sockets ---------------------------------------------------------------------------------------


def _frames(value: str, round_id: int, card_id: int) -> list[str]:
    """Frames with ``value`` in each place a client can put text: type, ref, after, round, card, op."""
    frames = [
        {"type": value},
        {"type": "ping", "ref": value, "extra": value},
        {"type": "presence", value: value},
        {"type": "resume", "after": value},
        {"type": "sync", "ref": value},
        {"type": "dot", "ref": value, "round": round_id, "card": card_id},
        {"type": "dot", "round": value, "card": card_id},
        {"type": "dot", "round": round_id, "card": value},
        {"type": "dot", "round": round_id, "card": card_id, "op": value},
        {"type": "dot", "round": 10**30, "card": 10**30},
    ]
    return [json.dumps(frame) for frame in frames] + [value, json.dumps(value)]


async def _answers_after_each(comm, frames: list[str]) -> None:
    for frame in frames:
        await comm.send_to(text_data=frame)
        while not await comm.receive_nothing(0.2):
            await comm.receive_from()
    await comm.send_json_to({"type": "ping"})
    assert (await comm.receive_json_from(timeout=2))["type"] == "pong"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("value", VALUES)
def test_no_socket_frame_stores_a_control_character(world, value):
    """The board socket (dots, presence, resume) and the room socket, sent every frame with controls
    or NUL in each field: each answered, the socket still open, nothing stored with a control."""
    from codesign.asgi import application

    round_ = make_round(world["board"], world["steward"])
    token = make_token(world["participant"].user)
    frames = _frames(VALUES[value], round_.pk, world["card"].pk)

    async def scenario():
        for path in (f"/ws/boards/{world['board'].pk}/", f"/ws/w/{world['workspace'].slug}/room/"):
            comm = WebsocketCommunicator(application, f"{path}?token={token}")
            connected, _code = await comm.connect()
            assert connected, path
            while not await comm.receive_nothing(0.3):
                await comm.receive_from()
            try:
                await _answers_after_each(comm, frames)
            finally:
                await comm.disconnect()
        comm = WebsocketCommunicator(application, f"/ws/boards/{world['board'].pk}/?token={quote(VALUES[value])}")
        connected, _code = await comm.connect()
        assert connected and (await comm.receive_output()) == {"type": "websocket.close", "code": 4403}
        await comm.wait()
        assert await database_sync_to_async(stored_controls)() == []

    async_to_sync(scenario)()

