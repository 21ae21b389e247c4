"""``{% when value %}``: a moment in the viewer's zone, with the workspace's beside it if it differs;
``value|day_and_time``: "Monday, 30 November, 14:00" as each language writes it (Russian puts the
month in the genitive, "30 ноября"; Dari separates with "،")."""

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from workspace.zones import zone_name

register = template.Library()
register.filter("zone_name", zone_name)  # {{ workspace.time_zone|zone_name }}: "Бишкек"


@register.simple_tag(takes_context=True)
def when(context, value, fmt="j E Y, H:i"):
    if value is None:
        return ""
    own = timezone.localtime(value)
    html = format_html('<time datetime="{}">{}</time>', value.isoformat(), date_format(own, fmt))
    workspace = context.get("workspace")
    if workspace is not None:
        there = timezone.localtime(value, workspace.zone)
        if there.utcoffset() != own.utcoffset():
            beside = _("%(time)s in %(zone)s") % {
                "time": date_format(there, "H:i"),
                "zone": zone_name(workspace.time_zone),
            }
            html = format_html('{} <span class="muted small">({})</span>', html, beside)
    return html


@register.filter
def day_and_time(value):
    """The weekday, day, month and time of ``value`` (already in the zone to show it in)."""
    if value is None:
        return ""
    # Translators: a date format (Django's "date" letters): l weekday, j day, E month as in a date
    # ("ноября", not "ноябрь"), H:i the time. Keep the letters; change the order and punctuation.
    return date_format(value, pgettext("date format: weekday, day, month, time", "l, j E, H:i"))
