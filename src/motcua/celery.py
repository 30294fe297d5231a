"""The Celery application that delivers notifications outside the request (docs/notifications.md).

Broker: `REDIS_URL` (settings `CELERY_BROKER_URL`). Run the workers with the periodic sweep:
    celery -A motcua.celery worker --beat --loglevel=INFO
Without a broker, `motcua worker` does the same job in one process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

app = Celery("motcua")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
