"""Results checked against values computed by hand; history, CSV and adopting the winners."""

import csv
import io

import pytest

from boards.models import Card
from tests.factories import make_card, make_member, make_round
from voting import actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def vote(board, facilitator):
    """Four cards; kz1, kz2 (KZ), af1 (AF), mn1 (MN) vote; tj1 (TJ) does not; facilitators don't vote."""
    ws = board.workspace
    people = {
        "kz1": make_member(ws, country="KZ", display_name="Aigerim"),
        "kz2": make_member(ws, country="KZ", display_name="Dias"),
        "af1": make_member(ws, country="AF", display_name="Farid"),
        "mn1": make_member(ws, country="MN", display_name="Oyuna"),
        "tj1": make_member(ws, country="TJ", display_name="Rustam"),
    }
    a, b, c, d = (make_card(board, facilitator, name) for name in "ABCD")
    round_ = make_round(board, facilitator, facilitators_vote=False, anonymous=False, dots_per_voter=5,
                        max_per_card=3)  # fmt: skip
    ballots = {"kz1": [a, a, a, b, b], "kz2": [a, c, c], "af1": [b, b, b, d], "mn1": [c, c]}
    for who, cards in ballots.items():
        for card in cards:
            actions.place_dot(round_=round_, voter=people[who], card_id=card.pk)
    round_ = actions.close_round(round_=round_, by=facilitator)
    return round_, (a, b, c, d), people


def test_ranks_ties_turnout_and_country_breakdown(vote):
    """B 5 dots ranks 1; A and C tie on 4 and share rank 2 (A first: posted earlier); D ranks 4."""
    round_, (a, b, c, d), _people = vote
    rows = round_.results["cards"]
    assert [(r["card"], r["dots"], r["supporters"], r["rank"]) for r in rows] == [
        (b.pk, 5, 2, 1),
        (a.pk, 4, 2, 2),
        (c.pk, 4, 2, 2),
        (d.pk, 1, 1, 4),
    ]
    by_card = {r["card"]: r["by_country"] for r in rows}
    assert by_card[a.pk] == {"KZ": {"dots": 4, "voters": 2}}
    assert by_card[b.pk] == {"AF": {"dots": 3, "voters": 1}, "KZ": {"dots": 2, "voters": 1}}
    assert by_card[c.pk] == {"KZ": {"dots": 2, "voters": 1}, "MN": {"dots": 2, "voters": 1}}
    assert by_card[d.pk] == {"AF": {"dots": 1, "voters": 1}}
    turnout = round_.results["turnout"]
    assert (turnout["voters"], turnout["eligible"]) == (4, 5)
    assert turnout["by_country"] == {
        "AF": {"voters": 1, "eligible": 1},
        "KZ": {"voters": 2, "eligible": 2},
        "MN": {"voters": 1, "eligible": 1},
        "TJ": {"voters": 0, "eligible": 1},
    }
    assert "share a rank" in round_.results["order"]


def test_open_round_shows_who_placed_what_after_close(vote):
    """In an open (not anonymous) round the results list each supporter with their dots."""
    round_, (a, b, _c, _d), _people = vote
    row_b = next(r for r in round_.results["cards"] if r["card"] == b.pk)
    assert [{key: v[key] for key in ("display_name", "country", "dots")} for v in row_b["voters"]] == [
        {"display_name": "Farid", "country": "AF", "dots": 3},
        {"display_name": "Aigerim", "country": "KZ", "dots": 2},
    ]


