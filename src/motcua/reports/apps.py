from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "motcua.reports"
    verbose_name = _("Báo cáo, thống kê")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from motcua.core.batching import dossier_changed, on_dossiers_changed
        from motcua.dossiers.models import Dossier, DossierDocument, DossierEvent, DossierPause, DossierResult
        from motcua.payments.models import Payment
        from motcua.ratings.models import Rating

        from .figures import figures_refresh

        # Every row the figures depend on reports its dossier; the figures are refreshed once per service
        # (see motcua.core.batching) inside the changing transaction.
        def changed(sender, instance, raw=False, **kwargs):
            if raw:
                return
            dossier_changed(instance.pk if sender is Dossier else instance.dossier_id)

        for model in (Dossier, DossierDocument, DossierEvent, DossierPause, DossierResult, Rating, Payment):
            post_save.connect(
                changed, sender=model, weak=False, dispatch_uid=f"figures-save-{model.__name__}"
            )
            post_delete.connect(
                changed, sender=model, weak=False, dispatch_uid=f"figures-delete-{model.__name__}"
            )
        on_dossiers_changed(figures_refresh)
