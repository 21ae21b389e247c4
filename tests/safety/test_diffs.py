"""Comparing revisions or charter versions costs bounded time and is rate limited (finding 6)."""

import pytest

from boards.selectors import line_diff
from tests.workspace.test_markdown import _within

pytestmark = pytest.mark.django_db


def similar_texts(lines: int) -> tuple[str, str]:
    before = "\n".join(f"Line {n}: the think tank works on water, climate and rights." for n in range(lines))
    after = "\n".join(
        f"Line {n}: the think tank works on {'energy' if n % 3 else 'water'}, climate and rights."
        for n in range(lines)
    )
    return before, after


def test_a_diff_of_thousands_of_similar_lines_comes_back():
    """3,000 lines changed every third: answered (ndiff needed minutes), and correct line by line."""
    before, after = similar_texts(3000)
    lines = _within(20, line_diff, before, after)
    kept = [line["text"] for line in lines if line["op"] in ("same", "removed")]
    made = [line["text"] for line in lines if line["op"] in ("same", "added")]
    assert kept == before.splitlines()
    assert made == after.splitlines()


def test_revision_diffs_are_rate_limited(api, board, participant, facilitator, settings):
    """Past the allowance a member gets 429 with Retry-After, not another comparison."""
    from drafts import actions as drafts

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "diff": (3, 60)}
    drafts.save_revision(board=board, by=facilitator, name="one")
    client = api.as_user(participant.user)
    url = f"/api/boards/{board.pk}/draft/revisions/1/diff/1/"
    codes = [client.get(url).status_code for _ in range(5)]
    assert codes[0] == 200
    assert codes[-1] == 429
    assert codes.count(429) == 2
