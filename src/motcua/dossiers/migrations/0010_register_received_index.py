"""The register ("Tất cả trong đơn vị") read newest first, 25 at a time, along an index instead of sorting
every dossier of the scope (2.6 s for the province, 52 s for the provincial centre at 10 M dossiers).

In SQL because the order must put the dossiers never received (refused at the counter, no date) last, and
SQLite cannot write NULLS LAST in an index — its DESC puts NULL last already. Not in the model's Meta."""

from django.db import migrations

NAME = "dossier_received_desc"


def create(apps, schema_editor):
    nulls = " NULLS LAST" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"CREATE INDEX {NAME} ON dossiers_dossier (received_at DESC{nulls}, id DESC)")


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX {NAME}")


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0009_open_steps_covering_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