def test_results_api_and_csv(api, vote, facilitator):
    """The results endpoint returns the frozen results; the CSV has a row per card with countries."""
    round_, (a, b, c, d), _people = vote
    client = api.as_user(facilitator.user)
    assert client.get(f"/api/rounds/{round_.pk}/results/").json() == round_.results
    response = client.get(f"/api/rounds/{round_.pk}/results.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:5] == ["rank", "card", "text", "dots", "supporters"]
    assert "AF dots" in rows[0] and "voters" in rows[0]
    assert rows[1][:5] == ["1", str(b.pk), "B", "5", "2"]
    assert rows[-1] == ["turnout", "4 of 5"]


def test_history_lists_rounds_with_settings(api, vote, board, facilitator):
    """Every round of a board, with its settings and frozen results, newest first."""
    make_round(board, facilitator, open_now=False, question="Second round")
    history = api.as_user(facilitator.user).get(f"/api/boards/{board.pk}/rounds/").json()
    assert [r["question"] for r in history] == ["Second round", "Which ideas should lead?"]
    assert history[1]["results"]["cards"][0]["dots"] == 5
    assert history[1]["dots_per_voter"] == 5 and history[1]["anonymous"] is False


def test_adopt_top_one_in_rank_order(api, vote, board, facilitator):
    """Adopting the top 1 marks B adopted and puts it first on the board."""
    round_, (a, b, c, d), _people = vote
    response = api.as_user(facilitator.user).post(f"/api/rounds/{round_.pk}/adopt/", {"top": 1}, format="json")
    assert response.json() == {"adopted": [b.pk], "left_out": [], "preview": False}
    ordered = list(Card.objects.filter(board=board).order_by("position", "id").values_list("id", "status"))
    assert ordered[:1] == [(b.pk, "adopted")]
    assert {status for _id, status in ordered[1:]} == {"proposed"}


def test_adopt_top_two_takes_the_whole_tie_at_rank_two(api, vote, board, facilitator):
    """A and C share rank 2: adopting the top 2 adopts B, A and C, in rank order (it adopted B and A)."""
    round_, (a, b, c, d), _people = vote
    response = api.as_user(facilitator.user).post(f"/api/rounds/{round_.pk}/adopt/", {"top": 2}, format="json")
    assert response.json() == {"adopted": [b.pk, a.pk, c.pk], "left_out": [], "preview": False}
    ordered = list(Card.objects.filter(board=board).order_by("position", "id").values_list("id", "status"))
    assert ordered[:3] == [(b.pk, "adopted"), (a.pk, "adopted"), (c.pk, "adopted")]
    assert {status for _id, status in ordered[3:]} == {"proposed"}


def test_adopt_chosen_cards_and_bad_requests(api, vote, participant, facilitator):
    """Chosen cards are adopted in rank order; participants and bad input are refused."""
    round_, (a, b, c, d), _people = vote
    client = api.as_user(facilitator.user)
    assert client.post(f"/api/rounds/{round_.pk}/adopt/", {"cards": [d.pk, c.pk]}, format="json").json() == {
        "adopted": [c.pk, d.pk],
        "left_out": [],
        "preview": False,
    }
    for body in ({}, {"top": 0}, {"top": 9}, {"top": 1, "cards": [a.pk]}, {"cards": [999999]}):
        assert client.post(f"/api/rounds/{round_.pk}/adopt/", body, format="json").status_code == 400, body
    forbidden = api.as_user(participant.user).post(f"/api/rounds/{round_.pk}/adopt/", {"top": 1}, format="json")
    assert forbidden.status_code == 403


def test_the_note_on_the_order_is_in_the_readers_language(api, vote, facilitator):
    """Closed by a facilitator reading English, the results tell a Russian reader in Russian how
    cards are ranked (the note used to be stored, and shown, in the closer's language)."""
    from django.utils import translation

    from voting.models import RESULTS_ORDER_NOTE

    round_, _cards, people = vote
    with translation.override("ru"):
        russian = str(RESULTS_ORDER_NOTE)
    assert russian != str(RESULTS_ORDER_NOTE)
    client = api.as_user(people["kz1"].user)
    results = client.get(f"/api/rounds/{round_.pk}/results/", HTTP_ACCEPT_LANGUAGE="ru").json()
    assert results["order"] == russian
    detail = client.get(f"/api/rounds/{round_.pk}/", HTTP_ACCEPT_LANGUAGE="ru").json()
    assert detail["round"]["results"]["order"] == russian
