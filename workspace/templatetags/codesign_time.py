"""``{% when value %}``: a moment in the viewer's zone, with the workspace's beside it if it differs."""

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def when(context, value, fmt="j M Y, H:i"):
    if value is None:
        return ""
    own = timezone.localtime(value)
    html = format_html('<time datetime="{}">{}</time>', value.isoformat(), date_format(own, fmt))
    workspace = context.get("workspace")
    if workspace is not None:
        there = timezone.localtime(value, workspace.zone)
        if there.utcoffset() != own.utcoffset():
            beside = _("%(time)s in %(zone)s") % {"time": date_format(there, "H:i"), "zone": workspace.time_zone}
            html = format_html('{} <span class="muted small">({})</span>', html, beside)
    return html
