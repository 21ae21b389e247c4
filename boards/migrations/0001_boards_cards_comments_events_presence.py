"""Boards, cards, comments, the board event log and presence, moved here from the workspace app with
their tables (no table changes: state only); their content types follow them, and so do the audit
trail's names of them, so admin history, permissions and the trail keep their rows."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MODELS = ["board", "boardevent", "card", "comment", "boardpresence"]


def move_content_types(apps, schema_editor, source="workspace", target="boards"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEntry = apps.get_model("workspace", "AuditEntry")
    if not ContentType.objects.filter(app_label=target, model__in=MODELS).exists():
        ContentType.objects.filter(app_label=source, model__in=MODELS).update(app_label=target)
    for model in MODELS:  # the trail names its targets by their model's label
        AuditEntry.objects.filter(target_type=f"{source}.{model}").update(target_type=f"{target}.{model}")


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="boards", target="workspace")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('workspace', '0015_profile_and_tokens_move_to_accounts'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Board',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('translations', models.JSONField(blank=True, default=dict, verbose_name='translations')),
                        ('kind', models.CharField(choices=[('concept', 'Concept'), ('mission', 'Mission'), ('vision', 'Vision'), ('priorities', 'Priority areas'), ('custom', 'Custom')], default='custom', max_length=20, verbose_name='kind')),
                        ('title', models.CharField(max_length=120, verbose_name='title')),
                        ('guiding_question', models.CharField(blank=True, max_length=500, verbose_name='guiding question')),
                        ('position', models.PositiveIntegerField(default=0, verbose_name='position')),
                        ('state', models.CharField(choices=[('open', 'Open'), ('voting', 'Voting'), ('locked', 'Locked')], default='open', max_length=10, verbose_name='state')),
                        ('event_seq', models.PositiveBigIntegerField(default=0, editable=False)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                        ('workspace', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='boards', to='workspace.workspace')),
                    ],
                    options={
                        'verbose_name': 'board',
                        'verbose_name_plural': 'boards',
                        'db_table': 'workspace_board',
                        'ordering': ['position', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='BoardEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('seq', models.PositiveBigIntegerField()),
                        ('type', models.CharField(max_length=60)),
                        ('payload', models.JSONField(default=dict)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('actor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('board', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='boards.board')),
                    ],
                    options={
                        'db_table': 'workspace_boardevent',
                        'ordering': ['board', 'seq'],
                    },
                ),
                migrations.CreateModel(
                    name='BoardPresence',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('channel_name', models.CharField(max_length=200, unique=True)),
                        ('last_seen', models.DateTimeField(default=django.utils.timezone.now)),
                        ('board', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='presence', to='boards.board')),
                        ('membership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='presence_entries', to='workspace.membership')),
                    ],
                    options={
                        'db_table': 'workspace_boardpresence',
                    },
                ),
                migrations.CreateModel(
                    name='Card',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('idea', 'Idea'), ('amendment', 'Amendment')], default='idea', max_length=10, verbose_name='kind')),
                        ('body', models.TextField(verbose_name='text')),
                        ('body_html', models.TextField(editable=False)),
                        ('status', models.CharField(choices=[('proposed', 'Proposed'), ('adopted', 'Adopted'), ('archived', 'Archived')], default='proposed', max_length=10, verbose_name='status')),
                        ('group_label', models.CharField(blank=True, max_length=60, verbose_name='group')),
                        ('position', models.PositiveIntegerField(default=0, verbose_name='position')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('edited_at', models.DateTimeField(blank=True, null=True)),
                        ('removed_at', models.DateTimeField(blank=True, null=True)),
                        ('author', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='cards', to='workspace.membership')),
                        ('board', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='cards', to='boards.board')),
                        ('removed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='workspace.membership')),
                    ],
                    options={
                        'verbose_name': 'card',
                        'verbose_name_plural': 'cards',
                        'db_table': 'workspace_card',
                        'ordering': ['position', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='Comment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('body', models.TextField(verbose_name='text')),
                        ('body_html', models.TextField(editable=False)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('edited_at', models.DateTimeField(blank=True, null=True)),
                        ('removed_at', models.DateTimeField(blank=True, null=True)),
                        ('hidden_at', models.DateTimeField(blank=True, null=True)),
                        ('hidden_reason', models.CharField(blank=True, max_length=200, verbose_name='reason for hiding')),
                        ('author', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='comments', to='workspace.membership')),
                        ('card', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='boards.card')),
                        ('hidden_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='workspace.membership')),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='replies', to='boards.comment')),
                    ],
                    options={
                        'verbose_name': 'comment',
                        'verbose_name_plural': 'comments',
                        'db_table': 'workspace_comment',
                        'ordering': ['created_at', 'id'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='board',
                    constraint=models.UniqueConstraint(condition=models.Q(('kind', 'custom'), _negated=True), fields=('workspace', 'kind'), name='one_board_per_charter_kind'),
                ),
                migrations.AddConstraint(
                    model_name='boardevent',
                    constraint=models.UniqueConstraint(fields=('board', 'seq'), name='one_event_per_board_seq'),
                ),
                migrations.AddIndex(
                    model_name='boardpresence',
                    index=models.Index(fields=['board', 'last_seen'], name='workspace_b_board_i_d0400b_idx'),
                ),
                migrations.AddIndex(
                    model_name='card',
                    index=models.Index(fields=['board', 'removed_at'], name='workspace_c_board_i_b90df6_idx'),
                ),

            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
