"""Stored round events no longer carry the server's clock: it was the time the event was recorded,
wrong for anyone replaying it later (a page counts down on the room's clock; the round's API answer
carries the server's time). This takes it out of the events already stored."""

from django.db import migrations


def forget_server_time(apps, schema_editor):
    BoardEvent = apps.get_model("workspace", "BoardEvent")
    changed = []
    for event in BoardEvent.objects.filter(type__startswith="round.").iterator():
        round_ = event.payload.get("round")
        if isinstance(round_, dict) and "server_time" in round_:
            del round_["server_time"]
            changed.append(event)
    BoardEvent.objects.bulk_update(changed, ["payload"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("voting", "0005_adoptions"), ("workspace", "0014_membership_country_confirmed_by_a_steward")]

    operations = [migrations.RunPython(forget_server_time, migrations.RunPython.noop)]
