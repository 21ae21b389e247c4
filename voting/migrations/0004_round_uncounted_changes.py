"""An anonymous round's live count waits for changes by several different people: what each voter
changed since the last published count (voting.actions.publish_tallies)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('voting', '0003_round_subject'),
    ]

    operations = [
        migrations.AddField(
            model_name='round',
            name='uncounted',
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
    ]
