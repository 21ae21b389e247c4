"""Comments: threads one level deep, edits, removal, moderation; each announced as one event."""

import pytest

from boards import actions as board_actions
from boards.models import Comment
from boards.selectors import comment_data
from tests.factories import make_card, make_comment, make_member
from workspace.errors import WorkspaceError

pytestmark = pytest.mark.django_db


@pytest.fixture
def card(board, participant):
    return make_card(board, participant)


def test_comment_is_announced(board, card, participant, board_events):
    """A comment is stored, rendered, and sent as comment.created."""
    with board_events(board) as frames:
        comment = board_actions.add_comment(card=card, by=participant, body="I agree, *strongly*")
    assert comment.body_html == '<p dir="auto">I agree, <em>strongly</em></p>'
    assert frames == [{"type": "comment.created", "seq": 2, "comment": comment_data(comment)}]


def test_reply_to_reply_joins_the_thread(card, participant):
    """Replies are one level deep: answering a reply attaches to the same top comment."""
    top = make_comment(card, participant)
    reply = make_comment(card, participant, parent=top)
    answer = make_comment(card, participant, parent=reply)
    assert (reply.parent_id, answer.parent_id) == (top.pk, top.pk)


def test_reply_must_be_on_same_card(board, card, participant):
    """A reply cannot point to a comment on another card."""
    other_card = make_card(board, participant)
    foreign = make_comment(other_card, participant)
    with pytest.raises(WorkspaceError):
        board_actions.add_comment(card=card, by=participant, body="x", parent=foreign)


def test_author_edits_comment_shown_as_edited(board, card, participant, board_events):
    """The author's edit is announced with edited_at set."""
    comment = make_comment(card, participant)
    with board_events(board) as frames:
        board_actions.edit_comment(comment=comment, by=participant, body="Better said")
    assert frames[0]["type"] == "comment.updated"
    assert frames[0]["comment"]["body"] == "Better said"
    assert frames[0]["comment"]["edited_at"]


def test_only_author_edits_or_removes(card, participant, facilitator):
    """Nobody else, not even a facilitator, edits or removes someone's comment (they hide it)."""
    comment = make_comment(card, participant)
    for attempt in (
        lambda: board_actions.edit_comment(comment=comment, by=facilitator, body="x"),
        lambda: board_actions.remove_comment(comment=comment, by=facilitator),
    ):
        with pytest.raises(WorkspaceError) as error:
            attempt()
        assert error.value.http_status == 403


def test_removed_comment_keeps_replies(board, card, participant, board_events):
    """A removed comment shows as removed (no text, no author) and its replies stay."""
    top = make_comment(card, participant, body="original")
    reply = make_comment(card, make_member(board.workspace), parent=top)
    with board_events(board) as frames:
        board_actions.remove_comment(comment=top, by=participant)
    removed = frames[0]["comment"]
    assert (frames[0]["type"], removed["state"], removed["body"], removed["author"]) == (
        "comment.removed",
        "removed",
        "",
        None,
    )
    reply.refresh_from_db()
    assert reply.parent_id == top.pk
    assert Comment.objects.count() == 2


def test_facilitator_hides_with_reason(board, card, participant, facilitator, board_events):
    """A hidden comment shows to everyone as hidden, with the reason, and without its text."""
    comment = make_comment(card, participant, body="off-topic rant")
    with board_events(board) as frames:
        board_actions.hide_comment(comment=comment, by=facilitator, reason="Off topic")
    hidden = frames[0]["comment"]
    assert (frames[0]["type"], hidden["state"], hidden["hidden_reason"], hidden["body"]) == (
        "comment.hidden",
        "hidden",
        "Off topic",
        "",
    )
    assert "rant" not in str(frames)


def test_participant_cannot_hide(card, participant):
    """Hiding is moderation: facilitators and stewards only."""
    comment = make_comment(card, participant)
    with pytest.raises(WorkspaceError) as error:
        board_actions.hide_comment(comment=comment, by=participant, reason="I dislike it")
    assert error.value.http_status == 403


def test_hiding_needs_a_reason(card, participant, facilitator):
    """A facilitator must say why a comment is hidden."""
    comment = make_comment(card, participant)
    with pytest.raises(WorkspaceError):
        board_actions.hide_comment(comment=comment, by=facilitator, reason="  ")
    comment.refresh_from_db()
    assert comment.hidden_at is None


def test_comments_allowed_while_voting_not_while_locked(board, card, participant, facilitator):
    """Discussion goes on during a vote, but a locked board takes no comments."""
    board_actions.set_board_voting(board=board, voting=True)  # as opening a round does
    make_comment(card, participant, body="during the vote")
    board_actions.set_board_voting(board=board, voting=False)
    board_actions.update_board(board=board, by=facilitator, state="locked")
    with pytest.raises(WorkspaceError) as error:
        make_comment(card, participant, body="after lock")
    assert error.value.http_status == 409
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("body", ["", "  ", "x" * 5001])
def test_comment_body_limits(card, participant, body):
    """Empty or over-long comments are refused; 5,000 characters is the limit."""
    with pytest.raises(WorkspaceError):
        board_actions.add_comment(card=card, by=participant, body=body)
    assert not Comment.objects.exists()
    assert make_comment(card, participant, body="y" * 5000).body == "y" * 5000


def test_no_comment_on_removed_card(card, participant):
    """A removed card takes no new comments."""
    board_actions.remove_card(card=card, by=participant)
    with pytest.raises(WorkspaceError) as error:
        make_comment(card, participant)
    assert error.value.http_status == 404
