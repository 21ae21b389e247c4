"""Dots handed over together (issue 26 review): a batch answers and stores exactly what the same
clicks one by one would; one sender's language or failure never reaches the others'."""

import asyncio
import random
from collections import Counter

import pytest
from django.utils import translation

from boards.consumers import BoardFrame, _Waiting
from boards.models import Board
from tests.factories import make_card, make_member, make_round, make_workspace
from voting import actions
from voting.models import Dot
from workspace.errors import WorkspaceError
from workspace.roles import Role


@pytest.fixture
def room(db):
    workspace = make_workspace()
    board = Board.objects.select_related("workspace").get(workspace=workspace, kind="priorities")
    facilitator = make_member(workspace, Role.FACILITATOR, country="KZ")
    cards = [make_card(board, facilitator, f"Area {n}") for n in range(3)]
    return {"workspace": workspace, "board": board, "facilitator": facilitator, "cards": cards}


def _stored(round_):
    return Counter(Dot.objects.filter(round=round_).values_list("voter_id", "card_id"))


def _summary(answer):
    if isinstance(answer, Exception):
        return ("refused", answer.code)
    return ("ok", answer["used"], tuple(sorted(answer["dots"].items())))


@pytest.mark.django_db(transaction=True)
def test_a_batch_answers_and_stores_what_the_same_clicks_one_by_one_would(room):
    """Random places and removes of three voters (over budget, over the cap, a dot placed and taken
    back in the same batch), batched on one round and one by one on its twin: the same answers,
    the same dots stored, the same uncounted changes of an anonymous round."""
    board, cards, facilitator = room["board"], room["cards"], room["facilitator"]
    voters = [make_member(room["workspace"]) for _ in range(3)]
    rng = random.Random(26)
    for trial in range(60):
        budget = rng.randint(1, 4)
        settings = {"dots_per_voter": budget, "max_per_card": rng.randint(1, budget), "anonymous": bool(trial % 2)}
        clicks = [
            (rng.choice(voters), rng.choice(cards).pk, rng.choice(["place", "place", "remove"]))
            for _ in range(rng.randint(1, 20))
        ]
        together = make_round(board, facilitator, **settings)
        batched = actions.click_dots(
            [actions.DotClick(round_=together, voter=v, card_id=c, op=op) for v, c, op in clicks]
        )
        stored_together = _stored(together)
        together.refresh_from_db()
        actions.cancel_round(round_=together, by=facilitator)
        apart = make_round(board, facilitator, **settings)
        single = [
            actions.click_dots([actions.DotClick(round_=apart, voter=v, card_id=c, op=op)])[0] for v, c, op in clicks
        ]
        apart.refresh_from_db()
        assert [_summary(a) for a in batched] == [_summary(a) for a in single], clicks
        assert stored_together == _stored(apart), clicks
        assert together.uncounted == apart.uncounted, clicks
        actions.cancel_round(round_=apart, by=facilitator)


@pytest.mark.django_db(transaction=True)
def test_a_member_removed_while_their_dot_was_on_its_way_hears_no_such_board_in_their_language(room):
    """The membership was read before the batch's transaction and is gone when it commits (a steward
    removed them meanwhile): the dot is not stored, the others' are, and the removed member hears
    "No such board." (404) in their own language, not "no dots left" in the batch's."""
    board, cards, facilitator = room["board"], room["cards"], room["facilitator"]
    round_ = make_round(board, facilitator, dots_per_voter=3, max_per_card=2)
    stays, leaves = make_member(room["workspace"]), make_member(room["workspace"])
    stale = type(leaves).objects.get(pk=leaves.pk)
    leaves.delete()
    with translation.override("en"):
        stayed, removed = actions.click_dots(
            [
                actions.DotClick(round_=round_, voter=stays, card_id=cards[0].pk, language="ru"),
                actions.DotClick(round_=round_, voter=stale, card_id=cards[0].pk, language="ru"),
            ]
        )
    assert stayed["used"] == 1
    assert (removed.http_status, removed.message) == (404, "Такой доски нет.")
    assert Dot.objects.filter(round=round_).count() == 1


def _frame(language):
    return BoardFrame(user=None, board_id=1, content={}, sender=f"socket-{language}", language=language)


def test_frames_handed_over_together_run_in_no_senders_context():
    """The hand-over starts inside the first sender's frame: it must not carry that sender's
    language (or anything else of theirs) to the frames of the others in the batch."""

    def handler(frames):
        return [{"language": translation.get_language()} for _ in frames]

    async def scenario():
        waiting = _Waiting(handler)

        async def send(language):
            with translation.override(language):
                return await waiting.answer(_frame(language))

        return await asyncio.gather(send("ru"), send("fa-af"), send("en"))

    assert [answer["language"] for answer in asyncio.run(scenario())] != ["ru", "ru", "ru"]


def test_a_failed_batch_answers_every_sender_and_raises_in_none():
    """The database went away under a batch: every sender hears that nothing was done, each in
    their language, and no socket's handler raises (which would close all of them at once)."""

    def handler(frames):
        raise RuntimeError("the database went away")

    async def scenario():
        waiting = _Waiting(handler)
        return await asyncio.gather(*(waiting.answer(_frame(lang)) for lang in ("ru", "en")), return_exceptions=True)

    russian, english = asyncio.run(scenario())
    assert isinstance(russian, WorkspaceError) and isinstance(english, WorkspaceError)
    assert (russian.code, english.code) == ("try_again", "try_again")
    assert russian.message != english.message  # each in its own language
