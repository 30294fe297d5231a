"""Dossiers with a fee (dossier_world's procedure charges 10.000 đồng) at the point payments need."""

from datetime import datetime
from urllib.parse import parse_qsl, urlsplit

from motcua.dossiers.enums import Action
from motcua.dossiers.services import dossier_create, dossier_transition
from motcua.payments.gateways import FakeGateway
from motcua.workcal.calendar import LOCAL_TZ
from tests.factories import intake_data

FEE = 10_000


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL_TZ)


def owned_received(w, *, owner=None, **overrides):
    """Received at the centre, owned by `w.citizen`'s account (or `owner`)."""
    data = intake_data(w, **overrides)
    dossier = dossier_create(data=data, actor=w.receiver, owner=owner or w.citizen)
    return dossier_transition(dossier=dossier, action=Action.RECEIVE, actor=w.receiver)


def fake_pay(order_id: str, *, is_paid: bool = True) -> dict[str, str]:
    """Press a button on the fake gateway's page without the browser: the signed message it sends."""
    return FakeGateway().decide(order_id=order_id, is_paid=is_paid)


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))
