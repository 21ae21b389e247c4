"""The foreign keys to boards and cards point at the boards app, where the models moved with their
tables (state only: no table changes)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('boards', '0001_boards_cards_comments_events_presence'),
        ('facilitation', '0002_notice_withdrawn'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='notice',
                    name='board',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='boards.board'),
                ),

            ],
            database_operations=[],
        ),
    ]
