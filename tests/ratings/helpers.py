"""Dossiers driven through the real lifecycle to the point a rating needs."""

from datetime import datetime, timedelta

from motcua.dossiers.enums import Action
from motcua.dossiers.services import dossier_create, dossier_transition
from motcua.workcal.calendar import LOCAL_TZ
from tests.factories import intake_data

ANSWERS = {"overall": "satisfied"}


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL_TZ)


def received(w, *, when: datetime, owner=None, receiver=None, **overrides):
    receiver = receiver or w.receiver
    data = intake_data(w, **overrides)
    dossier = dossier_create(data=data, actor=receiver, owner=owner)
    return dossier_transition(dossier=dossier, action=Action.RECEIVE, actor=receiver, at=when)


def resolved(w, *, when: datetime, owner=None, receiver=None, late: bool = False, **overrides):
    """Received at `when`, through the inter-agency process of `dossier_world`, signed an hour later (or
    four working days later with `late`)."""
    receiver = receiver or w.receiver
    dossier = received(w, when=when, owner=owner, receiver=receiver, **overrides)
    signed = when + (timedelta(days=6) if late else timedelta(hours=1))
    steps = [
        (Action.TRANSFER, receiver, timedelta(minutes=50)),
        (Action.FORWARD, w.head, timedelta(minutes=40)),
        (Action.FORWARD, w.specialist, timedelta(minutes=30)),
        (Action.FORWARD, w.builder, timedelta(minutes=20)),
    ]
    for action, actor, before in steps:
        dossier = dossier_transition(dossier=dossier, action=action, actor=actor, at=signed - before)
    return dossier_transition(dossier=dossier, action=Action.APPROVE, actor=w.leader, at=signed)


def returned(w, *, when: datetime, owner=None, receiver=None, returner=None, late: bool = False, **overrides):
    """Returned the day after the signature, by `returner` (default: the receiving officer)."""
    dossier = resolved(w, when=when, owner=owner, receiver=receiver, late=late, **overrides)
    back = dossier.result_ready_at + timedelta(days=1)
    return dossier_transition(
        dossier=dossier, action=Action.RETURN_RESULT, actor=returner or receiver or w.receiver, at=back
    )
