"""What each board state allows, read from one table by every action and sent to the page."""

import json

import pytest
from django.urls import reverse

from boards import actions as board_actions
from boards import rules as board_rules
from boards.models import BoardState
from drafts import actions as drafts
from drafts.documents import new_doc, replace_text
from tests.factories import PASSWORD, make_card, make_round
from voting import actions as voting
from voting.errors import VotingError
from workspace.errors import WorkspaceError

pytestmark = pytest.mark.django_db


def set_state(board, facilitator, state):
    board_actions.update_board(board=board, by=facilitator, state=state)
    board.refresh_from_db()


def an_edit(text="A line") -> bytes:
    doc, shared = new_doc()
    return replace_text(doc, shared, text)


def test_the_table_and_what_each_action_does_agree(board, participant, facilitator):
    """For every state, posting a card, commenting and editing the draft succeed exactly when the
    table allows them, and a refusal says why in the table's words."""
    card = make_card(board, participant, "Water first")
    for state in (BoardState.OPEN, BoardState.LOCKED):
        set_state(board, facilitator, state)
        attempts = {
            board_rules.CARDS: lambda: board_actions.create_card(board=board, by=participant, body="Another idea"),
            board_rules.COMMENTS: lambda: board_actions.add_comment(card=card, by=participant, body="Agreed"),
            board_rules.DRAFT: lambda: drafts.store_draft_update(board_id=board.pk, by=participant, update=an_edit()),
        }
        for activity, attempt in attempts.items():
            if board_rules.allows(state, activity):
                attempt()
            else:
                with pytest.raises(WorkspaceError) as refused:
                    attempt()
                assert str(refused.value) == board_rules.refusal(state, activity)
                assert refused.value.kind == WorkspaceError.CONFLICT


def test_a_running_round_freezes_cards_and_the_draft_but_not_comments(board, participant, facilitator):
    """While a round runs, comments go on; cards and the draft wait, each refusal naming the round."""
    card = make_card(board, participant, "Water first")
    make_round(board, facilitator)
    board.refresh_from_db()
    assert board.state == BoardState.VOTING
    board_actions.add_comment(card=card, by=participant, body="Still discussing")
    with pytest.raises(WorkspaceError, match="voting round is running"):
        board_actions.create_card(board=board, by=participant, body="Late idea")
    with pytest.raises(WorkspaceError, match="draft is read-only"):
        drafts.store_draft_update(board_id=board.pk, by=participant, update=an_edit())


def test_a_locked_board_refuses_a_round(board, participant, facilitator):
    """Opening a round on a locked board is refused with the table's words."""
    make_card(board, participant, "Water first")
    round_ = make_round(board, facilitator, open_now=False)
    set_state(board, facilitator, BoardState.LOCKED)
    with pytest.raises(VotingError) as refused:
        voting.open_round(round_=round_, by=facilitator)
    assert str(refused.value) == board_rules.refusal(BoardState.LOCKED, board_rules.OPEN_ROUND)


def test_a_running_round_refuses_locking_in_the_tables_words(board, facilitator):
    """While a round runs the board can be neither locked nor unlocked, refused as the table says."""
    make_card(board, facilitator, "Water first")
    make_round(board, facilitator)
    board.refresh_from_db()
    assert not board_rules.allows(board.state, board_rules.LOCK)
    with pytest.raises(WorkspaceError) as refused:
        set_state(board, facilitator, BoardState.LOCKED)
    assert str(refused.value) == board_rules.refusal(BoardState.VOTING, board_rules.LOCK)
    assert refused.value.kind == WorkspaceError.CONFLICT
    board.refresh_from_db()
    assert board.state == BoardState.VOTING


def test_the_page_and_the_events_carry_what_the_state_allows(client, board, participant, facilitator, board_events):
    """The board page's data says what its state allows, and so does the event of a state change,
    so the browser never works it out for itself."""
    client.login(username=participant.user.username, password=PASSWORD)
    page = client.get(reverse("board", args=[board.workspace.slug, board.pk]))
    data = page.content.decode().split('id="board-state" type="application/json">', 1)[1].split("</script>", 1)[0]
    allows = json.loads(data)["board"]["allows"]
    assert allows == {"cards": True, "comments": True, "draft": True, "amendments": True, "votes": False,
                      "open_round": True, "lock": True}  # fmt: skip
    with board_events(board) as frames:
        set_state(board, facilitator, BoardState.LOCKED)
    (event,) = [frame for frame in frames if frame["type"] == "board.updated"]
    assert [name for name, allowed in event["board"]["allows"].items() if allowed] == ["lock"]  # only unlocking
