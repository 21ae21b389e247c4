"""``{{ board|localized:"title" }}``: a text people gave in several languages, in the reader's
language (workspace.translations)."""

from django import template

from workspace.translations import localized as localized_text

register = template.Library()


@register.filter
def localized(obj, field: str) -> str:
    if obj is None or obj == "":
        return ""
    return localized_text(obj, field)
