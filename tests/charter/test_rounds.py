"""The rounds in the charter: each adopted card with the tally of the round that adopted it, every
closed round in the appendix, and adopted cards on any board a steward chooses."""

import re

import pytest
from django.urls import reverse

from boards import actions as board_actions
from charter import actions as charter_actions
from tests.charter.test_charter import charter_ws, url  # noqa: F401  (fixture)
from tests.factories import make_card, make_round
from voting import actions as voting_actions

pytestmark = pytest.mark.django_db

SECOND = "Which of the rest should follow?"
ADOPTED_WATER = re.compile(r"<li[^>]*>Water — 3 dots from 1 supporter")  # on the page, not the appendix's


@pytest.fixture
def two_rounds(charter_ws):  # noqa: F811
    """Priority areas: the first round adopted "Water" (3 dots) and "Civic education" (2 dots); a
    second round on the rest closed with nobody voting."""
    workspace, boards, people = charter_ws
    second = make_round(boards["priorities"], people["facilitator"], question=SECOND)
    voting_actions.close_round(round_=second, by=people["facilitator"])
    return charter_ws


def plain(text: str) -> str:
    """The text without the bidi marks and isolates around people's words (the page keeps them)."""
    return text.translate({ord(c): None for c in "\u200e\u200f\u2066\u2067\u2068\u2069"})


def adopted_section(markdown: str) -> str:
    return plain(markdown).split("### Adopted priority areas", 1)[1].split("\n## ", 1)[0]


def appendix(markdown: str) -> str:
    return plain(markdown).split("### Dot-voting rounds", 1)[1]


def test_adopted_cards_keep_the_tally_of_the_round_that_adopted_them_in_the_preview(api, two_rounds):
    """After a later round, the preview still shows each adopted priority with its first round's tally."""
    workspace, _boards, people = two_rounds
    body = api.as_user(people["steward"].user).get(url(workspace)).json()
    priorities = body["preview"]["sections"][3]
    assert [(a["text"], a["rank"], a["dots"], a["supporters"]) for a in priorities["adopted"]] == [
        ("Water", 1, 3, 1),
        ("Civic education", 2, 2, 1),
    ]
    adopted = adopted_section(body["markdown"])
    assert "Water — 3 dots from 1 supporter" in adopted
    assert "Civic education — 2 dots from 1 supporter" in adopted


def test_the_appendix_lists_every_closed_round_with_its_results(api, two_rounds):
    """Both rounds are in the appendix, in the order they closed, each with its turnout and results."""
    workspace, boards, people = two_rounds
    body = api.as_user(people["steward"].user).get(url(workspace)).json()
    assert [r["question"] for r in body["preview"]["rounds"]] == ["Which ideas should lead?", SECOND]
    rounds = appendix(body["markdown"])
    first, second = rounds.split(f"#### {SECOND}")
    assert "#### Which ideas should lead?" in first and "Priority areas, closed " in first
    assert "Rank 1: Water — 3 dots from 1 supporter" in first
    assert "Rank 2: Civic education — 2 dots from 1 supporter" in first
    assert "Rank 3: Open data — 0 dots from 0 supporters" in first
    # An anonymous round keeps its merged country cells: one voter's country is not named.
    assert "Other countries: 3 dots from 1 supporter" in first and "Afghanistan" not in first
    assert "Turnout: 0 of" in second and "Rank 1: Open data — 0 dots" in second


def test_a_card_removed_after_its_round_shows_in_the_appendix_without_its_words(api, two_rounds):
    """A card removed since keeps its rank and dots in the appendix, not its words."""
    workspace, boards, people = two_rounds
    card = boards["priorities"].cards.get(body="Open data")
    board_actions.remove_card(card=card, by=people["facilitator"])
    markdown = api.as_user(people["steward"].user).get(url(workspace)).json()["markdown"]
    assert "Open data" not in markdown
    assert "Rank 3: _a card removed since_ — 0 dots from 0 supporters" in appendix(markdown)


def test_the_page_and_a_published_version_show_the_adopting_rounds_tallies(client, api, two_rounds):
    """The charter page (the version as published, and the preview) and the version's Markdown show
    the first round's tallies on the adopted cards and both rounds in the appendix."""
    workspace, _boards, people = two_rounds
    client.force_login(people["steward"].user)
    page = reverse("charter", args=[workspace.slug])
    client.post(page, {"do": "publish", "title": "First", "appendix": "on"})
    markdown = api.as_user(people["af"].user).get(url(workspace, "versions/1/export.md")).content.decode()
    assert "Water — 3 dots from 1 supporter" in adopted_section(markdown)
    assert "Which ideas should lead?" in appendix(markdown) and SECOND in appendix(markdown)
    client.force_login(people["af"].user)  # a participant reads the published version
    text = plain(client.get(page).text)
    assert len(ADOPTED_WATER.findall(text)) == 1 and "Rank 3:" in text
    assert "Which ideas should lead?" in text and SECOND in text
    client.force_login(people["steward"].user)
    assert len(ADOPTED_WATER.findall(plain(client.get(page).text))) == 2  # the version and the preview


