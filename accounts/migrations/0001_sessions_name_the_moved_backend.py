"""Sign-in moved from ``workspace.signin`` to ``accounts.signin``: a session names the backend that
signed it in, and Django signs out a session whose backend is no longer listed. Rewriting the name in
every stored session keeps everyone signed in across the upgrade (in the middle of an event too)."""

from django.db import migrations

OLD = "workspace.signin.ThrottledModelBackend"
NEW = "accounts.signin.ThrottledModelBackend"


def rename_backend(apps, schema_editor, old=OLD, new=NEW):
    from django.contrib.auth import BACKEND_SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    Session = apps.get_model("sessions", "Session")
    store = SessionStore()
    for session in Session.objects.filter(session_data__isnull=False).iterator():
        data = store.decode(session.session_data)
        if data.get(BACKEND_SESSION_KEY) == old:
            data[BACKEND_SESSION_KEY] = new
            Session.objects.filter(pk=session.pk).update(session_data=store.encode(data))


def name_the_old_backend(apps, schema_editor):
    rename_backend(apps, schema_editor, old=NEW, new=OLD)


class Migration(migrations.Migration):
    dependencies = [("sessions", "0001_initial")]

    operations = [migrations.RunPython(rename_backend, name_the_old_backend)]
