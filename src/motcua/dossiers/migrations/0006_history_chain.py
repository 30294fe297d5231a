"""Hash-chain the dossier history (docs/history.md): the columns, then the rows already written."""

from django.db import migrations, models


def seal_existing(apps, schema_editor):
    # The hash format is the one the application verifies; importing it (rather than copying it here) keeps one
    # definition. A database upgraded with millions of rows spends a while here; it runs once.
    from motcua.dossiers.history import history_seal_unsealed

    history_seal_unsealed(apps.get_model("dossiers", "Dossier"), apps.get_model("dossiers", "DossierEvent"))


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0005_dossier_worked_minutes"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="history_count",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="số dòng lịch sử"),
        ),
        migrations.AddField(
            model_name="dossier",
            name="history_head",
            field=models.CharField(
                blank=True, default="", editable=False, max_length=64, verbose_name="mã băm dòng lịch sử cuối"
            ),
        ),
        migrations.AddField(
            model_name="dossierevent",
            name="hash",
            field=models.CharField(
                blank=True, default="", editable=False, max_length=64, verbose_name="mã băm"
            ),
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
    ]
