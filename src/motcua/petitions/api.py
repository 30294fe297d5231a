"""REST API of petitions (phản ánh, kiến nghị), docs/petitions.md §API.

Officers (bearer token or session) read the worklist of their scope and act through
`services.petition_transition`, exactly as the back office does; a petition outside their scope is a 404.
Anyone submits (JSON, rate-limited per client address with the portal form); the petitioner reads the status
with the code and the last four digits of the phone, and rates the answer once with the signed rating token.
Open311 (/open311/v2/) stays the public, form-encoded interface for GeoReport clients; this one speaks the
house JSON and error envelope. The endpoints parse and shape; the rules are the services'."""

from datetime import date, datetime
from enum import StrEnum

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from motcua.api.auth import staff_or_token
from motcua.api.schemas import ErrorOut
from motcua.core.exceptions import NotFound, NotPermitted, RateLimited, ValidationFailed
from motcua.core.ratelimit import client_ip, rate_limit_hit
from motcua.org.models import Unit
from motcua.org.selectors import user_is_staff_member

from .enums import Action, Channel, Privacy, Satisfaction, SubjectKind
from .enums import Status as PetitionStatus
from .models import Petition
from .selectors import (
    petition_actions_for,
    petition_for_petitioner,
    petition_for_rating_token,
    petition_get_for_staff,
    petition_history,
    petition_is_overdue,
    petition_search,
)
from .services import PetitionData, petition_rate, petition_submit, petition_transition
from .tokens import petition_rating_token

router = Router(tags=["petitions"])

PAGE_SIZE = 25


def _local(value: datetime | None) -> datetime | None:
    return timezone.localtime(value) if value is not None else None


def _unit_code(unit: Unit | None) -> str | None:
    return unit.agency_code if unit is not None else None


def _rating_url(token: str) -> str:
    return f"{settings.MOTCUA_PUBLIC_URL}/phan-anh/danh-gia/{token}/"


# --- schemas --------------------------------------------------------------------------------------------------
class PetitionIn(Schema):
    # Lengths and required texts are checked by the service, which names each field in Vietnamese.
    model_config = ConfigDict(extra="forbid")

    subject_kind: SubjectKind
    title: str = ""
    description: str = ""
    petitioner_name: str = ""
    petitioner_phone: str = Field("", description="9 to 11 digits; answers and the status look-up use it")
    petitioner_email: str = ""
    privacy: Privacy = Privacy.PUBLIC
    procedure_code: str = Field("", description="subject_kind procedure: required")
    dossier_code: str = Field(
        "", description="subject_kind dossier: required; the dossier's phone must match"
    )
    officer_name: str = Field("", max_length=200, description="subject_kind officer_conduct: required")
    latitude: float | None = None
    longitude: float | None = None
    location_address: str = ""


class PetitionSubmittedOut(Schema):
    code: str = Field(description="Keep it: the status look-up needs it with the phone's last 4 digits")
    status: str
    received_at: datetime
    due_at: datetime
    receiving_unit: str


class PetitionSummaryOut(Schema):
    code: str
    status: str
    status_label: str
    subject_kind: str
    title: str
    privacy: str
    channel: str
    receiving_unit: str
    unit: str | None = Field(description="The assigned unit's agency code")
    received_at: datetime
    due_at: datetime
    is_overdue: bool
    is_extended: bool
    is_published: bool


class PetitionPageOut(Schema):
    items: list[PetitionSummaryOut]
    count: int


class PetitionerOut(Schema):
    name: str
    phone: str
    email: str
    has_account: bool


class PetitionAttachmentOut(Schema):
    id: int
    content_type: str
    size: int
    url: str = Field(description="Back-office download (session)")


class PetitionEventOut(Schema):
    seq: int
    action: str
    from_status: str
    to_status: str
    at: datetime
    actor: str | None
    unit: str | None
    note: str
    public_note: str


class PetitionOut(PetitionSummaryOut):
    description: str
    petitioner: PetitionerOut
    procedure: str | None
    dossier: str | None
    officer_name: str
    latitude: float | None
    longitude: float | None
    location_address: str
    assigned_at: datetime | None
    original_due_at: datetime
    extended_at: datetime | None
    extension_reason: str
    rejection_reason: str
    answer: str
    answered_by: str | None
    answered_at: datetime | None
    public_description: str
    published_at: datetime | None
    rating: str
    rating_comment: str
    rated_at: datetime | None
    closed_at: datetime | None
    allowed_actions: list[str]
    attachments: list[PetitionAttachmentOut]
    history: list[PetitionEventOut]


