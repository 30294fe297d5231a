from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkcalConfig(AppConfig):
    name = "motcua.workcal"
    verbose_name = _("Lịch làm việc")

    def ready(self) -> None:
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from .models import CalendarOverride
        from .selectors import calendar_overrides_changed

        # Cleared now and again after the commit, so a concurrent reader cannot put the old days back for good.
        def changed(**kwargs):
            calendar_overrides_changed()
            transaction.on_commit(calendar_overrides_changed)

        post_save.connect(changed, sender=CalendarOverride, weak=False, dispatch_uid="workcal-overrides-save")
        post_delete.connect(
            changed, sender=CalendarOverride, weak=False, dispatch_uid="workcal-overrides-delete"
        )

        from motcua.org.models import Unit

        from .selectors import unit_hours_changed

        # A unit's hours are inherited by the units below it: their cached hours go too.
        def unit_changed(instance, created=False, **kwargs):
            unit_id = instance.pk
            unit_hours_changed(unit_id, created=created)
            transaction.on_commit(lambda: unit_hours_changed(unit_id, created=created))

        post_save.connect(unit_changed, sender=Unit, weak=False, dispatch_uid="workcal-unit-save")
        post_delete.connect(unit_changed, sender=Unit, weak=False, dispatch_uid="workcal-unit-delete")
