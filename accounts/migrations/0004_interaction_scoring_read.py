"""The interactions' (account, occurred_at) index becomes a covering one (see
``Interaction.Meta.indexes``). On PostgreSQL both steps run CONCURRENTLY, so a large
interactions table keeps taking writes while the new index builds; the old index is
dropped only once the new one serves the same reads."""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


def _plain(schema_editor) -> bool:
    return schema_editor.connection.vendor != "postgresql"


class AddIndexWithoutLocking(AddIndexConcurrently):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if _plain(schema_editor):
            return migrations.AddIndex.database_forwards(
                self, app_label, schema_editor, from_state, to_state
            )
        return super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if _plain(schema_editor):
            return migrations.AddIndex.database_backwards(
                self, app_label, schema_editor, from_state, to_state
            )
        return super().database_backwards(app_label, schema_editor, from_state, to_state)


class RemoveIndexWithoutLocking(RemoveIndexConcurrently):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if _plain(schema_editor):
            return migrations.RemoveIndex.database_forwards(
                self, app_label, schema_editor, from_state, to_state
            )
        return super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if _plain(schema_editor):
            return migrations.RemoveIndex.database_backwards(
                self, app_label, schema_editor, from_state, to_state
            )
        return super().database_backwards(app_label, schema_editor, from_state, to_state)


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
