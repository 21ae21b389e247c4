"""Removed and hidden text never comes back: a client resuming from 0 gets no trace of it
(finding 1 of the safety review: the event log replayed the original frames)."""

import json

import pytest
from asgiref.sync import async_to_sync

from boards import actions as board_actions
from boards.models import Board
from boards.selectors import board_state
from tests.factories import make_card, make_comment, make_member, make_round, make_workspace
from tests.workspace.replay import apply_event
from tests.workspace.test_board_socket import drain, open_socket
from voting import actions as voting

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "Aziza lives at 12 Secret Street"


@pytest.fixture
def room(db):
    workspace = make_workspace()
    return {
        "board": Board.objects.select_related("workspace").get(workspace=workspace, kind="mission"),
        "author": make_member(workspace, country="TJ", display_name="Farrukh Author"),
        "reader": make_member(workspace, country="KZ", display_name="Reader"),
        "facilitator": make_member(workspace, "facilitator"),
    }


def replay_from_zero(board, user) -> str:
    """Everything a member's socket sends for ``{"type": "resume", "after": 0}``, as text."""

    async def scenario():
        comm, connected, _code = await open_socket(board.pk, user)
        assert connected
        await drain(comm)
        await comm.send_json_to({"type": "resume", "after": 0})
        frames = await drain(comm)
        await comm.disconnect()
        return frames

    frames = async_to_sync(scenario)()
    assert frames, "the replay sent nothing"
    return json.dumps(frames, ensure_ascii=False)


def test_a_comment_its_author_removed_is_gone_from_the_replay(room):
    """The text and the author of a removed comment are in no replayed frame."""
    card = make_card(room["board"], room["reader"])
    comment = make_comment(card, room["author"], SECRET)
    board_actions.remove_comment(comment=comment, by=room["author"])
    replay = replay_from_zero(room["board"], room["reader"].user)
    assert "Secret Street" not in replay
    assert "Farrukh" not in replay


def test_a_comment_a_facilitator_hid_is_gone_from_the_replay(room):
    """A comment hidden for doxxing: neither its text nor its writer is replayed; the reason is."""
    card = make_card(room["board"], room["reader"])
    comment = make_comment(card, room["author"], SECRET)
    board_actions.hide_comment(comment=comment, by=room["facilitator"], reason="Names a person's address")
    replay = replay_from_zero(room["board"], room["reader"].user)
    assert "Secret Street" not in replay
    assert "Farrukh" not in replay
    assert "Names a person's address" in replay


def test_an_edited_comment_replays_only_its_latest_text(room):
    """The words a comment's author replaced are not replayed."""
    card = make_card(room["board"], room["reader"])
    comment = make_comment(card, room["author"], SECRET)
    board_actions.edit_comment(comment=comment, by=room["author"], body="Let us meet online instead")
    replay = replay_from_zero(room["board"], room["reader"].user)
    assert "Secret Street" not in replay
    assert "meet online instead" in replay


def test_a_card_edited_then_removed_leaves_no_text_author_or_comments(room):
    """Neither the card's first text, nor its last, nor its author, nor its comments are replayed."""
    card = make_card(room["board"], room["author"], SECRET)
    make_comment(card, room["reader"], "Reply quoting: Secret Street, flat 4")
    board_actions.update_card(card=card, by=room["author"], body="Second wording, Hidden Avenue")
    board_actions.remove_card(card=card, by=room["author"])
    replay = replay_from_zero(room["board"], room["reader"].user)
    for trace in ("Secret Street", "Hidden Avenue", "Farrukh"):
        assert trace not in replay


def test_an_edited_card_replays_only_its_latest_text(room):
    """The earlier wording of an edited card is not replayed; the current one is."""
    card = make_card(room["board"], room["author"], SECRET)
    board_actions.update_card(card=card, by=room["author"], body="A kinder wording")
    replay = replay_from_zero(room["board"], room["reader"].user)
    assert "Secret Street" not in replay
    assert "A kinder wording" in replay


def test_a_removed_card_leaves_the_results_of_a_closed_round(room):
    """A card voted on, then removed after the round closed: its words leave the replayed results."""
    card = make_card(room["board"], room["author"], SECRET)
    make_card(room["board"], room["reader"], "Another idea")
    round_ = make_round(room["board"], room["facilitator"])
    voting.place_dot(round_=round_, voter=room["reader"], card_id=card.pk)
    voting.close_round(round_=round_, by=room["facilitator"])
    board_actions.remove_card(card=card, by=room["author"])
    replay = replay_from_zero(room["board"], room["reader"].user)
    assert "Secret Street" not in replay
    assert "Another idea" in replay


def test_replay_from_zero_ends_where_the_snapshot_is(room):
    """After edits, removals and hiding, the replayed events build exactly the snapshot."""
    card = make_card(room["board"], room["author"], SECRET)
    kept = make_card(room["board"], room["reader"], "Kept idea")
    first = make_comment(kept, room["author"], "First comment")
    second = make_comment(kept, room["reader"], "Second comment")
    make_comment(card, room["reader"], "On the removed card")
    board_actions.update_card(card=kept, by=room["reader"], body="Kept idea, reworded")
    board_actions.remove_comment(comment=first, by=room["author"])
    board_actions.hide_comment(comment=second, by=room["facilitator"], reason="Off topic")
    board_actions.remove_card(card=card, by=room["author"])
    replay = json.loads(replay_from_zero(room["board"], room["reader"].user))
    empty = {"seq": 0, "cards": [], "comments": [], "board": None, "round": None}
    state = empty
    for frame in replay:
        state = apply_event(state, frame)
    now = board_state(room["board"])
    assert state["cards"] == now["cards"]
    assert sorted(state["comments"], key=lambda c: c["id"]) == sorted(now["comments"], key=lambda c: c["id"])


def test_a_removed_amendment_leaves_no_words_author_reason_or_comments(room):
    """An abusive amendment a facilitator removed (after it was changed, supported, commented on
    and rejected) is in no replayed frame: not its words, its reason, its author or its comments."""
    from drafts import actions as drafts
    from drafts.documents import new_doc

    board, author = room["board"], room["author"]
    doc, text = new_doc()
    text += "We publish research every year."
    drafts.store_draft_update(board_id=board.pk, by=room["facilitator"], update=doc.get_update())
    start = str(text).find("every year")
    amendment = drafts.propose_amendment(board=board, by=author, original="every year", proposed=SECRET,
                                         reason=f"Because {SECRET}", start=start)  # fmt: skip
    drafts.update_amendment(amendment=amendment, by=author, proposed=f"{SECRET}, flat 3")
    drafts.support_amendment(amendment=amendment, by=room["reader"])
    make_comment(amendment.card, room["reader"], f"I know {SECRET}")
    drafts.reject_amendment(amendment=amendment, by=room["facilitator"], reason="Personal details")
    drafts.remove_amendment(amendment=amendment, by=room["facilitator"])
    replay = replay_from_zero(board, room["reader"].user)
    assert "Secret Street" not in replay
    assert "Farrukh" not in replay
    assert '"amendment.removed"' in replay