# Named apart from the dossiers' `Status`: the OpenAPI components are keyed by class name.
PetitionStatusValue = StrEnum(
    "PetitionStatusValue", {value.upper(): value for value in PetitionStatus.values}
)


class PetitionFilter(Schema):
    status: PetitionStatusValue | None = None
    overdue: bool | None = Field(None, description="true: open and past the due time; false: the others")
    q: str = Field("", max_length=60, description="Part of the code or the title")


class PetitionOfficerAction(StrEnum):
    ASSIGN = Action.ASSIGN.value
    REJECT = Action.REJECT.value
    START = Action.START.value
    EXTEND = Action.EXTEND.value
    ANSWER = Action.ANSWER.value
    PUBLISH = Action.PUBLISH.value
    CLOSE = Action.CLOSE.value


class PetitionActionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    unit: str | None = Field(None, description="assign: the handling unit's agency code")
    subject_kind: SubjectKind | None = Field(
        None, description="assign: the classification (default: as sent)"
    )
    reason: str = Field("", description="reject, extend: required")
    new_due: date | None = Field(None, description="extend: a working day, at most 10 working days later")
    answer: str = Field("", description="answer: required")
    publish: bool = Field(
        False, description="answer: publish at once (public petitions; needs public_description)"
    )
    public_description: str = Field("", description="publish: the petition's text without personal data")
    note: str = Field("", description="close: internal note")


class PetitionPublicEventOut(Schema):
    at: datetime
    action: str
    action_label: str
    note: str


class PetitionStatusOut(Schema):
    code: str
    status: str
    status_label: str
    subject_kind: str
    title: str
    privacy: str
    received_at: datetime
    due_at: datetime
    is_overdue: bool
    is_extended: bool
    extension_reason: str
    rejection_reason: str
    handling_unit: str = Field(description="The unit's name")
    answer: str
    answered_at: datetime | None
    rating: str
    rated_at: datetime | None
    rating_token: str | None = Field(
        description="While the answer awaits a rating: POST /petitions/rating/{token}"
    )
    rating_url: str | None
    history: list[PetitionPublicEventOut]


class PetitionRatingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    rating: Satisfaction
    comment: str = Field("", max_length=2000)


class PetitionRatedOut(Schema):
    code: str
    status: str
    rating: str
    rated_at: datetime


# --- shaping --------------------------------------------------------------------------------------------------
def _summary(petition: Petition, *, now: datetime) -> dict:
    return {
        "code": petition.code,
        "status": petition.status,
        "status_label": petition.get_status_display(),
        "subject_kind": petition.subject_kind,
        "title": petition.title,
        "privacy": petition.privacy,
        "channel": petition.channel,
        "receiving_unit": petition.receiving_unit.agency_code,
        "unit": _unit_code(petition.unit),
        "received_at": _local(petition.received_at),
        "due_at": _local(petition.due_at),
        "is_overdue": petition_is_overdue(petition, now=now),
        "is_extended": petition.extended_at is not None,
        "is_published": petition.is_published,
    }


