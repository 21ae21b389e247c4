"""Texts people give in several languages: board titles and guiding questions, the workspace's name
and description, agenda titles, the charter's title.

The model field holds the text in the site's default language (``settings.LANGUAGE_CODE``); a
``translations`` JSON field beside it holds the others, ``{"ru": {"title": "…"}, "fa-af": {…}}``.
A reader sees the text in their language, else in its base language ("fa" for "fa-af"), else the
default one. Events carry the whole ``translations`` map, so that everyone watching a board picks
their own language in the page (``localized`` in static/js/dom.js does what ``localized`` does here).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from workspace.errors import WorkspaceError
from workspace.text import clean_line, clean_text


class Translated(models.Model):
    translations = models.JSONField(gettext_lazy("translations"), default=dict, blank=True)

    class Meta:
        abstract = True

    def localized(self, field: str, language: str | None = None) -> str:
        return localized(self, field, language)


def in_language(by_language: dict, language: str | None = None):
    """``by_language[language]``, else its base language's ("fa" for "fa-af"), else None; the active
    language when none is given."""
    language = (language or get_language() or settings.LANGUAGE_CODE).lower()
    return by_language.get(language) or by_language.get(language.split("-")[0]) or None


def localized(obj, field: str, language: str | None = None) -> str:
    """``obj.<field>`` (or ``obj[field]`` of an event's dict) in ``language`` (the active one when not
    given), with the fallbacks above."""
    read = obj.get if isinstance(obj, dict) else lambda name, default=None: getattr(obj, name, default)
    texts = {code: given.get(field) for code, given in (read("translations") or {}).items() if given}
    return in_language(texts, language) or read(field)


def translation_languages() -> list[tuple[str, str]]:
    """The languages a text can be given in besides the default one: every catalog in ``locale/``."""
    return [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def is_rtl(code: str) -> bool:
    """Whether a language is written right to left (as Django decides for the page)."""
    return code.split("-")[0] in settings.LANGUAGES_BIDI


@dataclass(frozen=True)
class TextField:
    """How one translatable field is cleaned: its longest length and whether it is a single line."""

    max_length: int
    one_line: bool = True


def clean_one(text, spec: TextField, *, label: str) -> str:
    if not isinstance(text, str):
        raise WorkspaceError(_("%(field)s must be text.") % {"field": label})
    text = clean_line(text) if spec.one_line else clean_text(text).strip()
    if len(text) > spec.max_length:
        raise WorkspaceError(
            _("%(field)s can be at most %(max)d characters long.") % {"field": label, "max": spec.max_length}
        )
    return text


def merged_translations(current: dict, given, fields: dict[str, TextField]) -> dict:
    """``current`` with ``given`` (``{language: {field: text}}``) laid over it, checked.

    An empty text removes that language's text (the reader then sees the fallback); languages and
    fields not named in ``given`` stay as they were.
    """
    if not isinstance(given, dict):
        raise WorkspaceError(_("Translations are given as {language: {field: text}}."))
    known = dict(translation_languages())
    result = {code: dict(texts) for code, texts in (current or {}).items()}
    for code, texts in given.items():
        if code not in known:
            raise WorkspaceError(
                _("“%(code)s” is not a language of this site (%(known)s).")
                % {"code": code, "known": ", ".join(known) or "-"}
            )
        if not isinstance(texts, dict):
            raise WorkspaceError(_("Translations are given as {language: {field: text}}."))
        language = result.setdefault(code, {})
        for field, text in texts.items():
            if field not in fields:
                raise WorkspaceError(
                    _("“%(field)s” cannot be translated here (only %(fields)s).")
                    % {"field": field, "fields": ", ".join(fields)}
                )
            text = clean_one(text, fields[field], label=f"{field} ({code})")
            if text:
                language[field] = text
            else:
                language.pop(field, None)
    return {code: texts for code, texts in result.items() if texts}
