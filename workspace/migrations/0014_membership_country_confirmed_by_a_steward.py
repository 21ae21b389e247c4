"""A member's country in counts is the one a steward set or confirmed; what members gave themselves
becomes a request a steward confirms on the members page (docs/design.md, "Anonymity").

Existing members keep as confirmed only a country a steward gave: that of the invitation for one
person they joined with, or the one an operator added them with. Any other country (chosen on the
join form, given by a link for many, changed in the settings) becomes their pending request, and
until a steward confirms it they count under no country.
"""

import django_countries.fields
from django.db import migrations, models
from django.utils import timezone


def _code(country) -> str:
    return str(getattr(country, "code", country) or "")


def countries_to_requests(apps, schema_editor):
    Membership = apps.get_model("workspace", "Membership")
    Invitation = apps.get_model("workspace", "Invitation")
    AuditEntry = apps.get_model("workspace", "AuditEntry")
    entries = AuditEntry.objects.filter(target_type="workspace.membership", verb__in=["member.added", "member.joined"])
    how = {target: (verb, details) for target, verb, details in entries.values_list("target_id", "verb", "details")}
    now = timezone.now()
    for member in Membership.objects.exclude(country="").iterator():
        verb, details = how.get(member.pk, ("", {}))
        if verb == "member.added":
            continue  # an operator gave it
        confirmed = ""
        if verb == "member.joined" and details.get("invitation"):
            invitation = Invitation.objects.filter(pk=details["invitation"]).first()
            if invitation is not None and invitation.max_uses == 1:
                confirmed = _code(invitation.country)
        if confirmed == _code(member.country):
            continue
        member.requested_country, member.country_requested_at = _code(member.country), now
        member.country = confirmed
        member.save(update_fields=["country", "requested_country", "country_requested_at"])


class Migration(migrations.Migration):

    dependencies = [
        ('workspace', '0013_card_kind'),
    ]

    operations = [
        migrations.AddField(
            model_name='membership',
            name='country_requested_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='country asked for on'),
        ),
        migrations.AddField(
            model_name='membership',
            name='requested_country',
            field=django_countries.fields.CountryField(blank=True, max_length=2, verbose_name='country asked for'),
        ),
        migrations.RunPython(countries_to_requests, migrations.RunPython.noop),
    ]
