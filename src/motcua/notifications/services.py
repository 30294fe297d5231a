"""Writing to the outbox. Every message is rendered when it is written (so the text is what the change meant
at that moment) and delivered later by `delivery.py`."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Message, MessageChannel

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
    write one outbox row. Returns None when a message with the same `dedupe_key` exists (exactly once)."""
    if not recipient:
        return None
    with translation.override("vi"):
        text = render_to_string(f"notifications/{event}.{channel}.txt", context).strip()
    subject = ""
    if channel == MessageChannel.EMAIL:
        subject, _sep, text = text.partition("\n")
        subject, text = subject.strip(), text.strip()
    try:
        with transaction.atomic():
            return Message.objects.create(
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
    except IntegrityError:
        return None


def outbox_write_for_dossier_change(*, dossier, event) -> None:
    """Called inside `dossier_transition`'s transaction: one e-mail and one SMS per event that concerns the
    applicant, to the contact details declared on the dossier."""
    name = DOSSIER_EVENTS.get(event.action)
    if name is None:
        return
    context = {"dossier": dossier, "event": event, "data": event.data or {}}
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
