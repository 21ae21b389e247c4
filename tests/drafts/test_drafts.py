"""Draft storage, compaction, revisions (save, list, view, diff, restore) and their events."""

from datetime import timedelta

import pytest
from django.utils import timezone

from drafts import actions as drafts
from drafts.documents import byte_offset, draft_markdown, new_doc, replace_text, stored_updates
from drafts.models import DraftRevision, DraftUpdate
from tests.factories import make_member, make_workspace
from workspace.errors import WorkspaceError

pytestmark = pytest.mark.django_db


def type_into(board, member, new_text: str) -> None:
    """A client edits the stored draft into ``new_text`` and the server stores the update."""
    parts, _ids = stored_updates(board.pk)
    doc, text = new_doc(*parts)
    update = replace_text(doc, text, new_text)
    drafts.store_draft_update(board_id=board.pk, by=member, update=update)


def test_offsets_are_converted_for_cyrillic_and_dari():
    """Server-side edits land between the right characters in multi-byte text."""
    doc, text = new_doc()
    text += "мир سلام"
    replace_text(doc, text, "миръ سلام!")
    assert str(text) == "миръ سلام!"
    assert byte_offset("мир", 2) == 4


def test_compaction_keeps_every_edit(board, participant):
    """Merging the log into a snapshot changes nothing in the text, and an edit after it still counts."""
    for word in ("Мы", "Мы работаем", "Мы работаем вместе"):
        type_into(board, participant, word)
    assert drafts.compact_draft(board_id=board.pk) == 3
    assert DraftUpdate.objects.count() == 0
    assert draft_markdown(board.pk) == "Мы работаем вместе"
    type_into(board, participant, "Мы работаем вместе, ما")
    assert drafts.compact_draft(board_id=board.pk) == 1
    assert draft_markdown(board.pk) == "Мы работаем вместе, ما"


def test_save_list_view_and_diff(api, board, participant, facilitator, board_events):
    """A facilitator saves named revisions; they list with editors, show rendered, and compare."""
    type_into(board, participant, "# Mission\n\nWe research.")
    client = api.as_user(facilitator.user)
    with board_events(board) as frames:
        first = client.post(f"/api/boards/{board.pk}/draft/revisions/", {"name": "after day 1"}, format="json")
    assert first.status_code == 201
    editor = {"id": participant.pk, "display_name": participant.display_name, "country": "AF"}
    assert first.json()["editors"] == [editor]
    assert frames[0]["type"] == "draft.revision_saved"
    type_into(board, facilitator, "# Mission\n\nWe research and act.\n\nTogether.")
    client.post(f"/api/boards/{board.pk}/draft/revisions/", {"name": "after day 2"}, format="json")
    listing = client.get(f"/api/boards/{board.pk}/draft/revisions/").json()
    assert [(r["number"], r["name"]) for r in listing] == [(1, "after day 1"), (2, "after day 2")]
    assert [e["display_name"] for e in listing[1]["editors"]] == [facilitator.display_name]
    one = client.get(f"/api/boards/{board.pk}/draft/revisions/1/").json()
    assert one["markdown"] == "# Mission\n\nWe research."
    assert '<h1 dir="auto">Mission</h1>' in one["html"]
    diff = client.get(f"/api/boards/{board.pk}/draft/revisions/1/diff/2/").json()["lines"]
    assert {"op": "removed", "text": "We research."} in diff
    assert {"op": "added", "text": "We research and act."} in diff
    assert {"op": "added", "text": "Together."} in diff


def test_restore_is_a_new_edit_and_keeps_history(api, board, participant, facilitator, board_events):
    """Restoring revision 1 brings its text back as a new edit; both revisions stay as they were."""
    type_into(board, participant, "Первый вариант")
    client = api.as_user(facilitator.user)
    client.post(f"/api/boards/{board.pk}/draft/revisions/", {"name": "one"}, format="json")
    type_into(board, participant, "Второй вариант, ближе к цели")
    client.post(f"/api/boards/{board.pk}/draft/revisions/", {"name": "two"}, format="json")
    updates_before = DraftUpdate.objects.count()
    with board_events(board) as frames:
        response = client.post(f"/api/boards/{board.pk}/draft/revisions/1/restore/")
    assert response.status_code == 200
    assert draft_markdown(board.pk) == "Первый вариант"
    assert DraftUpdate.objects.count() == updates_before + 1
    assert [r.markdown for r in DraftRevision.objects.order_by("number")] == [
        "Первый вариант",
        "Второй вариант, ближе к цели",
    ]
    assert frames[-1]["type"] == "draft.restored"
    current = client.get(f"/api/boards/{board.pk}/draft/").json()
    assert (current["markdown"], current["latest_revision"]["number"]) == ("Первый вариант", 2)


def test_participants_cannot_save_or_restore(api, board, participant):
    """Saving and restoring revisions is for facilitators and stewards."""
    client = api.as_user(participant.user)
    assert client.post(f"/api/boards/{board.pk}/draft/revisions/", {}, format="json").status_code == 403
    assert client.post(f"/api/boards/{board.pk}/draft/revisions/1/restore/").status_code == 403


def test_unknown_revision_and_stranger(api, board, facilitator):
    """An unknown revision is a 404, and so is any draft path for a non-member."""
    client = api.as_user(facilitator.user)
    assert client.get(f"/api/boards/{board.pk}/draft/revisions/9/").status_code == 404
    assert client.get(f"/api/boards/{board.pk}/draft/revisions/1/diff/2/").status_code == 404
    assert client.post(f"/api/boards/{board.pk}/draft/revisions/9/restore/").status_code == 404
    stranger = api.as_user(make_member(make_workspace()).user)
    assert stranger.get(f"/api/boards/{board.pk}/draft/").status_code == 404


def test_locked_board_refuses_edits_and_restores(board, participant, facilitator):
    """On a locked board neither a participant's edit nor a facilitator's restore changes the draft."""
    from boards import actions as board_actions

    type_into(board, participant, "kept")
    drafts.save_revision(board=board, by=facilitator, name="one")
    board_actions.update_board(board=board, by=facilitator, state="locked")
    with pytest.raises(WorkspaceError):
        type_into(board, participant, "changed")
    with pytest.raises(WorkspaceError):
        drafts.restore_revision(board=board, by=facilitator, number=1)
    assert draft_markdown(board.pk) == "kept"


def test_automatic_revision_after_ten_minutes_of_activity(board, participant):
    """The server saves a revision by itself once the draft has been edited for 10 minutes."""
    type_into(board, participant, "early words")
    assert drafts.save_revision_if_due(board_id=board.pk) is None
    DraftUpdate.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    revision = drafts.save_revision_if_due(board_id=board.pk)
    assert (revision.automatic, revision.markdown) == (True, "early words")
    assert drafts.save_revision_if_due(board_id=board.pk) is None  # nothing new since


def test_revision_name_too_long(api, board, facilitator):
    """A 121-character revision name is a 400."""
    response = api.as_user(facilitator.user).post(
        f"/api/boards/{board.pk}/draft/revisions/", {"name": "n" * 121}, format="json"
    )
    assert response.status_code == 400
