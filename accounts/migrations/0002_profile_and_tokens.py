"""A person's profile and API tokens, moved here from the workspace app with their tables (no table
changes); their content types follow them, so admin history and permissions keep their rows."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import workspace.models

MODELS = ["profile", "apitoken"]


def move_content_types(apps, schema_editor, source="workspace", target="accounts"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=target, model__in=MODELS).exists():
        ContentType.objects.filter(app_label=source, model__in=MODELS).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="accounts", target="workspace")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_sessions_name_the_moved_backend"),
        ("workspace", "0015_profile_and_tokens_move_to_accounts"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ApiToken',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=80, verbose_name='name')),
                        ('digest', models.CharField(max_length=64, unique=True)),
                        ('hint', models.CharField(max_length=6, verbose_name='first characters')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                        ('expires_at', models.DateTimeField(verbose_name='expires')),
                        ('last_used_at', models.DateTimeField(blank=True, null=True, verbose_name='last used')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'API token',
                        'verbose_name_plural': 'API tokens',
                        'db_table': 'workspace_apitoken',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Profile',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('language', models.CharField(blank=True, max_length=10, verbose_name='language')),
                        ('time_zone', models.CharField(blank=True, max_length=64, validators=[workspace.models.validate_time_zone], verbose_name='time zone')),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='codesign_profile', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'profile',
                        'verbose_name_plural': 'profiles',
                        'db_table': 'workspace_profile',
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
