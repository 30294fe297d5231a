"""The signed-in person's own things ("của tôi"): their dossiers as applicant, whoever they are, and the
notifications sent to them."""

from datetime import datetime

from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from motcua.api.auth import staff_or_token
from motcua.dossiers import citizen_selectors, selectors
from motcua.dossiers.enums import Outcome, ReturnMode, Status
from motcua.dossiers.models import Dossier
from motcua.notifications.selectors import message_list_for_user
from motcua.portal.submit_presenters import next_step as next_step_text

router = Router(tags=["me"], auth=staff_or_token)

PAGE_SIZE = 25


class MyDossierOut(Schema):
    code: str = Field(description="The dossier code, or D<id> before reception")
    status: str
    status_label: str
    procedure: str
    procedure_name: str
    channel: str
    receiving_unit: str
    submitted_at: datetime | None
    reply_due_at: datetime | None
    received_at: datetime | None
    due_at: datetime | None
    remaining_working_hours: float | None
    is_overdue: bool
    next_step: str = Field(
        description="What happens next: submit | wait_reply | complete_and_resubmit | supplement | wait_result"
        " | collect_result | done | closed"
    )
    next_step_text: str
    needs_action: bool = Field(description="True when the applicant has something to do")


class MyDossierPageOut(Schema):
    items: list[MyDossierOut]
    count: int
    page: int
    pages: int


_NEXT_STEPS = {
    Status.DRAFT: "submit",
    Status.SUBMITTED: "wait_reply",
    Status.INCOMPLETE: "complete_and_resubmit",
    Status.AWAITING_SUPPLEMENT: "supplement",
    Status.RECEIVED: "wait_result",
    Status.PROCESSING: "wait_result",
    Status.PAUSED: "wait_result",
    Status.RESULT_READY: "collect_result",
    Status.RETURNED: "done",
    Status.REFUSED: "closed",
    Status.STOPPED: "closed",
}


def _next_step(dossier: Dossier) -> str:
    step = _NEXT_STEPS.get(dossier.status, "closed")
    if step == "collect_result" and (
        dossier.outcome == Outcome.DENIED or dossier.return_mode != ReturnMode.COUNTER
    ):
        # Nothing to fetch: a written refusal, a result sent by post or published online.
        return "wait_result"
    return step


def _local(value):
    return timezone.localtime(value) if value is not None else None


@router.get("/dossiers", response=MyDossierPageOut)
def my_dossiers(request, page: int = Query(1, ge=1, le=1_000_000), status: Status | None = None):
    """The dossiers the signed-in person submitted (drafts included), latest activity first, 25 a page."""
    qs = citizen_selectors.dossier_list_for_citizen(user=request.user)
    if status:
        qs = qs.filter(status=status)
    count = qs.count()
    rows = list(qs[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    clocks = selectors.dossier_clocks(rows)
    items = []
    for dossier in rows:
        clock = clocks[dossier.pk]
        version = dossier.procedure_version
        items.append(
            {
                "code": dossier.reference,
                "status": dossier.status,
                "status_label": dossier.get_status_display(),
                "procedure": version.procedure.national_code,
                "procedure_name": version.name,
                "channel": dossier.channel,
                "receiving_unit": dossier.receiving_unit.agency_code,
                "submitted_at": _local(dossier.submitted_at),
                "reply_due_at": _local(dossier.reply_due_at),
                "received_at": _local(dossier.received_at),
                "due_at": _local(dossier.due_at),
                "remaining_working_hours": clock.remaining_hours,
                "is_overdue": clock.is_overdue,
                "next_step": _next_step(dossier),
                "next_step_text": next_step_text(dossier),
                "needs_action": dossier.status
                in (Status.DRAFT, Status.INCOMPLETE, Status.AWAITING_SUPPLEMENT),
            }
        )
    return {"items": items, "count": count, "page": page, "pages": max(1, -(-count // PAGE_SIZE))}


class NotificationOut(Schema):
    event: str = Field(
        description="received | returned_for_completion | refused | supplement_requested | extended"
        " | result_ready | returned | stopped | …"
    )
    channel: str = Field(description="email | sms")
    status: str = Field(description="pending | sent | failed")
    created_at: datetime
    sent_at: datetime | None
    dossier: str | None = Field(description="The dossier's code (D<id> before reception)")


@router.get("/notifications", response=list[NotificationOut])
def my_notifications(request, limit: int = Query(20, ge=1, le=100)):
    """The e-mails and SMS sent, or waiting to be sent, to the signed-in person about their dossiers and
    account, newest first. What they said is in the person's mailbox or phone, not here: a message may carry
    a one-time code, and a token must not be enough to read it."""
    return [
        {
            "event": message.event,
            "channel": message.channel,
            "status": message.status,
            "created_at": _local(message.created_at),
            "sent_at": _local(message.sent_at),
            "dossier": message.dossier.reference if message.dossier_id else None,
        }
        for message in message_list_for_user(user=request.user, limit=limit)
    ]
