"""A fake gateway in production would let anybody "pay" with a button: the deploy checks refuse it."""

from django.conf import settings
from django.core.checks import Error, register

FAKE = "motcua.payments.gateways.FakeGateway"


@register(deploy=True)
def payment_gateway_deploy_check(app_configs, **kwargs):
    errors = []
    if settings.MOTCUA_PAYMENT_GATEWAY == FAKE:
        errors.append(
            Error(
                "MOTCUA_PAYMENT_GATEWAY is the fake gateway (a local page that plays the bank).",
                hint="Set MOTCUA_PAYMENT_GATEWAY to the province's adapter, or to an empty value for no online "
                "payment.",
                id="payments.E001",
            )
        )
    elif settings.MOTCUA_PAYMENT_GATEWAY and settings.MOTCUA_PAYMENT_SECRET.startswith("motcua-fake"):
        errors.append(Error("MOTCUA_PAYMENT_SECRET is the development secret.", id="payments.E002"))
    return errors
