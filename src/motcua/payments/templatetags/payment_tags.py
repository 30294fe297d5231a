"""The fee panel that other apps' pages include (my dossier, the officer's dossier page) without their views
knowing about payments."""

from django import template

from ..gateways import gateway_get
from ..selectors import fee_state

register = template.Library()


@register.inclusion_tag("payments/_citizen_panel.html")
def payment_panel_citizen(dossier):
    state = fee_state(dossier=dossier)
    return {"dossier": dossier, "state": state, "is_online_available": gateway_get() is not None}


@register.inclusion_tag("payments/_officer_panel.html")
def payment_panel_officer(dossier):
    return {"dossier": dossier, "state": fee_state(dossier=dossier)}
