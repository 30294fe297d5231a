from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "motcua.notifications"
    verbose_name = _("Thông báo")

    def ready(self) -> None:
        # The outbox listens to dossier changes inside their transaction (a rolled-back change writes nothing).
        from motcua.dossiers import notify

        from . import checks, services  # noqa: F401 - checks registers itself

        notify.subscribe_in_transaction(services.outbox_write_for_dossier_change)
