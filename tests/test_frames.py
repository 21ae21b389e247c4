"""Every frame a client receives has a schema, and a frame without one, or of the wrong shape, fails
the test that sends it (workspace/frames.py)."""

import re
from pathlib import Path

import pytest
from django.db import transaction

from boards import actions as board_actions
from boards.events import publish, publish_ephemeral, record_event
from tests.factories import make_member
from workspace.frames import FrameError, check_frame, frame_schemas

pytestmark = pytest.mark.django_db

REALTIME = Path(__file__).resolve().parents[1] / "docs" / "realtime.md"


def a_card_frame(board, author) -> dict:
    card = board_actions.create_card(board=board, by=author, body="Water first")
    return next(f for f in _stored(board) if f["type"] == "card.created" and f["card"]["id"] == card.pk)


def _stored(board) -> list[dict]:
    from boards.selectors import events_after

    return events_after(board.pk, 0, limit=100)


def test_a_well_formed_frame_passes(board, participant):
    check_frame(a_card_frame(board, participant))


@pytest.mark.parametrize(
    ("spoil", "complaint"),
    [
        (lambda f: f.update(type="card.exploded"), "No schema declares the frame type 'card.exploded'"),
        (lambda f: f.pop("seq"), "'seq' is a required property"),
        (lambda f: f["card"].pop("body_html"), "card"),
        (lambda f: f["card"].update(author={"id": 1, "display_name": "A"}), "card/author"),
        (lambda f: f["card"].update(position="first"), "card/position"),
        (lambda f: f["card"].update(status="maybe"), "card/status"),
        (lambda f: f["card"].update(voter_country="KZ"), "Additional properties are not allowed"),
        (lambda f: f.update(server_time="2026-12-04T10:00:00+00:00"), "Additional properties"),
    ],
)
def test_an_unknown_or_malformed_frame_is_refused(board, participant, spoil, complaint):
    frame = a_card_frame(board, participant)
    spoil(frame)
    with pytest.raises(FrameError, match=re.escape(complaint)):
        check_frame(frame)


def test_not_an_object_is_refused():
    for frame in (None, [], "card.created", {"seq": 1}):
        with pytest.raises(FrameError):
            check_frame(frame)


def test_publishing_a_frame_of_no_declared_type_fails_the_test_that_does(board):
    with pytest.raises(FrameError):
        publish_ephemeral(board.pk, {"type": "typing", "who": 3})
    with pytest.raises(FrameError):
        publish(board.pk, {"type": "card.created", "seq": 1, "card": {"id": 1}})


def test_recording_a_malformed_event_fails_when_it_is_published(board, participant, django_capture_on_commit_callbacks):
    member = make_member(board.workspace)
    with pytest.raises(FrameError):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            record_event(board=board, type="card.created", payload={"card": {"id": 1}}, actor=member.user)


def test_every_declared_frame_is_in_the_realtime_docs_and_back():
    """docs/realtime.md's tables list exactly the frame types the apps declare."""
    documented = set(re.findall(r"^\| `([a-z_.]+)`(?:, `([a-z_.]+)`)? \|", REALTIME.read_text(), flags=re.MULTILINE))
    documented = {name for pair in documented for name in pair if name}
    assert documented == set(frame_schemas())


def test_every_schema_names_its_type_and_refuses_unknown_keys():
    for type_, schema in frame_schemas().items():
        assert schema["properties"]["type"] == {"const": type_}
        assert schema["additionalProperties"] is False, type_


def test_round_events_stored_before_carry_no_clock(board, facilitator):
    """Stored events say what happened, not when the server told it: the migration takes the clock
    out of round events stored with it, and new ones never carry it."""
    import importlib

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    from boards.models import BoardEvent
    from voting import actions as voting_actions

    # The models as that migration saw them (events were the workspace app's then; same table).
    apps = MigrationLoader(connection).project_state(("voting", "0006_round_events_without_server_time")).apps

    migration = importlib.import_module("voting.migrations.0006_round_events_without_server_time")
    round_ = voting_actions.create_round(board=board, by=facilitator, question="Which first?")
    event = BoardEvent.objects.get(board=board, type="round.created")
    assert "server_time" not in event.payload["round"]
    event.payload["round"]["server_time"] = "2026-12-04T10:00:00+00:00"  # as stored before
    event.save(update_fields=["payload"])

    migration.forget_server_time(apps, None)

    event.refresh_from_db()
    assert "server_time" not in event.payload["round"] and event.payload["round"]["id"] == round_.pk
    check_frame({"type": event.type, "seq": event.seq, **event.payload})
