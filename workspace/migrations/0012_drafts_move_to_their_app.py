"""The draft models move to the drafts app: gone from this app's state, their tables kept as they
are (``drafts.0001_initial`` takes them over under the same names)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("workspace", "0011_outbox_and_personal_invitations"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="draftrevision",
                    name="board",
                ),
                migrations.RemoveField(
                    model_name="draftrevision",
                    name="created_by",
                ),
                migrations.RemoveField(
                    model_name="draftsnapshot",
                    name="board",
                ),
                migrations.RemoveField(
                    model_name="draftupdate",
                    name="author",
                ),
                migrations.RemoveField(
                    model_name="draftupdate",
                    name="board",
                ),
                migrations.DeleteModel(
                    name="DraftContributor",
                ),
                migrations.DeleteModel(
                    name="DraftRevision",
                ),
                migrations.DeleteModel(
                    name="DraftSnapshot",
                ),
                migrations.DeleteModel(
                    name="DraftUpdate",
                ),
            ],
            database_operations=[],
        ),
    ]