def _detail(petition: Petition, *, user) -> dict:
    return {
        **_summary(petition, now=timezone.now()),
        "description": petition.description,
        "petitioner": {
            "name": petition.petitioner_name,
            "phone": petition.petitioner_phone,
            "email": petition.petitioner_email,
            "has_account": petition.user_id is not None,
        },
        "procedure": petition.procedure.national_code if petition.procedure_id else None,
        "dossier": petition.dossier.code if petition.dossier_id else None,
        "officer_name": petition.officer_name,
        "latitude": float(petition.latitude) if petition.latitude is not None else None,
        "longitude": float(petition.longitude) if petition.longitude is not None else None,
        "location_address": petition.location_address,
        "assigned_at": _local(petition.assigned_at),
        "original_due_at": _local(petition.original_due_at),
        "extended_at": _local(petition.extended_at),
        "extension_reason": petition.extension_reason,
        "rejection_reason": petition.rejection_reason,
        "answer": petition.answer,
        "answered_by": petition.answered_by.username if petition.answered_by_id else None,
        "answered_at": _local(petition.answered_at),
        "public_description": petition.public_description,
        "published_at": _local(petition.published_at),
        "rating": petition.rating,
        "rating_comment": petition.rating_comment,
        "rated_at": _local(petition.rated_at),
        "closed_at": _local(petition.closed_at),
        "allowed_actions": petition_actions_for(user=user, petition=petition),
        "attachments": [
            {
                "id": a.pk,
                "content_type": a.content_type,
                "size": a.size,
                "url": f"/can-bo/phan-anh/{petition.code}/tep/{a.pk}/",
            }
            for a in petition.attachments.order_by("pk")
        ],
        "history": [
            {
                "seq": e.seq,
                "action": e.action,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "at": _local(e.at),
                "actor": e.actor.username if e.actor_id else None,
                "unit": _unit_code(e.unit),
                "note": e.note,
                "public_note": e.public_note,
            }
            for e in petition_history(petition=petition)
        ],
    }


def _staff_only(user) -> None:
    if not user_is_staff_member(user):
        raise NotPermitted(_("Chỉ cán bộ mới xem được danh sách phản ánh, kiến nghị."))


def _limited(request, *, scope: str, setting: str, default: int, window: int, message: str) -> None:
    if rate_limit_hit(
        scope=scope,
        key=client_ip(request),
        limit=int(getattr(settings, setting, default)),
        window_seconds=window,
    ):
        raise RateLimited(message)


