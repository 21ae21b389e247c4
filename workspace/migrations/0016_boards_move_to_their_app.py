"""Boards, cards, comments, the board event log and presence moved to the boards app with their
tables: they leave the workspace app's state only (no table changes)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('drafts', '0004_boards_move_to_their_app'),
        ('facilitation', '0003_boards_move_to_their_app'),
        ('voting', '0007_boards_move_to_their_app'),
        ('workspace', '0015_profile_and_tokens_move_to_accounts'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='boardpresence',
                    name='board',
                ),
                migrations.RemoveField(
                    model_name='card',
                    name='board',
                ),
                migrations.RemoveField(
                    model_name='boardevent',
                    name='board',
                ),
                migrations.RemoveField(
                    model_name='boardevent',
                    name='actor',
                ),
                migrations.RemoveField(
                    model_name='boardpresence',
                    name='membership',
                ),
                migrations.RemoveField(
                    model_name='card',
                    name='author',
                ),
                migrations.RemoveField(
                    model_name='card',
                    name='removed_by',
                ),
                migrations.RemoveField(
                    model_name='comment',
                    name='card',
                ),
                migrations.RemoveField(
                    model_name='comment',
                    name='author',
                ),
                migrations.RemoveField(
                    model_name='comment',
                    name='hidden_by',
                ),
                migrations.RemoveField(
                    model_name='comment',
                    name='parent',
                ),
                migrations.DeleteModel(
                    name='Board',
                ),
                migrations.DeleteModel(
                    name='BoardEvent',
                ),
                migrations.DeleteModel(
                    name='BoardPresence',
                ),
                migrations.DeleteModel(
                    name='Card',
                ),
                migrations.DeleteModel(
                    name='Comment',
                ),

            ],
            database_operations=[],
        ),
    ]
