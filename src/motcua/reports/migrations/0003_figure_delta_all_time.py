"""The all-time row of each key of the figures (Grain.ALL, dated 1900-01-01): the sum of its year rows, which
hold every day. Stocks at a recent day are read as this total less the buckets after that day."""

from django.db import migrations, models

# The columns as they are at this migration (a copy, not reports.models.MEASURES: a later measure must not
# change what this migration did).
MEASURES = (
    "received",
    "received_fee",
    "received_fee_paid_online",
    "received_reused",
    "digitisable",
    "digitised",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "resolved_e_result",
    "resolved_timed",
    "worked_minutes",
    "committed_minutes",
    "returned",
    "returned_satisfied",
    "rated",
    "rated_very_satisfied",
    "rated_satisfied",
    "rated_not_satisfied",
    "stopped",
    "refused",
    "open",
    "overdue",
)
KEY = ("competent_unit_id", "receiving_unit_id", "procedure_version_id", "channel", "officer_id")


def add_all_time_rows(apps, schema_editor):
    qn = schema_editor.connection.ops.quote_name
    key = ", ".join(qn(c) for c in KEY)
    measures = ", ".join(qn(m) for m in MEASURES)
    summed = ", ".join(f"SUM({qn(m)})" for m in MEASURES)
    schema_editor.execute(
        f"INSERT INTO reports_figuredelta (grain, bucket, {key}, {measures}) "
        f"SELECT 'A', '1900-01-01', {key}, {summed} FROM reports_figuredelta WHERE grain = 'Y' GROUP BY {key}"
    )


def remove_all_time_rows(apps, schema_editor):
    schema_editor.execute("DELETE FROM reports_figuredelta WHERE grain = 'A'")


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_figure_delta")]

    operations = [
        migrations.AlterField(
            model_name="figuredelta",
            name="grain",
            field=models.CharField(
                choices=[("D", "ngày"), ("M", "tháng"), ("Y", "năm"), ("A", "toàn bộ")], max_length=1
            ),
        ),
        migrations.RunPython(add_all_time_rows, remove_all_time_rows, elidable=False),
    ]
