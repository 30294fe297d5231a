"""Celery: the day-before reminders every hour (idempotent, so an hourly run catches bookings made late in
the day and survives a missed beat)."""

from motcua.celery import app

from .services import reminders_enqueue


@app.task(name="appointments.remind", ignore_result=True)
def remind() -> int:
    return reminders_enqueue()


@app.on_after_finalize.connect
def _schedule(sender, **kwargs) -> None:
    sender.add_periodic_task(3600.0, remind.s(), name="appointments-remind")
