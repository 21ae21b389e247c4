"""Removed or edited words, and a removed member's name, are gone from every stored copy: for each
kind of change, words planted for the purpose are in no table of the database and on no read path
(replay from 0, the snapshot, the page, every round, amendment and revision API, the results CSV,
the stewards' archive, a member's data download, the charter page).

The one exception is the draft's own Yjs update log (binary, not scanned): words typed into the
draft and deleted again are part of its CRDT history until the log is compacted, as in every Yjs
editor; no read path shows them.
"""

import io
import json
import zipfile

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from boards import actions as board_actions
from boards.models import Board
from drafts import actions as drafts
from drafts.documents import new_doc, replace_text, stored_updates
from facilitation import actions as fishbowl
from tests.factories import make_card, make_comment, make_member, make_round, make_workspace
from tests.safety.test_replay_forgets import replay_from_zero
from voting import actions as voting
from workspace import actions

pytestmark = pytest.mark.django_db(transaction=True)

PLANTED = "Plantedword"  # in every text the change must forget
NAME = "Zarina Plantname"
MISSION = "We connect civil society across Central Asia. We publish research every year."

# Tables that hold a person's own account, not the workspace's content: they keep the person's
# name on purpose (the user, their profile, the invitation a steward sent them).
ACCOUNT_TABLES = {"auth.user", "workspace.profile", "workspace.invitation"}


@pytest.fixture
def room(db):
    workspace = make_workspace()
    board = Board.objects.select_related("workspace").get(workspace=workspace, kind="mission")
    people = {
        "author": make_member(workspace, country="TM", display_name=NAME),
        "reader": make_member(workspace, country="KZ", display_name="Reader"),
        "facilitator": make_member(workspace, "facilitator", country="KG", display_name="Facilitator"),
        "steward": make_member(workspace, "steward", country="UZ", display_name="Steward"),
    }
    doc, text = new_doc()
    drafts.store_draft_update(board_id=board.pk, by=people["facilitator"], update=replace_text(doc, text, MISSION))
    return {"board": board, **people}


def type_into(board, member, new_text: str) -> None:
    doc, text = new_doc(*stored_updates(board.pk)[0])
    drafts.store_draft_update(board_id=board.pk, by=member, update=replace_text(doc, text, new_text))


def closed_round(room, *, subject="cards"):
    """A named round (voters listed in its results) on the board's cards or amendments, voted on by
    the author and the reader, and closed."""
    round_ = make_round(room["board"], room["facilitator"], anonymous=False, subject=subject)
    for voter in (room["author"], room["reader"]):
        for card_id in round_.cards.values_list("id", flat=True):
            voting.place_dot(round_=round_, voter=voter, card_id=card_id)
    return voting.close_round(round_=round_, by=room["facilitator"])


def propose(room, proposed, reason):
    return drafts.propose_amendment(board=room["board"], by=room["author"], original="every year", proposed=proposed,
                                    reason=reason, start=MISSION.find("every year"))  # fmt: skip


# The changes ----------------------------------------------------------------------------------------
# Each makes the planted words (or name) reach every copy it can, then removes or edits them.


def card_removed_after_its_round(room):
    card = make_card(room["board"], room["author"], f"{PLANTED} card: water for everyone")
    # Posted with an Idempotency-Key: the answer kept for a retry holds the comment's words too.
    rest = APIClient()
    rest.force_authenticate(user=room["reader"].user)
    posted = rest.post(f"/api/cards/{card.pk}/comments/", {"body": f"A comment on it, {PLANTED}"}, format="json",
                       HTTP_IDEMPOTENCY_KEY="comment-1")  # fmt: skip
    assert posted.status_code == 201
    closed_round(room)
    board_actions.remove_card(card=card, by=room["facilitator"])


def card_edited_after_its_round(room):
    card = make_card(room["board"], room["author"], f"{PLANTED} card: water for everyone")
    closed_round(room)
    board_actions.update_card(card=card, by=room["author"], body="Clean water for everyone")
    return "Clean water for everyone"


