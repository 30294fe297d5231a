"""Configuration mistakes that would otherwise surface only as messages piling up in the outbox."""

from django.conf import settings
from django.core.checks import Error, register

from .backends import SMS_BACKENDS


@register()
def notification_settings_check(app_configs, **kwargs):
    errors = []
    backend = settings.MOTCUA_SMS_BACKEND
    if backend not in SMS_BACKENDS:
        errors.append(
            Error(
                f"MOTCUA_SMS_BACKEND={backend!r} is not one of {', '.join(sorted(SMS_BACKENDS))}.",
                id="notifications.E001",
            )
        )
    if backend == "http" and not settings.MOTCUA_SMS_URL.startswith(("https://", "http://")):
        errors.append(
            Error(
                "MOTCUA_SMS_BACKEND=http needs MOTCUA_SMS_URL (http:// or https://).", id="notifications.E002"
            )
        )
    return errors
