from django.db import migrations, models


def name_the_actors(apps, schema_editor):
    """Entries written before names were kept get their actor's name now, while it is known."""
    entry_model = apps.get_model("workspace", "AuditEntry")
    for entry in entry_model.objects.exclude(actor=None).select_related("actor"):
        entry.actor_name = entry.actor.display_name
        entry.save(update_fields=["actor_name"])


class Migration(migrations.Migration):
    dependencies = [("workspace", "0008_translations")]

    operations = [
        migrations.RenameField(model_name="auditentry", old_name="action", new_name="verb"),
        migrations.AlterField(
            model_name="auditentry", name="verb", field=models.CharField(db_index=True, max_length=60)
        ),
        migrations.AddField(
            model_name="auditentry", name="actor_name", field=models.CharField(blank=True, max_length=120)
        ),
        migrations.AddField(
            model_name="auditentry", name="target_type", field=models.CharField(blank=True, max_length=60)
        ),
        migrations.AddField(
            model_name="auditentry", name="target_id", field=models.PositiveBigIntegerField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="auditentry", name="target_label", field=models.CharField(blank=True, max_length=200)
        ),
        migrations.RunPython(name_the_actors, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["workspace", "-created_at"], name="audit_by_workspace_time"),
        ),
    ]
