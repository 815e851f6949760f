"""The interactions' (account, occurred_at) index becomes a covering one (see
``Interaction.Meta.indexes``). On PostgreSQL both steps run CONCURRENTLY, so a large
interactions table keeps taking writes while the new index builds; the old index is
dropped only once the new one serves the same reads."""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class _ConcurrentlyOnPostgreSQL:
    """The CONCURRENTLY operation on PostgreSQL, the ``plain`` one elsewhere."""

    plain: type[migrations.AddIndex] | type[migrations.RemoveIndex]

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return self.plain.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return self.plain.database_backwards(self, app_label, schema_editor, from_state, to_state)


class AddIndexWithoutLocking(_ConcurrentlyOnPostgreSQL, AddIndexConcurrently):
    plain = migrations.AddIndex


class RemoveIndexWithoutLocking(_ConcurrentlyOnPostgreSQL, RemoveIndexConcurrently):
    plain = migrations.RemoveIndex


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("accounts", "0003_auditentry"),
    ]

    operations = [
        AddIndexWithoutLocking(
            model_name="interaction",
            index=models.Index(
                fields=["account", "occurred_at"],
                include=[
                    "id",
                    "contact",
                    "direction",
                    "kind",
                    "channel",
                    "tone",
                    "cue_flags",
                    "nps",
                    "csat",
                    "amount",
                    "due_at",
                    "responds_to",
                ],
                name="interaction_scoring_read",
            ),
        ),
        RemoveIndexWithoutLocking(
            model_name="interaction",
            name="interaction_account_time",
        ),
    ]