def test_adopted_cards_of_concept_and_mission_are_listed_when_a_steward_chooses(client, charter_ws):  # noqa: F811
    """Adopted cards of the Concept and Mission boards reach the charter once a steward ticks their
    boards in the composition (off by default), each with its round's tally."""
    workspace, boards, people = charter_ws
    for kind, words in (("concept", "A think tank led from the South"), ("mission", "Research that changes policy")):
        card = make_card(boards[kind], people["af"], words)
        round_ = make_round(boards[kind], people["facilitator"], question=f"Which {kind}?")
        voting_actions.place_dot(round_=round_, voter=people["mn"], card_id=card.pk)
        voting_actions.close_round(round_=round_, by=people["facilitator"])
        voting_actions.adopt_results(round_=round_, by=people["facilitator"], top=1)
    preview = charter_actions.compose(workspace)
    assert not any(s.get("adopted") for s in preview["sections"][:2])
    client.force_login(people["steward"].user)
    page = reverse("charter", args=[workspace.slug])
    assert "List the adopted cards of “Mission” after its text" in client.get(page).text
    client.post(
        page,
        {
            "do": "settings",
            "list_adopted": "on",
            "adopted_boards": [boards["concept"].pk, boards["mission"].pk],
            "appendix": "on",
        },
    )
    sections = charter_actions.compose(workspace)["sections"]
    assert [(a["text"], a["dots"]) for a in sections[0]["adopted"]] == [("A think tank led from the South", 1)]
    assert [(a["text"], a["dots"]) for a in sections[1]["adopted"]] == [("Research that changes policy", 1)]
    assert sections[3]["adopted"]  # the priority areas stay listed
    text = plain(client.get(page).text)
    assert "Adopted cards" in text and "Research that changes policy — 1 dot from 1 supporter" in text


def test_a_card_adopted_again_in_a_later_round_shows_that_rounds_tally(api, charter_ws):  # noqa: F811
    """A card adopted by two rounds shows the tally of the later one."""
    workspace, boards, people = charter_ws
    water = boards["priorities"].cards.get(body="Water")
    again = make_round(boards["priorities"], people["facilitator"], question=SECOND, cards=[water.pk])
    voting_actions.place_dot(round_=again, voter=people["mn"], card_id=water.pk)
    voting_actions.close_round(round_=again, by=people["facilitator"])
    voting_actions.adopt_results(round_=again, by=people["facilitator"], top=1)
    adopted = charter_actions.compose(workspace)["sections"][3]["adopted"]
    assert [(a["text"], a["round"], a["dots"]) for a in adopted][0] == ("Water", again.pk, 1)


def test_adoptions_made_before_they_were_recorded_come_from_the_audit(charter_ws):  # noqa: F811
    """The migration that adds adoptions finds the earlier ones in the audit's "round.adopted" entries."""
    import importlib

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    from voting.models import Adoption

    # The models as that migration saw them (cards were the workspace app's then; same tables).
    apps = MigrationLoader(connection).project_state(("voting", "0005_adoptions")).apps

    before = sorted(Adoption.objects.values_list("round_id", "card_id"))
    assert len(before) == 2
    Adoption.objects.all().delete()
    importlib.import_module("voting.migrations.0005_adoptions").adoptions_from_the_audit(apps, None)
    assert sorted(Adoption.objects.values_list("round_id", "card_id")) == before


def test_a_named_rounds_lone_voter_per_country_is_not_printed(api, charter_ws):  # noqa: F811
    """A named round (its voters shown on the board) still puts no country cell of one voter in the
    charter: "Mongolia: 2 dots from 1 supporter" would name the delegate in a published document."""
    workspace, boards, people = charter_ws
    named = make_round(boards["priorities"], people["facilitator"], question="Named round", anonymous=False)
    open_data = boards["priorities"].cards.get(body="Open data")
    voting_actions.place_dot(round_=named, voter=people["mn"], card_id=open_data.pk)
    voting_actions.close_round(round_=named, by=people["facilitator"])
    body = api.as_user(people["steward"].user).get(url(workspace)).json()
    text = appendix(body["markdown"])
    assert "Named round" in text
    assert "Mongolia:" not in text and "Afghanistan:" not in text
    named_round = next(r for r in body["preview"]["rounds"] if r["question"] == "Named round")
    assert all(set(row["by_country"]) <= {"other"} for row in named_round["cards"])