def amendment_withdrawn_after_its_round(room):
    amendment = propose(room, f"twice a year {PLANTED}", f"Because {PLANTED} said so")
    drafts.support_amendment(amendment=amendment, by=room["reader"])
    drafts.publish_supports()
    closed_round(room, subject="amendments")
    drafts.remove_amendment(amendment=amendment, by=room["author"])


def amendment_removed_by_a_facilitator(room):
    amendment = propose(room, f"twice a year {PLANTED}", f"Because {PLANTED} said so")
    make_comment(amendment.card, room["reader"], f"Agreed, {PLANTED}")
    drafts.support_amendment(amendment=amendment, by=room["reader"])
    drafts.publish_supports()
    drafts.remove_amendment(amendment=amendment, by=room["facilitator"])


def amendment_edited_by_its_author(room):
    amendment = propose(room, f"twice a year {PLANTED}", f"Because {PLANTED} said so")
    drafts.support_amendment(amendment=amendment, by=room["reader"])
    drafts.publish_supports()
    drafts.update_amendment(amendment=amendment, by=room["author"], proposed="twice a year", reason="It is enough")
    return "It is enough"


def words_typed_into_a_passage_and_deleted(room):
    propose(room, "twice a year", "Twice is enough")
    type_into(room["board"], room["reader"], MISSION.replace("every year", f"every {PLANTED} year"))
    drafts.check_amendments(board_id=room["board"].pk)  # outdated: the passage holds the typed words
    type_into(room["board"], room["reader"], MISSION)
    drafts.check_amendments(board_id=room["board"].pk)  # typed back as it was


def comment_edited(room):
    card = make_card(room["board"], room["reader"], "An idea")
    comment = make_comment(card, room["author"], f"My address is {PLANTED} street")
    board_actions.edit_comment(comment=comment, by=room["author"], body="Let us meet online")
    return "Let us meet online"


def comment_removed(room):
    card = make_card(room["board"], room["reader"], "An idea")
    comment = make_comment(card, room["author"], f"My address is {PLANTED} street")
    board_actions.remove_comment(comment=comment, by=room["author"])


def comment_hidden(room):
    card = make_card(room["board"], room["reader"], "An idea")
    comment = make_comment(card, room["author"], f"Her address is {PLANTED} street")
    board_actions.hide_comment(comment=comment, by=room["facilitator"], reason="Names a person's address")
    return "Names a person's address"


def member_removed(room):
    author = room["author"]
    card = make_card(room["board"], author, "An idea by the author")
    make_comment(card, author, "A comment by the author")
    amendment = propose(room, "twice a year", "Twice is enough")
    drafts.support_amendment(amendment=amendment, by=author)
    drafts.publish_supports()
    type_into(room["board"], author, MISSION + " Together.")
    drafts.save_revision(board=room["board"], by=room["facilitator"], name="After the author typed")
    closed_round(room)
    fishbowl.raise_hand(member=author)
    # Renamed since: copies that name them under either name must all forget them.
    author = actions.update_my_membership(membership=author, display_name=f"{NAME} Second")
    actions.remove_member(membership=author, by=room["steward"])
    return "An idea by the author"


CHANGES = [
    card_removed_after_its_round,
    card_edited_after_its_round,
    amendment_withdrawn_after_its_round,
    amendment_removed_by_a_facilitator,
    amendment_edited_by_its_author,
    words_typed_into_a_passage_and_deleted,
    comment_edited,
    comment_removed,
    comment_hidden,
    member_removed,
]


# Reading every copy ----------------------------------------------------------------------------------


def every_table() -> dict[str, str]:
    """Every text and JSON column of every row of every table, as text, by model."""
    found = {}
    for model in apps.get_models():
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField,
                                                                               models.JSONField))]  # fmt: skip
        if fields:
            rows = model.objects.values_list(*fields)
            found[model._meta.label_lower] = json.dumps(list(rows), ensure_ascii=False, default=str)
    return found


