"""Writing to the outbox. Every message is rendered when it is written (so the text is what the change meant
at that moment) and delivered later by `delivery.py`."""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from motcua.core import prepared
from motcua.dossiers.enums import ApplicantKind

from .models import Message, MessageChannel, MessageStatus

logger = logging.getLogger("motcua.notifications")

# Dossier actions that tell the applicant something (issue #4 §4); value = template name.
DOSSIER_EVENTS = {
    "receive": "received",
    "return_for_completion": "returned_for_completion",
    "request_supplement": "supplement_requested",
    "extend": "extended",
    "approve": "result_ready",
    "deny": "result_ready",
    "return_result": "returned",
    "stop": "stopped",
    "refuse": "refused",
}


def message_enqueue(
    *,
    event: str,
    channel: str,
    recipient: str,
    context: dict,
    dedupe_key: str,
    dossier=None,
    user=None,
    attachment: str = "",
) -> Message | None:
    """Render `notifications/<event>.<channel>.txt` (first line of an e-mail template is the subject) and
    write one outbox row in the caller's transaction. Returns None when a message with the same `dedupe_key`
    exists (exactly once). With a Celery broker configured, delivery is scheduled once the transaction
    commits, so a rolled-back change sends nothing."""
    if not recipient:
        return None
    context = {"site_url": settings.MOTCUA_PUBLIC_URL, **context}
    # Vietnamese and the legal time zone whatever the officer's session uses: the text goes to the citizen.
    with translation.override("vi"), timezone.override(settings.TIME_ZONE):
        text = render_to_string(f"notifications/{event}.{channel}.txt", context).strip()
    subject = ""
    if channel == MessageChannel.EMAIL:
        subject, _sep, text = text.partition("\n")
        subject, text = subject.strip(), text.strip()
    message = Message(
        event=event,
        channel=channel,
        recipient=recipient,
        subject=subject[:300],
        body=text,
        attachment=attachment,
        dossier=dossier,
        user=user,
        dedupe_key=dedupe_key,
        next_attempt_at=timezone.now(),
    )
    if not _insert_unless_known(message):
        return None
    _schedule_delivery_on_commit()
    return message


def _insert_unless_known(message: Message) -> bool:
    """INSERT … ON CONFLICT DO NOTHING RETURNING: a message with the same dedupe key already there returns no
    row. Catching the IntegrityError instead needed a savepoint around the INSERT, two more round trips on
    every change that tells the applicant something (issue #7); the INSERT is compiled once (core.prepared)."""
    return bool(prepared.insert([message], ignore_conflicts=True))


def message_requeue(*, message_ids) -> int:
    """Give failed messages a fresh round of attempts (the administrator fixed the address or the gateway).
    Only FAILED messages move: a pending one is already queued and a sent one must never go out twice."""
    with transaction.atomic():
        count = Message.objects.filter(pk__in=list(message_ids), status=MessageStatus.FAILED).update(
            status=MessageStatus.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            claimed_until=None,
            claim_token=None,
        )
        if count:
            _schedule_delivery_on_commit()
    return count


def _schedule_delivery_on_commit() -> None:
    if settings.CELERY_BROKER_URL:
        # robust: a broker that is down must not fail the request; the beat sweep delivers later.
        transaction.on_commit(_schedule_delivery, robust=True)


def _schedule_delivery() -> None:
    from .tasks import deliver_due

    try:
        deliver_due.apply_async(retry=True, retry_policy={"max_retries": 2, "interval_start": 0.2})
    except Exception as error:  # noqa: BLE001 - the message is safe in the outbox; the sweep will send it
        logger.warning("delivery not scheduled (%s); the periodic sweep will send it", type(error).__name__)


def outbox_write_for_dossier_change(*, dossier, event) -> None:
    """Called inside `dossier_transition`'s transaction: one e-mail and one SMS per event that concerns the
    applicant, to the contact details declared on the dossier."""
    name = DOSSIER_EVENTS.get(event.action)
    if name is None:
        return
    data = event.data or {}
    is_person = dossier.applicant_kind != ApplicantKind.ORGANISATION
    context = {
        "dossier": dossier,
        "event": event,
        "data": data,
        # Circular 03/2025 addresses a person as "Ông/Bà" whatever their sex.
        "you": "Ông/Bà" if is_person else "Quý cơ quan, tổ chức",
        "salutation": f"Ông/Bà {dossier.applicant_name}" if is_person else dossier.applicant_name,
        # Before reception a dossier has no code: the citizen knows it by the day they filed it.
        "submitted_at": dossier.submitted_at or event.at,
        "previous_due_at": _parse_datetime(data.get("previous_due_at")),
    }
    for channel, recipient in (
        (MessageChannel.EMAIL, dossier.applicant_email),
        (MessageChannel.SMS, dossier.applicant_phone),
    ):
        message_enqueue(
            event=name,
            channel=channel,
            recipient=recipient,
            context=context,
            dedupe_key=f"dossier-event:{event.pk}:{channel}",
            dossier=dossier,
            user=dossier.owner,
            attachment="form01" if (name == "received" and channel == MessageChannel.EMAIL) else "",
        )


def _parse_datetime(value) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
