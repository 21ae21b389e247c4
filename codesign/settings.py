"""Settings for codesign, read from the environment.

Embedded default: one Daphne process, SQLite in WAL mode and the in-memory channel layer.
Scale-out: ``DATABASE_URL=postgres://...`` and ``REDIS_URL=redis://...``; nothing else changes.
"""

import os
import warnings
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy, pgettext_lazy, to_language

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (a development default exists only with DEBUG=1).")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "channels",
    "csp",
    "workspace",
    "accounts",
    "boards",
    "drafts",
    "voting",
    "charter",
    "facilitation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and API answers compressed for slow links (Django's middleware pads against BREACH).
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.ViewerPreferencesMiddleware",
    "accounts.signin.DeviceMarkMiddleware",
]

ROOT_URLCONF = "codesign.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "workspace.context_processors.viewer",
            ],
        },
    },
]

ASGI_APPLICATION = "codesign.asgi.application"


# Database: SQLite file by default; concurrent writers wait (IMMEDIATE + timeout) instead of
# failing with "database is locked", and WAL lets readers go on while one writes.
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'codesign.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A pool, not persistent connections (which Django advises against under ASGI: every worker
    # thread would keep its own and a burst exhausts the server's max_connections). Opening a
    # connection per consumer hop cost ~20 ms per WebSocket connect.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 2,
        "max_size": int(os.environ.get("DATABASE_POOL_SIZE", "20")),
        "timeout": 20,
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# Channel layer: in memory for one process; Redis once there are several.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py's default pool (100) fails a burst of ~150 connects: size it. redis-py 8
                # reads with a 5 s socket timeout by default, the very time channels-redis blocks in
                # BZPOPMIN waiting for messages: under load the reply came a little late and the
                # socket's consumer died (1011). Give reads more time than that wait.
                "hosts": [{"address": REDIS_URL, "max_connections": 1000, "socket_timeout": 30}],
                "capacity": 1000,
                "prefix": os.environ.get("REDIS_PREFIX", "codesign"),
            },
        }
    }