def every_read_path(room) -> dict[str, str]:
    board, workspace = room["board"], room["board"].workspace
    reader, steward = room["reader"], room["steward"]
    rest = APIClient()
    rest.force_authenticate(user=steward.user)
    page = Client()
    page.force_login(steward.user)
    read = {
        "replay from 0": replay_from_zero(board, reader.user),
        "snapshot": rest.get(f"/api/boards/{board.pk}/state/").content.decode(),
        "board page": page.get(reverse("board", args=[workspace.slug, board.pk])).content.decode(),
        "rounds": rest.get(f"/api/boards/{board.pk}/rounds/").content.decode(),
        "amendments": rest.get(f"/api/boards/{board.pk}/amendments/").content.decode(),
        "revisions": rest.get(f"/api/boards/{board.pk}/draft/revisions/").content.decode(),
        "charter page": page.get(reverse("charter", args=[workspace.slug])).content.decode(),
        "charter preview": rest.get(f"/api/workspaces/{workspace.slug}/charter/").content.decode(),
        "charter export": rest.get(f"/api/workspaces/{workspace.slug}/charter/preview.md").content.decode(),
    }
    for round_id in board.rounds.values_list("id", flat=True):
        for path in (f"/api/rounds/{round_id}/", f"/api/rounds/{round_id}/results/",
                     f"/api/rounds/{round_id}/results.csv"):  # fmt: skip
            read[path] = rest.get(path).content.decode()
    archive = zipfile.ZipFile(io.BytesIO(page.get(reverse("workspace-archive", args=[workspace.slug])).content))
    read["archive.zip"] = "".join(archive.read(name).decode() for name in archive.namelist())
    mine = Client()
    mine.force_login(reader.user)
    read["the reader's data"] = mine.get(reverse("my-data")).content.decode()
    return read


@pytest.mark.parametrize("change", CHANGES, ids=[change.__name__ for change in CHANGES])
def test_the_words_are_in_no_stored_copy_and_on_no_read_path(room, change):
    """After the change, the planted words (or the removed member's name) are in no table and on no
    read path; what replaced them is shown."""
    shown = change(room)
    forgotten = NAME if change is member_removed else PLANTED
    tables = every_table()
    kept = ACCOUNT_TABLES if change is member_removed else set()
    holding = sorted(name for name, text in tables.items() if forgotten in text and name not in kept)
    assert holding == [], f"still stored in {holding}"
    paths = every_read_path(room)
    showing = sorted(name for name, text in paths.items() if forgotten in text)
    assert showing == [], f"still shown by {showing}"
    if shown:
        assert shown in paths["replay from 0"] or shown in paths["snapshot"]


def test_planting_reaches_the_copies_the_test_reads():
    """The scan is not vacuous: before the change, the planted words are in the log and the results."""
    workspace = make_workspace()
    board = Board.objects.select_related("workspace").get(workspace=workspace, kind="mission")
    author = make_member(workspace, country="TM", display_name=NAME)
    facilitator = make_member(workspace, "facilitator")
    card = make_card(board, author, f"{PLANTED} card")
    round_ = make_round(board, facilitator, anonymous=False)
    voting.place_dot(round_=round_, voter=author, card_id=card.pk)
    voting.close_round(round_=round_, by=facilitator)
    tables = every_table()
    assert PLANTED in tables["boards.boardevent"]
    assert PLANTED in tables["voting.round"]
    assert NAME in tables["voting.round"]  # a named round's voter


def test_every_stored_copy_is_registered():
    """Each app that stores a copy of people's words or names follows changes through the one call."""
    from workspace import stored_copies

    assert stored_copies.copies() == [
        "amendments and revisions",
        "answers kept for retries",
        "answers kept for retries, a former member's",
        "audit trail",
        "board events",
        "round results",
        "workspace events",
    ]
