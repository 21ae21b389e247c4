"""The foreign keys to boards and cards point at the boards app, where the models moved with their
tables (state only: no table changes)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('boards', '0001_boards_cards_comments_events_presence'),
        ('voting', '0006_round_events_without_server_time'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='adoption',
                    name='card',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='adoptions', to='boards.card'),
                ),
                migrations.AlterField(
                    model_name='dot',
                    name='card',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='dots', to='boards.card'),
                ),
                migrations.AlterField(
                    model_name='round',
                    name='board',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rounds', to='boards.board'),
                ),
                migrations.AlterField(
                    model_name='round',
                    name='cards',
                    field=models.ManyToManyField(blank=True, related_name='rounds', to='boards.card'),
                ),

            ],
            database_operations=[],
        ),
    ]
