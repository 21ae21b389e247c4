"""An amendment costs bounded work: its word diff is linear-time with a deadline, computed once when
it is stored and never while the board is locked or a page loads; an insertion into an empty draft
is a clear 409, not a panic in pycrdt."""

import threading

import pytest
from django.db import connection

from boards import actions as board_actions
from drafts import actions as drafts
from drafts import passages
from drafts.documents import new_doc, replace_text
from tests.factories import make_card, make_member
from tests.workspace.test_markdown import _within

pytestmark = pytest.mark.django_db


def repeated(words: str, count: int) -> str:
    return " ".join([words] * count)[:2000]


def rebuilt(ops: list[list[str]]) -> tuple[str, str]:
    before = "".join(text for op, text in ops if op in ("same", "removed"))
    after = "".join(text for op, text in ops if op in ("same", "added"))
    return before, after


def test_the_word_diff_of_repetitive_words_comes_back_and_is_exact():
    """2,000 characters of "a a a ..." against "a b a b ..." (34 s with difflib): answered, and the
    diff gives back both wordings exactly."""
    before, after = repeated("a", 1000), repeated("a b", 500)
    ops = _within(10, passages.word_diff, before, after)
    assert rebuilt(ops) == (before, after)


def test_the_word_diff_still_reads_as_changes_of_words():
    """The bounded diff says what changed in words, in Cyrillic and Dari too."""
    assert passages.word_diff("every year", "twice a year") == [["removed", "every"], ["added", "twice a"],
                                                                ["same", " year"]]  # fmt: skip
    assert passages.word_diff("Мы встречаемся каждый год.", "Мы встречаемся дважды в год.") == [
        ["same", "Мы встречаемся "], ["removed", "каждый"], ["added", "дважды в"], ["same", " год."]
    ]  # fmt: skip
    assert passages.word_diff("ما هر سال دیدار می‌کنیم", "ما دو بار در سال دیدار می‌کنیم") == [
        ["same", "ما "], ["removed", "هر"], ["added", "دو بار در"], ["same", " سال دیدار می‌کنیم"]
    ]  # fmt: skip


@pytest.fixture
def repetitive_draft(board, facilitator):
    doc, text = new_doc()
    drafts.store_draft_update(board_id=board.pk, by=facilitator, update=replace_text(doc, text, repeated("a", 1000)))
    return board


def test_the_diff_is_stored_once_and_never_computed_on_a_read(api, repetitive_draft, participant, monkeypatch):
    """The diff is stored with the amendment; the snapshot, the list and the page compute none."""
    board = repetitive_draft
    amendment = drafts.propose_amendment(board=board, by=participant, original=repeated("a", 1000),
                                         proposed=repeated("a b", 500), start=0)  # fmt: skip
    assert rebuilt(amendment.diff) == (repeated("a", 1000), repeated("a b", 500))

    def no_diff_on_a_read(*_args):
        raise AssertionError("a read computed a word diff")

    monkeypatch.setattr(passages, "word_diff", no_diff_on_a_read)
    client = api.as_user(participant.user)
    state = client.get(f"/api/boards/{board.pk}/state/")
    assert state.status_code == 200
    assert state.json()["amendments"][0]["diff"] == amendment.diff
    assert client.get(f"/api/boards/{board.pk}/amendments/").status_code == 200
    assert client.get(f"/api/amendments/{amendment.pk}/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_diff_is_computed_before_the_board_is_locked(repetitive_draft, participant, monkeypatch):
    """While the diff is being computed, another member can post a card on the same board."""
    board = repetitive_draft
    computing, posted = threading.Event(), threading.Event()
    original_diff = passages.word_diff

    def slow_diff(before, after):
        computing.set()
        assert posted.wait(10), "the card waited for the diff"
        return original_diff(before, after)

    monkeypatch.setattr(passages, "word_diff", slow_diff)
    other = make_member(board.workspace, country="KZ")

    def post_card():
        try:
            computing.wait(10)
            make_card(board, other, "Posted while an amendment's diff was computed")
            posted.set()
        finally:
            connection.close()

    thread = threading.Thread(target=post_card)
    thread.start()
    drafts.propose_amendment(board=board, by=participant, original="a a", proposed="a b", start=0)
    thread.join(10)
    assert posted.is_set()


@pytest.mark.parametrize("emptied", [False, True], ids=["never written", "all deleted"])
def test_an_insertion_into_an_empty_draft_is_a_clear_409(api, board, participant, facilitator, emptied):
    """A new board's draft, or one whose text was all deleted: proposing an insertion answers 409
    with a message (pycrdt panicked on an anchor into empty text: a raw 500)."""
    if emptied:
        doc, text = new_doc()
        drafts.store_draft_update(board_id=board.pk, by=facilitator, update=replace_text(doc, text, "Words"))
        from drafts.documents import stored_updates

        doc, text = new_doc(*stored_updates(board.pk)[0])
        drafts.store_draft_update(board_id=board.pk, by=facilitator, update=replace_text(doc, text, ""))
    response = api.as_user(participant.user).post(
        f"/api/boards/{board.pk}/amendments/", {"original": "", "proposed": "Our mission", "start": 0}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "draft_empty"
    assert "empty" in response.json()["detail"]
    assert not board.amendments.exists()


def test_while_people_type_only_the_newest_event_holds_the_passages_words(board, facilitator, participant):
    """Typing into an amendment's passage again and again: every recheck rewrites the one event that
    still held the passage's words, so the work per recheck does not grow with the board's history."""
    from boards.models import BoardEvent
    from drafts.documents import stored_updates

    text_now = "We publish research every year."
    doc, text = new_doc()
    drafts.store_draft_update(board_id=board.pk, by=facilitator, update=replace_text(doc, text, text_now))
    amendment = drafts.propose_amendment(board=board, by=participant, original="every year", proposed="twice a year",
                                         start=text_now.find("every year"))  # fmt: skip
    events = BoardEvent.objects.filter(board=board, payload__amendment__id=amendment.pk)
    for n in range(12):
        doc, text = new_doc(*stored_updates(board.pk)[0])
        typed = text_now.replace("every year", f"every {'odd ' if n % 2 else 'even '}year")
        drafts.store_draft_update(board_id=board.pk, by=facilitator, update=replace_text(doc, text, typed))
        drafts.check_amendments(board_id=board.pk)
        holding = [e.payload["amendment"]["current"] for e in events.all() if e.payload["amendment"]["current"]]
        assert holding == [f"every {'odd ' if n % 2 else 'even '}year"]
    assert events.count() == 13  # created, then one "outdated" per change


def test_edits_are_counted_like_posts(board, participant, settings):
    """Each edit rewrites every stored copy of the words: past the allowance, a clear 429-kind refusal."""
    from workspace.errors import WorkspaceError

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "edit": (3, 600)}
    card = make_card(board, participant, "First wording")
    for n in range(3):
        board_actions.update_card(card=card, by=participant, body=f"Wording {n}")
    with pytest.raises(WorkspaceError) as refused:
        board_actions.update_card(card=card, by=participant, body="One edit too many")
    assert refused.value.kind == WorkspaceError.TOO_MANY
