"""How long exporting a large charter takes: 4 sections of 20,000 characters each (Latin,
Cyrillic, Dari) and 50 adopted priority areas, in each format. Prints figures; asserts nothing.

    .venv/bin/python bench/charter_export.py
"""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "codesign.settings")
os.environ.setdefault("SECRET_KEY", "bench")
os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"

import django  # noqa: E402
import django.utils.timezone  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

settings.RATE_LIMITS = {**settings.RATE_LIMITS, "card": (1000, 60)}  # one author posts all 50 areas here

from django.core.management import call_command  # noqa: E402

call_command("migrate", verbosity=0)
call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115

from charter.compose import compose  # noqa: E402
from charter.exports import Charter  # noqa: E402
from workspace import actions  # noqa: E402
from workspace.actions import drafts  # noqa: E402
from workspace.drafts import new_doc, replace_text  # noqa: E402
from workspace.models import Board, CardStatus, Membership, Workspace  # noqa: E402

PARAGRAPHS = [
    "The think tank connects civil society across the region and turns shared research into action. ",
    "Мы объединяем гражданское общество региона и превращаем общие исследования в действия. ",
    "ما جامعه مدنی منطقه را به هم وصل می‌کنیم و پژوهش مشترک را به عمل تبدیل می‌کنیم. ",
]


def section_text(chars: int) -> str:
    text, n = [], 0
    while sum(map(len, text)) < chars:
        text.append(f"## Part {n}\n\n" + PARAGRAPHS[n % 3] * 4 + "\n\n- one point\n- another point\n\n")
        n += 1
    return "".join(text)[:chars]


workspace = Workspace.objects.get(slug="gs-think-tank")
author = Membership.objects.get(user__username="kg", workspace=workspace)
facilitator = Membership.objects.get(user__username="facilitator", workspace=workspace)
for board in Board.objects.filter(workspace=workspace):
    doc, text = new_doc()
    drafts.store_draft_update(board_id=board.pk, by=author, update=replace_text(doc, text, section_text(20_000)))
priorities = Board.objects.get(workspace=workspace, kind="priorities")
for n in range(50):
    card = actions.create_card(board=priorities, by=author, body=f"Priority area {n}: {PARAGRAPHS[n % 3]}")
    actions.update_card(card=card, by=facilitator, status=CardStatus.ADOPTED)

started = time.perf_counter()
content = compose(workspace)
compose_seconds = time.perf_counter() - started
charter = Charter(content, number=1, published_at=django.utils.timezone.now(), sha="0" * 64)
print(
    f"charter: {len(content['sections'])} sections, {sum(len(s['markdown']) for s in content['sections'])} characters, "
    f"{len(content['sections'][3].get('adopted', []))} priority areas"
)
print(f"compose: {compose_seconds:.2f} s")
for fmt in ("md", "html", "docx", "pdf"):
    started = time.perf_counter()
    data = charter.render(fmt)
    print(f"{fmt:>4}: {time.perf_counter() - started:6.2f} s  {len(data) / 1024:8.0f} KiB")

if "--profile" in sys.argv:
    import cProfile
    import pstats

    profile = cProfile.Profile()
    profile.runcall(charter.render, "pdf")
    pstats.Stats(profile).sort_stats("cumulative").print_stats(18)
