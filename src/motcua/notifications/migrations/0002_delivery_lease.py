import uuid

from django.db import migrations, models


def fill_delivery_keys(apps, schema_editor):
    # One key per existing row: a field default would give every row the same value.
    Message = apps.get_model("notifications", "Message")
    for pk in Message.objects.values_list("pk", flat=True).iterator():
        Message.objects.filter(pk=pk).update(delivery_key=uuid.uuid4())


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="message",
            name="provider_reference",
            field=models.CharField(blank=True, max_length=200, verbose_name="mã tiếp nhận của nhà cung cấp"),
        ),
        migrations.AddField(
            model_name="message",
            name="claimed_until",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="message",
            name="claim_token",
            field=models.UUIDField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="message",
            name="delivery_key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill_delivery_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="message",
            name="delivery_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
