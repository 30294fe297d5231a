"""Celery beat runs the reconciliation every five minutes (settings.CELERY_BEAT_SCHEDULE)."""

from motcua.celery import app

from .services import payments_reconcile


@app.task(name="payments.reconcile", ignore_result=True)
def reconcile() -> dict[str, int]:
    return payments_reconcile()
