"""The foreign keys to boards and cards point at the boards app, where the models moved with their
tables (state only: no table changes)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('boards', '0001_boards_cards_comments_events_presence'),
        ('drafts', '0003_amendment_diff'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='amendment',
                    name='board',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='amendments', to='boards.board'),
                ),
                migrations.AlterField(
                    model_name='amendment',
                    name='card',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='amendment', to='boards.card'),
                ),
                migrations.AlterField(
                    model_name='draftcontributor',
                    name='board',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='boards.board'),
                ),
                migrations.AlterField(
                    model_name='draftrevision',
                    name='board',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='draft_revisions', to='boards.board'),
                ),
                migrations.AlterField(
                    model_name='draftsnapshot',
                    name='board',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='draft_snapshot', to='boards.board'),
                ),
                migrations.AlterField(
                    model_name='draftupdate',
                    name='board',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='draft_updates', to='boards.board'),
                ),

            ],
            database_operations=[],
        ),
    ]
