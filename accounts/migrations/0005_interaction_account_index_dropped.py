"""The interactions' own index on ``account_id`` goes: the covering (account,
occurred_at) index, the (account, kind) index and the natural-key constraint all start
with the account and serve the same lookups, so it only cost every insert.

Only the index is dropped (CONCURRENTLY on PostgreSQL, so writes go on): Django's own
``AlterField`` would also drop and re-add the foreign key, which re-checks every row of
a large table under a lock (and on SQLite rebuilds the table)."""

from django.db import migrations, models

INDEX = "accounts_interaction_account_id_4406c825"


def _concurrently(schema_editor) -> str:
    return " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""


def drop_index(apps, schema_editor):
    schema_editor.execute(f'DROP INDEX{_concurrently(schema_editor)} IF EXISTS "{INDEX}"')


def restore_index(apps, schema_editor):
    schema_editor.execute(
        f'CREATE INDEX{_concurrently(schema_editor)} IF NOT EXISTS "{INDEX}" '
        'ON "accounts_interaction" ("account_id")'
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("accounts", "0004_interaction_scoring_read"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="interaction",
                    name="account",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="interactions",
                        to="accounts.account",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_index, restore_index)],
        ),
    ]
