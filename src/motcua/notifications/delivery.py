"""Delivering the outbox: claim due messages, send each through its channel's backend, record the outcome.

Rules (docs/notifications.md):
- A message is marked sent only after the provider accepted it; a failure is retried with exponential backoff
  (1, 2, 4 … minutes, capped at 30) for `MOTCUA_OUTBOX_MAX_ATTEMPTS` attempts (default: more than 48 hours),
  then marked failed. Nothing is lost while the provider is down.
- Several workers may run at once: a worker takes a short lease on the rows it claims (`claimed_until`,
  `claim_token`) in a transaction of its own; others skip those rows (PostgreSQL: `SKIP LOCKED`; SQLite
  serialises writers), and only the lease holder records the outcome.
- The provider gets the message's `delivery_key` as idempotency key, so the one remaining window (a crash
  between the provider's acceptance and the row's update) cannot double a message on a provider that honours
  it."""

from __future__ import annotations

import logging
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from .backends import DeliveryError, PermanentDeliveryError, backend_for
from .models import Message, MessageStatus

# Ids, events and error classes only: no recipient, no text.
logger = logging.getLogger("motcua.notifications")


@dataclass
class DeliveryCounts:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    # Claimed but not sent because the lease was too short to send safely; due again at once.
    deferred: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def retry_delay(attempts: int) -> timedelta:
    """Wait after the `attempts`-th failure: base × 2^(attempts−1), capped."""
    base = settings.MOTCUA_OUTBOX_RETRY_BASE_SECONDS
    cap = settings.MOTCUA_OUTBOX_RETRY_CAP_SECONDS
    return timedelta(seconds=min(cap, base * 2 ** min(max(attempts - 1, 0), 30)))


def retry_window() -> timedelta:
    """How long a message keeps being retried before it is marked failed (the waits between all attempts)."""
    return sum((retry_delay(n) for n in range(1, settings.MOTCUA_OUTBOX_MAX_ATTEMPTS)), timedelta())


def _send_budget() -> timedelta:
    # The longest one send may take (gateway or SMTP timeout, plus rendering Form 01) with a margin: a worker
    # starts a send only if its lease outlives it, so no other worker can claim the row meanwhile.
    longest = max(float(settings.MOTCUA_SMS_TIMEOUT), float(settings.EMAIL_TIMEOUT or 60))
    return timedelta(seconds=longest + 30)


def outbox_deliver_due(*, limit: int = 100, now: datetime | None = None) -> DeliveryCounts:
    """One pass: claim up to `limit` due messages and try each once."""
    clock = (lambda: now) if now is not None else timezone.now
    token = uuid.uuid4()
    messages = _claim(limit=limit, at=clock(), token=token)
    counts = DeliveryCounts(claimed=len(messages))
    budget = _send_budget()
    for message in messages:
        if message.claimed_until - clock() < budget:
            _release(message, token=token)
            counts.deferred += 1
            continue
        try:
            reference = backend_for(message.channel).send(message)
        except Exception as error:  # noqa: BLE001 - whatever a backend raises, the row must record it
            if _record_failure(message, token=token, error=error, at=clock()):
                counts.failed += 1
            else:
                counts.retried += 1
        else:
            _record_sent(message, token=token, reference=reference, at=clock())
            counts.sent += 1
    return counts


def _claim(*, limit: int, at: datetime, token: uuid.UUID) -> list[Message]:
    lease_until = at + timedelta(seconds=settings.MOTCUA_OUTBOX_LEASE_SECONDS)
    with transaction.atomic():
        due = (
            Message.objects.filter(status=MessageStatus.PENDING, next_attempt_at__lte=at)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=at))
            .order_by("next_attempt_at", "id")
        )
        if connection.features.has_select_for_update_skip_locked:
            # Rows another worker is claiming right now are skipped, not waited for.
            due = due.select_for_update(skip_locked=True)
        # (SQLite: the transaction starts IMMEDIATE, so claimers take turns and never read the same free rows.)
        ids = list(due.values_list("id", flat=True)[:limit])
        if ids:
            Message.objects.filter(id__in=ids).update(claimed_until=lease_until, claim_token=token)
    return list(
        Message.objects.filter(id__in=ids, claim_token=token)
        .select_related("dossier")
        .order_by("next_attempt_at", "id")
    )


def _mine(message: Message, token: uuid.UUID):
    return Message.objects.filter(pk=message.pk, claim_token=token, status=MessageStatus.PENDING)


def _release(message: Message, *, token: uuid.UUID) -> None:
    _mine(message, token).update(claimed_until=None, claim_token=None)


def _record_sent(message: Message, *, token: uuid.UUID, reference: str, at: datetime) -> None:
    updated = _mine(message, token).update(
        status=MessageStatus.SENT,
        sent_at=at,
        provider_reference=(reference or "")[:200],
        attempts=message.attempts + 1,
        last_error="",
        claimed_until=None,
        claim_token=None,
    )
    if updated:
        logger.info("message %s sent: %s/%s", message.pk, message.event, message.channel)
    else:
        # Only possible if the send outlasted the lease despite the budget check; the delivery key lets the
        # gateway drop the other worker's copy.
        logger.warning("message %s sent after its lease ended", message.pk)


def _record_failure(message: Message, *, token: uuid.UUID, error: Exception, at: datetime) -> bool:
    """Returns True when the message is given up (failed)."""
    attempts = message.attempts + 1
    text = str(error) if isinstance(error, DeliveryError) else f"{type(error).__name__}: {error}"
    permanent = isinstance(error, PermanentDeliveryError)
    gives_up = permanent or attempts >= settings.MOTCUA_OUTBOX_MAX_ATTEMPTS
    fields = {"attempts": attempts, "last_error": text[:1000], "claimed_until": None, "claim_token": None}
    if gives_up:
        fields["status"] = MessageStatus.FAILED
    else:
        wait = retry_delay(attempts)
        retry_after = getattr(error, "retry_after", None)
        if retry_after:
            # The provider said when it can take more, within the cap: no point knocking earlier.
            cap = timedelta(seconds=settings.MOTCUA_OUTBOX_RETRY_CAP_SECONDS)
            wait = max(wait, min(timedelta(seconds=retry_after), cap))
        fields["next_attempt_at"] = at + wait
    _mine(message, token).update(**fields)
    if gives_up:
        logger.error(
            "message %s failed after %s attempt(s) (%s): %s/%s",
            message.pk,
            attempts,
            "permanent" if permanent else "attempts exhausted",
            message.event,
            message.channel,
        )
    else:
        logger.warning(
            "message %s attempt %s failed (%s), next at %s",
            message.pk,
            attempts,
            type(error).__name__,
            fields["next_attempt_at"].isoformat(),
        )
    return gives_up
