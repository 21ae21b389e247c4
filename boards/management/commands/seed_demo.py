"""Create the demo workspace ``gs-think-tank`` with its four boards and demo users (idempotent).

Running it again changes nothing: existing users keep their passwords, boards keep their edits.
Accounts are made with Django's own ``create_user``; everything in the workspace goes through actions.
"""

import zoneinfo
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from boards.models import BoardKind
from workspace import actions
from workspace.models import Membership, Workspace
from workspace.roles import Role

DEMO_PASSWORD = "codesign-demo"
SLUG = "gs-think-tank"
NAME = "Global South-Led Civil Society Think and Can-do Tank — Co-Design"
DESCRIPTION = (
    "Founders from Afghanistan, Kazakhstan, Kyrgyzstan, Mongolia, Tajikistan, Turkmenistan and "
    "Uzbekistan meet for two days to co-author the think tank's charter: its concept, mission, "
    "vision and priority areas. Post ideas as cards, discuss them, write the drafts together and "
    "choose by dot-voting."
)
TIME_ZONE = "Asia/Bishkek"
AGENDA = [
    ("Day 1: concept and mission", (2026, 11, 18, 17, 0), (2026, 11, 18, 19, 0)),
    ("Day 2: vision and priority areas", (2026, 11, 19, 14, 0), (2026, 11, 19, 16, 0)),
]
BOARDS = {
    BoardKind.CONCEPT: ("Concept", "What kind of think tank are we founding, and what makes it Global South-led?"),
    BoardKind.MISSION: ("Mission", "What will the think tank do, for whom, and how?"),
    BoardKind.VISION: ("Vision", "What change do we want to see in our region in ten years?"),
    BoardKind.PRIORITIES: ("Priority areas", "Which areas should the think tank work on first, and why?"),
}
# The same texts in Russian and Dari (workspace.translations): name, description, the boards'
# titles and questions (in BOARDS order), the agenda's titles (in AGENDA order).
TRANSLATIONS = {
    "ru": {
        "name": "Аналитический центр гражданского общества под руководством Глобального Юга — совместная разработка",
        "description": (
            "Основатели из Афганистана, Казахстана, Кыргызстана, Монголии, Таджикистана, Туркменистана и "
            "Узбекистана встречаются на два дня, чтобы вместе написать хартию аналитического центра: его "
            "концепцию, миссию, видение и приоритетные направления. Предлагайте идеи карточками, обсуждайте "
            "их, пишите тексты вместе и выбирайте голосованием точками."
        ),
        "boards": [
            ("Концепция", "Какой аналитический центр мы создаём и что делает его центром Глобального Юга?"),
            ("Миссия", "Что будет делать центр, для кого и как?"),
            ("Видение", "Каких перемен мы хотим для нашего региона через десять лет?"),
            ("Приоритетные направления", "Над какими направлениями центру стоит работать в первую очередь и почему?"),
        ],
        "agenda": ["День 1: концепция и миссия", "День 2: видение и приоритетные направления"],
    },
    "fa-af": {
        "name": "اندیشکده و کنشکدهٔ جامعهٔ مدنی به رهبری جنوب جهانی — طراحی مشترک",
        "description": (
            "بنیان‌گذاران از افغانستان، قزاقستان، قرقیزستان، مغولستان، تاجیکستان، ترکمنستان و ازبکستان دو روز "
            "گرد هم می‌آیند تا منشور اندیشکده را با هم بنویسند: مفهوم، مأموریت، چشم‌انداز و عرصه‌های "
            "اولویت‌دار آن. ایده‌ها را به شکل کارت بگذارید، دربارهٔ آن‌ها گفتگو کنید، متن‌ها را با هم بنویسید "
            "و با رأی‌گیری نقطه‌ای انتخاب کنید."
        ),
        "boards": [
            ("مفهوم", "چه نوع اندیشکده‌ای را بنیان می‌گذاریم و چه چیزی آن را به رهبری جنوب جهانی می‌سازد؟"),
            ("مأموریت", "اندیشکده چه خواهد کرد، برای چه کسانی و چگونه؟"),
            ("چشم‌انداز", "چه تغییری را در ده سال آینده در منطقهٔ خود می‌خواهیم ببینیم؟"),
            ("عرصه‌های اولویت‌دار", "اندیشکده نخست روی کدام عرصه‌ها کار کند و چرا؟"),
        ],
        "agenda": ["روز اول: مفهوم و مأموریت", "روز دوم: چشم‌انداز و عرصه‌های اولویت‌دار"],
    },
}
# username, display name, role, country (confirmed: added by the operator, as a steward would set it)
USERS = [
    ("steward", "Demo steward", Role.STEWARD, "KG"),
    ("facilitator", "Demo facilitator", Role.FACILITATOR, "KZ"),
    ("af", "Participant (Afghanistan)", Role.PARTICIPANT, "AF"),
    ("kz", "Participant (Kazakhstan)", Role.PARTICIPANT, "KZ"),
    ("kg", "Participant (Kyrgyzstan)", Role.PARTICIPANT, "KG"),
    ("mn", "Participant (Mongolia)", Role.PARTICIPANT, "MN"),
    ("tj", "Participant (Tajikistan)", Role.PARTICIPANT, "TJ"),
    ("tm", "Participant (Turkmenistan)", Role.PARTICIPANT, "TM"),
    ("uz", "Participant (Uzbekistan)", Role.PARTICIPANT, "UZ"),
]


def _translated(code_texts: dict, key: str, index: int | None = None) -> dict:
    """``{language: {field: text}}`` of one demo text from TRANSLATIONS."""
    result = {}
    for code, texts in TRANSLATIONS.items():
        value = texts[key] if index is None else texts[key][index]
        result[code] = code_texts(value)
    return result


class Command(BaseCommand):
    help = "Create the demo workspace, its boards and demo users (safe to run again)."

    @transaction.atomic
    def handle(self, *args, **options):
        workspace = Workspace.objects.filter(slug=SLUG).first()
        created = workspace is None
        if created:
            zone = zoneinfo.ZoneInfo(TIME_ZONE)
            workspace = actions.create_workspace(
                slug=SLUG,
                name=NAME,
                description=DESCRIPTION,
                time_zone=TIME_ZONE,
                agenda=[
                    (
                        title,
                        datetime(*start, tzinfo=zone),
                        datetime(*end, tzinfo=zone),
                        _translated(lambda text: {"title": text}, "agenda", index),
                    )
                    for index, (title, start, end) in enumerate(AGENDA)
                ],
                board_questions={
                    kind: (*texts, _translated(lambda t: {"title": t[0], "guiding_question": t[1]}, "boards", index))
                    for index, (kind, texts) in enumerate(BOARDS.items())
                },
                translations={
                    code: {"name": texts["name"], "description": texts["description"]}
                    for code, texts in TRANSLATIONS.items()
                },
            )
        User = get_user_model()
        for username, display_name, role, country in USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(username=username, password=DEMO_PASSWORD)
            if not Membership.objects.filter(user=user, workspace=workspace).exists():
                actions.add_member(
                    workspace=workspace, user=user, role=role, display_name=display_name, country=country
                )
        verb = "Created" if created else "Kept"
        self.stdout.write(f"{verb} the demo workspace '{SLUG}' ({workspace.name}).")
        self.stdout.write(
            f"Demo logins (password for all: {DEMO_PASSWORD}): " + ", ".join(username for username, *_rest in USERS)
        )
