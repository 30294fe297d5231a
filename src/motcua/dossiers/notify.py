"""Side effects of a dossier action. Two kinds of subscribers register here; domain code does not import them.

- In-transaction subscribers (the notification outbox) write rows in the same transaction as the change, so a
  rolled-back change leaves no message and a committed one never loses its message.
- After-commit subscribers (the national portal sync, caches) run once the change is durable."""

import logging
from collections.abc import Callable

logger = logging.getLogger("motcua.dossiers")

_subscribers: list[Callable[..., None]] = []
_in_transaction: list[Callable[..., None]] = []


def subscribe_in_transaction(callback: Callable[..., None]) -> Callable[..., None]:
    """`callback(dossier=, event=)` runs inside the transaction; an exception rolls the change back."""
    if callback not in _in_transaction:
        _in_transaction.append(callback)
    return callback


def dossier_changing(*, dossier, event) -> None:
    for callback in list(_in_transaction):
        callback(dossier=dossier, event=event)


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