else:
    # capacity: messages waiting for one socket before the layer drops more (default 100: twenty
    # editors typing at 5 keys a second fill that in a second if a socket stalls).
    CHANNEL_LAYERS = {"default": {"BACKEND": "codesign.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 1000}}}

# The cache holds rate-limit counters: shared by every process once Redis is there.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("REDIS_PREFIX", "codesign"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Per member: (how many, per how many seconds). Generous for a lively session, not for a script.
RATE_LIMITS = {
    "card": (30, 60),
    "comment": (60, 60),
    "socket_frame": (60, 10),
    "draft_frame": (400, 10),  # a draft socket's messages: keystrokes and cursor moves
    "diff": (20, 60),  # comparisons of revisions and charter versions
    "fishbowl": (30, 60),  # one's own raise/lower/take/decline/leave (each one is shown to everyone)
    "notice": (20, 60),  # a facilitator's messages and summonses to everyone
    "amendment": (10, 600),  # proposals to change a draft: each one lands on everyone's board
    "amendment_support": (60, 60),
    # Editing one's card, comment or amendment: each edit rewrites every stored copy of the words
    # (workspace.stored_copies), so edits are counted like posts.
    "edit": (30, 600),
}
# Charter exports being rendered at once (HTML, PDF, DOCX; one already rendered is served without
# waiting): per member, on the whole site (every process: the slots are in the cache, Redis once
# there are several), the longest a slot is held (a process that dies mid-render frees it then),
# and the wait a refused request is told (Retry-After). A PDF of a 200,000-character section: 5-10 s.
CHARTER_RENDERS = {"per_member": 1, "at_once": 2, "hold_seconds": 300, "retry_after": 10}
# Open WebSocket connections one member may hold at once in one server process (tabs, phones).
MAX_SOCKETS_PER_MEMBER = int(os.environ.get("MAX_SOCKETS_PER_MEMBER", "12"))
# Each server process closes rounds whose timer ran out (voting.timers).
ROUND_TIMER = env_bool("ROUND_TIMER", True)
# How far back a client may resume; further behind, it reloads the snapshot.
MAX_RESUME_EVENTS = 1000
# Check every frame sent to a client against its schema (workspace/frames.py), and write the types
# checked down in this folder: on in the test suite and the servers it starts, off in production.
CHECK_FRAMES = env_bool("CODESIGN_CHECK_FRAMES", False)
FRAMES_SEEN_DIR = os.environ.get("CODESIGN_FRAMES_SEEN_DIR", "")


AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Every password check goes through the sign-in counters (accounts/signin.py).
AUTHENTICATION_BACKENDS = ["accounts.signin.ThrottledModelBackend"]
# Sign-in tries: (how many, per how many seconds). One account from one address is strict; one
# account from anywhere caps guessing spread over many addresses; one address counts failures at any
# account (a delegation behind one NAT signs in fine). A device the owner signed in from before
# (its mark, accounts/signin.py) meets only its own counter, so strangers cannot lock it out.
SIGNIN_LIMITS = {
    "account_device": (10, 15 * 60),
    "account_address": (10, 15 * 60),
    "account": (50, 15 * 60),
    "address": (100, 15 * 60),
}
# How long a device mark (set on each successful sign-in) lasts unused.
SIGNIN_DEVICE_DAYS = 365
# API tokens (``Authorization: Token …``) last this long; their owner lists and revokes them.
API_TOKEN_DAYS = 30

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"


# Interface languages: English (the source) and every catalog under locale/ (docs/translating.md:
# adding one is `make language CODE=kk`). Each name is written in its own language, so that a reader
# finds theirs whatever the page is in. Dari is fa-af: Django's own strings come from its Persian
# (fa) catalog, ours from locale/fa_AF.
LANGUAGE_CODE = "en"
LANGUAGE_NAMES = {
    "en": "English",
    "ru": "Русский",
    "fa-af": "دری",
    "kk": "Қазақша",
    "ky": "Кыргызча",
    "uz": "Oʻzbekcha",
    "tg": "Тоҷикӣ",
    "tk": "Türkmençe",
    "mn": "Монгол",
    "ps": "پښتو",
}
LANGUAGES = [("en", LANGUAGE_NAMES["en"])] + [
    (code, LANGUAGE_NAMES.get(code, code))
    for code in sorted(
        to_language(po.parent.parent.name) for po in (BASE_DIR / "locale").glob("*/LC_MESSAGES/django.po")
    )
]
LANGUAGES_BIDI = ["he", "ar", "ar-dz", "ckb", "fa", "ur", "ug", "ps"]  # Django's, and Pashto
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True

TIME_ZONE = "UTC"
USE_TZ = True


STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing one
STATICFILES_DIRS = [BASE_DIR / "static"]
# The app serves its own static files (WhiteNoise), fingerprinted and compressed by collectstatic
# (``make run`` and the tests run it), so browsers on slow links keep them for a year. With DEBUG
# the files are served unhashed straight from static/ and picked up as they change.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "codesign.storage.StaticStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
# WhiteNoise answers with a synchronous file iterator, which Django under ASGI reads in a thread and
# warns about on every static file; our files are small, so say it once here instead of per request.
warnings.filterwarnings("ignore", message="StreamingHttpResponse must consume synchronous iterators")
WHITENOISE_AUTOREFRESH = DEBUG


SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response (django-csp): our own scripts, styles, images, fonts
# and sockets only, no inline script, nothing from another origin. Should anything still slip past
# the sanitizer (a style in an awareness state, a crafted link), the browser refuses to run it or
# to fetch from elsewhere (an IP beacon). Styles set through the DOM (the editor's remote cursors,
# CSSOM) are not inline styles and need nothing more. The API docs (Swagger UI) style themselves
# inline: that one page allows inline styles (codesign/urls.py), never inline scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],  # a nonce only on pages that ask for one (the draft editor's)
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if env_bool("HTTPS"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 365 * 24 * 3600


REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["workspace.parsers.SafeJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "workspace.schema.CodesignAutoSchema",  # lists every refusal
    "EXCEPTION_HANDLER": "workspace.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "codesign API",
    "DESCRIPTION": "Workspaces, members, invitations and drafting boards of a codesign workspace.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the installed package, never from a CDN: a third party learns nothing.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "BoardStateEnum": "boards.models.BoardState",
        "CardStatusEnum": "boards.models.CardStatus",
        "CommentStateEnum": ["visible", "removed", "hidden"],
        "InvitationStatusEnum": ["active", "revoked", "expired", "used_up"],
    },
}


# The founders' countries come first in every country list.
COUNTRIES_FIRST = ["AF", "KZ", "KG", "MN", "TJ", "TM", "UZ"]
COUNTRIES_FIRST_REPEAT = False
# Country names as this audience writes them (django-countries' Russian says "Киргизия", and gives
# some names in the genitive, "Либерии"; its English catalog says "Naoero", hence a context of ours).
# Lists sort by the name in the reader's language with pyuca (Unicode collation), which
# django-countries uses when it is installed.
COUNTRIES_OVERRIDE = {
    "KG": gettext_lazy("Kyrgyzstan"),
    "LR": gettext_lazy("Liberia"),
    "MF": gettext_lazy("Saint Martin (French part)"),
    "MM": gettext_lazy("Myanmar"),
    "NC": gettext_lazy("New Caledonia"),
    "NR": pgettext_lazy("country", "Nauru"),
    "PS": gettext_lazy("Palestine"),
    "SH": gettext_lazy("Saint Helena"),
    "SM": gettext_lazy("San Marino"),
    "SX": gettext_lazy("Sint Maarten (Dutch part)"),
}

# Invitations last this long unless the steward says otherwise.
INVITATION_DEFAULT_DAYS = 14

# Email. EMAIL_URL (smtp://user:password@host:587/?tls=1, smtps://… for TLS from the first byte)
# or EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS / EMAIL_USE_SSL.
# Without either, mails are written to var/mail/ (one file per batch), so that a newcomer running
# `make run` can read the invitation they just sent. Mails leave through the outbox
# (workspace.mail), never from inside a request.
def _email_settings() -> dict:
    from urllib.parse import parse_qs, unquote, urlsplit

    url = os.environ.get("EMAIL_URL", "")
    if url:
        parts = urlsplit(url)
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        if parts.scheme not in {"smtp", "smtps", "submission"}:
            raise ValueError(f"EMAIL_URL must start with smtp://, smtps:// or submission://, not {parts.scheme}://")
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname or "localhost",
            "EMAIL_PORT": parts.port or {"smtps": 465, "submission": 587}.get(parts.scheme, 25),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_SSL": parts.scheme == "smtps",
            "EMAIL_USE_TLS": parts.scheme == "submission" or query.get("tls", "") in {"1", "true", "yes"},
        }
    if os.environ.get("EMAIL_HOST"):
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": os.environ["EMAIL_HOST"],
            "EMAIL_PORT": int(os.environ.get("EMAIL_PORT", "25")),
            "EMAIL_HOST_USER": os.environ.get("EMAIL_HOST_USER", ""),
            "EMAIL_HOST_PASSWORD": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "EMAIL_USE_TLS": env_bool("EMAIL_USE_TLS"),
            "EMAIL_USE_SSL": env_bool("EMAIL_USE_SSL"),
        }
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(BASE_DIR / "var" / "mail"),
    }


globals().update(_email_settings())
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "codesign <codesign@localhost>")
# Each server process sends what is in the outbox (like the round timer); off for a process that
# should not, e.g. when `manage.py send_mail_outbox` runs on its own.
MAIL_SENDER = env_bool("MAIL_SENDER", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint narrates every page it lays out at INFO; fontTools, every font it subsets.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
