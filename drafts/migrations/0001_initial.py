"""The draft models, moved here from the workspace app with their tables (no table changes)."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


MODELS = ["draftupdate", "draftsnapshot", "draftcontributor", "draftrevision"]


def move_content_types(apps, schema_editor, source="workspace", target="drafts"):
    """The tables were the workspace app's (``workspace.0003_drafts``): their content types follow
    them, so admin history and permissions keep pointing at the same rows."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=target, model__in=MODELS).exists():
        ContentType.objects.filter(app_label=source, model__in=MODELS).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="drafts", target="workspace")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("workspace", "0012_drafts_move_to_their_app"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DraftSnapshot",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("state", models.BinaryField()),
                        ("version", models.PositiveBigIntegerField(default=0)),
                        ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "board",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="draft_snapshot",
                                to="workspace.board",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "workspace_draftsnapshot",
                    },
                ),
                migrations.CreateModel(
                    name="DraftContributor",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("last_edit_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "board",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="workspace.board"
                            ),
                        ),
                        (
                            "membership",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="workspace.membership"
                            ),
                        ),
                    ],
                    options={
                        "db_table": "workspace_draftcontributor",
                        "constraints": [
                            models.UniqueConstraint(fields=("board", "membership"), name="one_contributor_row")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="DraftRevision",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("number", models.PositiveIntegerField()),
                        ("name", models.CharField(blank=True, max_length=120, verbose_name="name")),
                        ("markdown", models.TextField()),
                        ("editors", models.JSONField(default=list)),
                        ("automatic", models.BooleanField(default=False)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "board",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="draft_revisions",
                                to="workspace.board",
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="workspace.membership",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "workspace_draftrevision",
                        "ordering": ["board", "number"],
                        "constraints": [
                            models.UniqueConstraint(fields=("board", "number"), name="one_revision_number_per_board")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="DraftUpdate",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("data", models.BinaryField()),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "author",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="workspace.membership",
                            ),
                        ),
                        (
                            "board",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="draft_updates",
                                to="workspace.board",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "workspace_draftupdate",
                        "ordering": ["id"],
                        "indexes": [models.Index(fields=["board", "id"], name="workspace_d_board_i_2cfcbc_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back, elidable=True),
    ]
