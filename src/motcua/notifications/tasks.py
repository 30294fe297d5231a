"""Celery tasks. They only call `delivery`; the outbox rows are the queue, the broker just wakes workers up,
so a lost or duplicated task never loses or doubles a message."""

from motcua.celery import app

from .delivery import outbox_deliver_due


@app.task(name="notifications.deliver_due", ignore_result=True)
def deliver_due(limit: int = 100) -> dict[str, int]:
    counts = outbox_deliver_due(limit=limit)
    if counts.claimed >= limit:
        # More are waiting: keep going now rather than at the next sweep.
        deliver_due.delay(limit=limit)
    return counts.as_dict()
