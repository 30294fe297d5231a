from django.db import migrations, models


def fill_search_name(apps, schema_editor):
    from motcua.core.text import fold

    Dossier = apps.get_model("dossiers", "Dossier")
    for dossier in Dossier.objects.only("pk", "applicant_name").iterator():
        Dossier.objects.filter(pk=dossier.pk).update(applicant_search_name=fold(dossier.applicant_name))


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="applicant_search_name",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=255),
        ),
        migrations.RunPython(fill_search_name, migrations.RunPython.noop),
    ]
