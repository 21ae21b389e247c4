import asyncio
import json
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from rest_framework.test import APIClient

from boards.events import board_group
from tests.factories import make_member, make_workspace
from workspace.events import workspace_group
from workspace.frames import check_frame
from workspace.roles import Role


def pytest_sessionstart(session):
    """Pages name fingerprinted static files (codesign/storage.py): collect them when static/ changed.

    Before collection: importing the ASGI application (some test modules do) makes WhiteNoise index
    STATIC_ROOT once, and the live servers the browser tests fork inherit that index.
    """
    from django.conf import settings
    from django.core.management import call_command

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    sources = [p for d in settings.STATICFILES_DIRS for p in Path(d).rglob("*") if p.is_file()]
    newest = max(p.stat().st_mtime for p in sources)
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        call_command("collectstatic", interactive=False, verbosity=0)

    # The message catalogs, compiled as `make test` does, when a .po is newer than its .mo.
    catalogs = list(Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/django.po"))
    stale = [
        po
        for po in catalogs
        if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale and shutil.which("msgfmt"):
        call_command("compilemessages", locale=[po.parent.parent.name for po in stale], verbosity=0)


def pytest_sessionfinish(session, exitstatus):
    """A whole run must have sent every frame type an app declares (workspace/frames.py): a type
    that no test sends is a shape nobody checks. Servers the tests started wrote theirs down too."""
    from django.conf import settings

    from workspace.frames import frame_schemas

    folder = Path(settings.FRAMES_SEEN_DIR) if settings.FRAMES_SEEN_DIR else None
    seen = set()
    if folder and folder.is_dir():
        seen = {line for path in folder.glob("*.txt") for line in path.read_text().split()}
        shutil.rmtree(folder, ignore_errors=True)
    config = session.config
    whole_run = (
        not config.invocation_params.args
        and not config.option.keyword
        and not config.option.markexpr
        and session.testsfailed == 0
        and exitstatus == pytest.ExitCode.OK
    )
    if not whole_run:
        return
    never_sent = sorted(set(frame_schemas()) - seen)
    if never_sent:
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        reporter.write_line(f"Frame types declared but sent by no test: {', '.join(never_sent)}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def workspace(db):
    return make_workspace()


@pytest.fixture
def steward(workspace):
    return make_member(workspace, Role.STEWARD, country="KG")


@pytest.fixture
def facilitator(workspace):
    return make_member(workspace, Role.FACILITATOR, country="KZ")


@pytest.fixture
def participant(workspace):
    return make_member(workspace, Role.PARTICIPANT, country="AF")


@pytest.fixture
def api():
    """An API client; ``api.as_user(user)`` signs it in."""
    client = APIClient()

    def as_user(user):
        client.force_authenticate(user=user)
        return client

    client.as_user = as_user
    return client


async def _drain(layer, channel) -> list[dict]:
    frames = []
    while True:
        try:
            message = await asyncio.wait_for(layer.receive(channel), timeout=0.05)
        except TimeoutError:
            return frames
        frame = json.loads(message["text"])
        check_frame(frame)  # what a test captures has its schema, as everything published does
        frames.append(frame)


@contextmanager
def _group_frames(group: str, capture_on_commit):
    """Collect what ``group`` receives while the block runs, on-commit callbacks run as after a commit."""
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group, channel)
    frames: list[dict] = []
    try:
        with capture_on_commit(execute=True):
            yield frames
    finally:
        frames.extend(async_to_sync(_drain)(layer, channel))
        async_to_sync(layer.group_discard)(group, channel)


@pytest.fixture
def board_events(django_capture_on_commit_callbacks):
    """``with board_events(board) as frames:`` collects what the board's group received.

    On-commit callbacks run (as they would after a real commit), so a test sees exactly what
    watchers of the board would see.
    """
    return lambda board: _group_frames(board_group(board.pk), django_capture_on_commit_callbacks)


@pytest.fixture
def room_events(django_capture_on_commit_callbacks):
    """``with room_events(workspace) as frames:`` collects what the workspace's room group received."""
    return lambda workspace: _group_frames(workspace_group(workspace.pk), django_capture_on_commit_callbacks)


@pytest.fixture(autouse=True)
def _language_of_the_test():
    """Every test starts in the site's default language: a request through the test client
    activates the reader's language in this thread and leaves it active (a Russian page in one test
    made the next test's messages Russian)."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache: every test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def board(workspace):
    from boards.models import Board

    return Board.objects.select_related("workspace").get(workspace=workspace, kind="mission")
