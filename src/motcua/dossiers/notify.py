"""Side effects of a dossier action, run after the transaction commits (never for a rolled-back change).

Subscribers (the notification outbox of the citizen portal, the national portal sync) register here;
domain code does not import them."""

import logging
from collections.abc import Callable

logger = logging.getLogger("motcua.dossiers")

_subscribers: list[Callable[..., None]] = []


def subscribe(callback: Callable[..., None]) -> Callable[..., None]:
    if callback not in _subscribers:
        _subscribers.append(callback)
    return callback


def unsubscribe(callback: Callable[..., None]) -> None:
    if callback in _subscribers:
        _subscribers.remove(callback)


def dossier_changed(*, dossier_id: int, action: str) -> None:
    # Ids and action names only: no personal data in logs.
    logger.info("dossier %s: %s", dossier_id, action)
    for callback in list(_subscribers):
        try:
            callback(dossier_id=dossier_id, action=action)
        except Exception:  # a failing subscriber must not undo a committed change
            logger.exception("dossier subscriber failed for dossier %s action %s", dossier_id, action)