# --- the petitioner (anyone) ----------------------------------------------------------------------------------
# Registered before `/{code}/...` so that a token is never read as a petition code.
@router.post(
    "/rating/{token}",
    response={200: PetitionRatedOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=None,
)
def petition_rating(request, token: str, payload: PetitionRatingIn):
    """The petitioner rates the answer once, with the token of the rating link (the answer's e-mail, or
    `rating_token` of the status look-up). 409 before the answer and after a first rating."""
    petition = petition_for_rating_token(token=token)
    petition = petition_rate(petition=petition, rating=payload.rating, comment=payload.comment)
    return {
        "code": petition.code,
        "status": petition.status,
        "rating": petition.rating,
        "rated_at": _local(petition.rated_at),
    }


@router.post("", response={201: PetitionSubmittedOut, 422: ErrorOut, 429: ErrorOut}, auth=None)
def petition_create(request, payload: PetitionIn):
    """Anyone sends a petition (no account needed; attachments only through the portal form). Rate-limited
    per client address together with the portal form. Returns the code; the answer is due in 10 working
    days. Nothing is written on a 422."""
    _limited(
        request,
        scope="petition_submit",
        setting="MOTCUA_PETITION_SUBMIT_RATE_PER_HOUR",
        default=10,
        window=3600,
        message=_("Bạn đã gửi quá nhiều phản ánh trong một giờ. Vui lòng thử lại sau."),
    )
    data = PetitionData(**payload.dict())
    petition = petition_submit(data=data, actor=None, channel=Channel.API)
    return Status(
        201,
        {
            "code": petition.code,
            "status": petition.status,
            "received_at": _local(petition.received_at),
            "due_at": _local(petition.due_at),
            "receiving_unit": petition.receiving_unit.agency_code,
        },
    )


@router.get("/{code}/status", response={200: PetitionStatusOut, 404: ErrorOut, 429: ErrorOut}, auth=None)
def petition_status(request, code: str, phone: str = Query(..., description="Last 4 digits of the phone")):
    """The petitioner's view (as the portal's look-up): status, due date, answer, public history and, while
    the answer awaits a rating, the rating token. A wrong phone is answered like an unknown code."""
    _limited(
        request,
        scope="petition_lookup",
        setting="MOTCUA_STATUS_RATE_PER_MINUTE",
        default=20,
        window=60,
        message=_("Bạn tra cứu quá nhiều lần. Vui lòng thử lại sau một phút."),
    )
    petition = petition_for_petitioner(code=code, phone_last4=phone)
    token = None
    if petition.status == PetitionStatus.ANSWERED and not petition.rating:
        token = petition_rating_token(petition=petition)
    return {
        "code": petition.code,
        "status": petition.status,
        "status_label": petition.get_status_display(),
        "subject_kind": petition.subject_kind,
        "title": petition.title,
        "privacy": petition.privacy,
        "received_at": _local(petition.received_at),
        "due_at": _local(petition.due_at),
        "is_overdue": petition_is_overdue(petition),
        "is_extended": petition.extended_at is not None,
        "extension_reason": petition.extension_reason,
        "rejection_reason": petition.rejection_reason,
        "handling_unit": (petition.unit or petition.receiving_unit).name,
        "answer": petition.answer,
        "answered_at": _local(petition.answered_at),
        "rating": petition.rating,
        "rated_at": _local(petition.rated_at),
        "rating_token": token,
        "rating_url": _rating_url(token) if token else None,
        # The same lines as the portal page: public notes only, never officers' names or internal notes.
        "history": [
            {
                "at": _local(e.at),
                "action": e.action,
                "action_label": e.get_action_display(),
                "note": e.public_note,
            }
            for e in petition_history(petition=petition)
            if e.public_note or e.action == Action.SUBMIT
        ],
    }


# --- officers -------------------------------------------------------------------------------------------------
@router.get("", response={200: PetitionPageOut, 403: ErrorOut}, auth=staff_or_token)
def petition_list(request, filters: Query[PetitionFilter], page: int = Query(1, ge=1, le=1_000_000)):
    """The back office's worklist: petitions received by the officer's centre or assigned to their unit
    (supervisors and viewers: their subtree), overdue first, then by due date; 25 a page."""
    _staff_only(request.user)
    now = timezone.now()
    qs = petition_search(
        user=request.user,
        status=filters.status.value if filters.status else None,
        overdue=filters.overdue,
        q=filters.q,
        now=now,
    )
    rows = list(qs[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    return {"items": [_summary(p, now=now) for p in rows], "count": qs.count()}


@router.get("/{code}", response={200: PetitionOut, 404: ErrorOut}, auth=staff_or_token)
def petition_detail(request, code: str):
    """Everything about a petition in the officer's scope, with its history and the actions they may take
    now. Out of scope, a citizen, an unknown code: 404 alike."""
    petition = petition_get_for_staff(user=request.user, code=code)
    return _detail(petition, user=request.user)


def _action_payload(action: str, payload: PetitionActionIn) -> dict:
    """The JSON fields the service expects for `action` (the back office form's, in JSON)."""
    if action == Action.ASSIGN:
        unit = None
        if payload.unit:
            unit = Unit.objects.filter(agency_code=payload.unit.strip(), is_active=True).first()
            if unit is None:
                message = _("Không tìm thấy đơn vị có mã “%(code)s”.") % {"code": payload.unit}
                raise ValidationFailed(message, details={"unit": message})
        return {"unit": unit, "subject_kind": payload.subject_kind or ""}
    if action == Action.EXTEND:
        return {"reason": payload.reason, "new_due": payload.new_due}
    if action == Action.ANSWER:
        return {
            "answer": payload.answer,
            "publish": payload.publish,
            "public_description": payload.public_description,
        }
    if action == Action.PUBLISH:
        return {"public_description": payload.public_description}
    if action == Action.REJECT:
        return {"reason": payload.reason}
    return {"note": payload.note}


@router.post(
    "/{code}/actions/{action}",
    response={200: PetitionOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=staff_or_token,
)
def petition_action(request, code: str, action: PetitionOfficerAction, payload: PetitionActionIn):
    """An officer's step: assign (`unit`, optional `subject_kind`), reject (`reason`), start, extend
    (`reason`, `new_due`), answer (`answer`, optional `publish` + `public_description`), publish
    (`public_description`), close. 404 out of scope; 403 when the officer's role may not; 409 when the
    petition's state does not allow it; 422 for missing or bad fields (nothing changes)."""
    petition = petition_get_for_staff(user=request.user, code=code)
    petition = petition_transition(
        petition=petition,
        action=action.value,
        actor=request.user,
        **_action_payload(action.value, payload),
    )
    try:
        petition = petition_get_for_staff(user=request.user, code=petition.code)
    except NotFound:
        # Reassigned out of the officer's units: report the change all the same.
        pass
    return _detail(petition, user=request.user)
