"""A person's profile and API tokens move to the accounts app: gone from this app's state, their
tables kept as they are (``accounts.0002_profile_and_tokens`` takes them over under the same names)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("workspace", "0014_membership_country_confirmed_by_a_steward"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="profile", name="user"),
                migrations.DeleteModel(name="ApiToken"),
                migrations.DeleteModel(name="Profile"),
            ],
            database_operations=[],
        ),
    ]
