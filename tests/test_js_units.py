"""The browser transport's own tests (tests/js/, run by Node's test runner) pass.

They import static/js/transport.js as the browser does, without a browser. Node is needed only for
these tests: `make run` never asks for it, and without it this test is skipped and says why.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_transport_keeps_events_writes_and_time_right():
    """Events applied once and in order, queued writes sent once with their key, refusals surfaced,
    back-off and the server's clock: every test in tests/js/ passes."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("`node` is not on PATH: the JavaScript unit tests (node --test tests/js/) need Node 20 or later")
    result = subprocess.run(
        [node, "--test", "tests/js/"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, f"node --test tests/js/ failed:\n{result.stdout}\n{result.stderr}"
