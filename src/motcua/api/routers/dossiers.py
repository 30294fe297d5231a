from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from pydantic import Field

from motcua.api.auth import staff_or_token
from motcua.api.schemas import ErrorOut
from motcua.backoffice.uploads import upload_check, upload_normalise
from motcua.catalog.content import version_components
from motcua.catalog.selectors import procedure_get_by_code
from motcua.core.exceptions import NotFound, NotPermitted, ValidationFailed
from motcua.core.ratelimit import client_ip, rate_limit_hit
from motcua.dossiers import citizen_selectors, online, postal, selectors, services
from motcua.dossiers.enums import Action, Channel, ReturnMode
from motcua.dossiers.models import Dossier
from motcua.dossiers.transitions import RULES, Scope, actions_from
from motcua.org.enums import Role
from motcua.org.selectors import unit_get_by_code, user_is_staff_member, user_roles
from motcua.privacy.enums import AccessKind
from motcua.privacy.recording import record_access, record_search

router = Router(tags=["dossiers"], auth=staff_or_token)
public_router = Router(tags=["public"])


class ApplicantIn(Schema):
    name: str = Field(min_length=1, max_length=255)
    phone: str = Field("", max_length=20)
    id_number: str = Field("", max_length=20)
    address: str = Field("", max_length=500)
    email: str = Field("", max_length=254)
    date_of_birth: date | None = None
    kind: str = "person"


class DocumentIn(Schema):
    name: str = Field(min_length=1)
    paper_kind: str = "original"
    quantity: int = Field(1, ge=1, le=100)


class DossierIn(Schema):
    procedure: str = Field(description="National or local procedure code")
    applicant: ApplicantIn | None = Field(
        None, description="Required from officers; a citizen's default comes from their account"
    )
    channel: Channel | None = Field(
        None,
        description="Officers: counter (default) or postal. Citizens: online (default), a draft of their own",
    )
    return_mode: ReturnMode | None = Field(None, description="Default: counter (officers), online (citizens)")
    return_address: str = ""
    receiving_unit: str | None = Field(
        None, description="Agency code; default: the officer's centre, or the procedure's first online centre"
    )
    form_data: dict = Field(default_factory=dict, description="Online: answers to the procedure's e-form")
    submit: bool = Field(
        False,
        description="Online: send the draft at once (all or nothing: a problem answers 422 and nothing is kept)",
    )
    postal_item_code: str = Field("", max_length=40, description="Postal intake: the post office's item code")
    postal_posted_on: date | None = Field(None, description="Postal intake: the posting date")
    competent_unit: str | None = None
    documents: list[DocumentIn] | None = Field(
        None, description="Default: the procedure's required components"
    )
    pages: int = Field(0, ge=0, le=100000)
    sets: int = Field(1, ge=1, le=100)
    delegate_name: str = ""
    delegate_id_number: str = ""
    delegate_phone: str = ""
    note: str = ""


class StepOut(Schema):
    order: int
    name: str
    unit: str
    role: str
    assignee: str | None
    started_at: datetime
    due_at: datetime
    finished_at: datetime | None = None
    timeliness: str = ""


class ApplicantOut(Schema):
    name: str
    phone: str
    id_number: str
    address: str
    email: str


class DossierOut(Schema):
    code: str = Field(description="The dossier code, or D<id> before reception")
    status: str
    status_label: str
    procedure: str
    procedure_name: str
    procedure_version: int
    channel: str
    receiving_unit: str
    competent_unit: str
    applicant: ApplicantOut
    submitted_at: datetime | None
    reply_due_at: datetime | None = Field(description="Online: the centre answers by then (8 working hours)")
    received_at: datetime | None
    due_at: datetime | None
    original_due_at: datetime | None
    extended_due_at: datetime | None
    remaining_working_hours: float | None
    is_overdue: bool
    timeliness: str
    outcome: str
    fee_amount: int
    return_mode: str
    current_step: StepOut | None
    allowed_actions: list[str]


class ActionIn(Schema):
    note: str = ""
    missing_items: list[str] | None = None
    new_due_at: datetime | None = None
    assignee: str | None = None
    to_step: int | None = None
    postal_item_code: str | None = Field(
        None, description="return_result by post: the item code when the parcel was handed over already"
    )


class EventOut(Schema):
    seq: int
    action: str
    from_status: str
    to_status: str
    at: datetime
    actor: str | None
    unit: str | None
    note: str
    data: dict


class DossierFilter(Schema):
    status: str | None = None
    unit: str | None = None
    overdue: bool | None = None
    q: str = ""


def _local(value):
    """Every instant leaves the API in Vietnamese time (+07:00), whatever the database returned."""
    return timezone.localtime(value) if value is not None else None


def _step(step, *, for_staff: bool = True) -> dict | None:
    if step is None:
        return None
    return {
        "order": step.order,
        "name": step.name,
        "unit": step.unit.agency_code,
        "role": step.role,
        # Citizens see which office works on their dossier, not which officer.
        "assignee": step.assignee.username if step.assignee_id and for_staff else None,
        "started_at": _local(step.started_at),
        "due_at": _local(step.due_at),
        "finished_at": _local(step.finished_at),
        "timeliness": step.timeliness,
    }


def _citizen_actions(dossier: Dossier) -> list[str]:
    """What the applicant's own account may do now (submit a draft, answer a supplement request)."""
    return [
        action.value
        for action in actions_from(dossier.status)
        if RULES[action].scope == Scope.OWNER or RULES[action].owner_may
    ]


def dossier_out(dossier: Dossier, *, clock: selectors.Clock | None = None, for_staff: bool = True) -> dict:
    clock = clock or selectors.dossier_clock(dossier)
    version = dossier.procedure_version
    return {
        "code": dossier.reference,
        "status": dossier.status,
        "status_label": dossier.get_status_display(),
        "procedure": version.procedure.national_code,
        "procedure_name": version.name,
        "procedure_version": version.number,
        "channel": dossier.channel,
        "receiving_unit": dossier.receiving_unit.agency_code,
        "competent_unit": dossier.competent_unit.agency_code,
        "applicant": {
            "name": dossier.applicant_name,
            "phone": dossier.applicant_phone,
            "id_number": dossier.applicant_id_number,
            "address": dossier.applicant_address,
            "email": dossier.applicant_email,
        },
        "submitted_at": _local(dossier.submitted_at),
        "reply_due_at": _local(dossier.reply_due_at),
        "received_at": _local(dossier.received_at),
        "due_at": _local(dossier.due_at),
        "original_due_at": _local(dossier.original_due_at),
        "extended_due_at": _local(dossier.extended_due_at),
        "remaining_working_hours": clock.remaining_hours,
        "is_overdue": clock.is_overdue,
        "timeliness": dossier.timeliness,
        "outcome": dossier.outcome,
        "fee_amount": dossier.fee_amount,
        "return_mode": dossier.return_mode,
        "current_step": _step(dossier.current_step, for_staff=for_staff),
        "allowed_actions": (
            [a.value for a in actions_from(dossier.status)] if for_staff else _citizen_actions(dossier)
        ),
    }


def _is_staff(user) -> bool:
    return user_is_staff_member(user)


def dossier_for_actor(user, code: str) -> tuple[Dossier, bool]:
    """(dossier, seen as staff). Officers see their units' dossiers; anyone sees their own as its applicant;
    everything else is answered like an unknown code (404)."""
    if _is_staff(user):
        try:
            return selectors.dossier_get_for_staff(user=user, reference=code), True
        except NotFound:
            pass
    return citizen_selectors.dossier_get_for_citizen(user=user, reference=code), False


def _receiving_unit_for(user, code: str | None):
    if code:
        return unit_get_by_code(agency_code=code)
    centres = [r.unit for r in user_roles(user) if r.role == Role.RECEIVING_OFFICER]
    if not centres:
        raise NotPermitted("Chỉ cán bộ tiếp nhận của Bộ phận Một cửa mới được tiếp nhận hồ sơ.")
    if len(centres) != 1:
        raise ValidationFailed(
            "Chọn nơi tiếp nhận (receiving_unit).", details={"receiving_unit": "Bắt buộc."}
        )
    return centres[0]


@router.post("", response={201: DossierOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut})
def dossier_create(request, payload: DossierIn):
    """Officers: counter (or postal) intake by a receiving officer, received at once (code, due date).
    Citizens: an online dossier of their own, a draft (`D<id>`) or, with `"submit": true`, sent to the centre."""
    if not _is_staff(request.user):
        return Status(201, _online_create(request.user, payload))
    channel = payload.channel or Channel.COUNTER
    if channel not in (Channel.COUNTER, Channel.POSTAL):
        raise ValidationFailed(
            "Cán bộ tiếp nhận chỉ nhập hồ sơ trực tiếp hoặc qua bưu chính qua API này.",
            details={"channel": "counter | postal"},
        )
    if payload.applicant is None:
        raise ValidationFailed("Nhập thông tin người nộp hồ sơ.", details={"applicant": "Bắt buộc."})
    version = procedure_get_by_code(code=payload.procedure).current_version
    documents = payload.documents
    if documents is None:
        documents = [
            DocumentIn(name=c.name, paper_kind=c.paper_kind, quantity=c.quantity)
            for c in version_components(version)
            if c.is_required
        ]
    data = services.IntakeData(
        procedure_version=version,
        receiving_unit=_receiving_unit_for(request.user, payload.receiving_unit),
        competent_unit=unit_get_by_code(agency_code=payload.competent_unit)
        if payload.competent_unit
        else None,
        applicant=services.ApplicantData(**payload.applicant.dict()),
        channel=channel,
        return_mode=payload.return_mode or ReturnMode.COUNTER,
        return_address=payload.return_address,
        documents=[
            services.DocumentData(name=d.name, paper_kind=d.paper_kind, quantity=d.quantity)
            for d in documents
        ],
        pages=payload.pages,
        sets=payload.sets,
        delegate_name=payload.delegate_name,
        delegate_id_number=payload.delegate_id_number,
        delegate_phone=payload.delegate_phone,
        note=payload.note,
        postal_item_code=payload.postal_item_code,
        postal_posted_on=payload.postal_posted_on,
    )
    if channel == Channel.POSTAL:
        dossier = postal.postal_intake(data=data, actor=request.user)
    else:
        dossier = services.dossier_intake(data=data, actor=request.user)
    return Status(201, dossier_out(dossier))


@transaction.atomic
def _online_create(user, payload: DossierIn) -> dict:
    if (payload.channel or Channel.ONLINE) != Channel.ONLINE:
        raise NotPermitted(
            "Công dân nộp hồ sơ trực tuyến (channel: online); nộp trực tiếp hoặc qua bưu chính do cán bộ tiếp nhận.",
            details={"channel": "online"},
        )
    if payload.documents:
        raise ValidationFailed(
            "Tải bản quét giấy tờ lên sau khi tạo hồ sơ (POST /dossiers/{code}/documents).",
            details={"documents": "Không nhận ở đây."},
        )
    version = procedure_get_by_code(code=payload.procedure).current_version
    dossier = online.online_draft_create(
        actor=user,
        version=version,
        receiving_unit=unit_get_by_code(agency_code=payload.receiving_unit)
        if payload.receiving_unit
        else None,
        applicant=services.ApplicantData(**payload.applicant.dict()) if payload.applicant else None,
        form_data=payload.form_data,
        return_mode=payload.return_mode or ReturnMode.ONLINE,
        return_address=payload.return_address,
        competent_unit=unit_get_by_code(agency_code=payload.competent_unit)
        if payload.competent_unit
        else None,
    )
    if payload.submit:
        dossier = online.online_submit(dossier=dossier, actor=user)
    dossier = citizen_selectors.dossier_get_for_citizen(user=user, reference=dossier.reference)
    return dossier_out(dossier, for_staff=False)


class DossierPageOut(Schema):
    items: list[DossierOut]
    count: int


PAGE_SIZE = 25


@router.get("", response=DossierPageOut)
def dossier_list(request, filters: Query[DossierFilter], page: int = Query(1, ge=1, le=1_000_000)):
    """Dossiers the actor may see, newest first, 25 a page. Only the page is loaded, never the whole scope."""
    qs = selectors.dossier_search(
        user=request.user, q=filters.q, status=filters.status, unit_code=filters.unit, overdue=filters.overdue
    )
    if filters.q and _is_staff(request.user):
        record_search(request, q=filters.q)
    rows = list(qs[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    clocks = selectors.dossier_clocks(rows)
    return {"items": [dossier_out(d, clock=clocks[d.pk]) for d in rows], "count": qs.count()}


@router.get("/{code}", response={200: DossierOut, 404: ErrorOut})
def dossier_detail(request, code: str):
    """An officer's dossier in their units, or the applicant's own (`D<id>` before reception)."""
    dossier, for_staff = dossier_for_actor(request.user, code)
    if for_staff:
        record_access(request, kind=AccessKind.VIEW, dossier=dossier)
    return dossier_out(dossier, for_staff=for_staff)


@router.get("/{code}/history", response={200: list[EventOut], 404: ErrorOut})
def dossier_history(request, code: str):
    """The control slip. The applicant reads it without officers' names, internal hand-overs or notes."""
    dossier, for_staff = dossier_for_actor(request.user, code)
    if not for_staff:
        return _citizen_history(dossier)
    record_access(request, kind=AccessKind.HISTORY, dossier=dossier)
    return [
        {
            "seq": e.seq,
            "action": e.action,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "at": _local(e.at),
            "actor": e.actor.username if e.actor_id else None,
            "unit": e.actor_unit.agency_code if e.actor_unit_id else None,
            "note": e.note,
            "data": e.data,
        }
        for e in selectors.dossier_history(dossier=dossier)
    ]


def _citizen_history(dossier: Dossier) -> list[dict]:
    events = [
        e
        for e in selectors.dossier_history(dossier=dossier)
        if e.action not in citizen_selectors.HIDDEN_ACTIONS
    ]
    # The citizen timeline decides what of each row the applicant may read; it has the same rows in order.
    entries = citizen_selectors.dossier_timeline_for_citizen(dossier=dossier)
    return [
        {
            "seq": e.seq,
            "action": e.action,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "at": _local(e.at),
            "actor": None,
            "unit": e.actor_unit.agency_code if e.actor_unit_id else None,
            "note": entry.note,
            "data": entry.data,
        }
        for e, entry in zip(events, entries, strict=True)
    ]


@router.post(
    "/{code}/actions/submit",
    response={200: DossierOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def dossier_submit(request, code: str):
    """The applicant sends their online draft, or resubmits after a return for completion; the centre answers
    within 8 working hours (`reply_due_at`). 422 lists everything still missing."""
    dossier, for_staff = dossier_for_actor(request.user, code)
    if dossier.owner_id != request.user.pk:
        raise NotPermitted("Chỉ người nộp hồ sơ mới gửi được hồ sơ trực tuyến của mình.")
    dossier = online.online_submit(dossier=dossier, actor=request.user)
    dossier, for_staff = dossier_for_actor(request.user, dossier.reference)
    return dossier_out(dossier, for_staff=for_staff)


@router.post(
    "/{code}/actions/{action}",
    response={200: DossierOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 502: ErrorOut},
)
def dossier_action(request, code: str, action: str, payload: ActionIn):
    """Apply a lifecycle action: 409 when it is not allowed in the dossier's state, 403 when the actor may not.
    `return_result` of a dossier whose result goes by post books the delivery with the post office first
    (502 when the post office does not take it; nothing changes)."""
    dossier, for_staff = dossier_for_actor(request.user, code)
    if not for_staff:
        # Applicants act through their own endpoints, which carry the online rules (documents, e-form).
        raise NotPermitted("Người nộp gửi hồ sơ qua actions/submit; các thao tác khác do cán bộ thực hiện.")
    fields = {k: v for k, v in payload.dict().items() if k != "note" and v is not None}
    if action == Action.RETURN_RESULT and dossier.return_mode == ReturnMode.POSTAL:
        dossier = postal.postal_result_return(
            dossier=dossier,
            actor=request.user,
            item_code=fields.get("postal_item_code", ""),
            note=payload.note,
        )
    else:
        fields.pop("postal_item_code", None)
        dossier = services.dossier_transition(
            dossier=dossier, action=action, actor=request.user, note=payload.note, **fields
        )
    try:
        dossier, for_staff = dossier_for_actor(request.user, dossier.reference)
    except NotFound:
        # The action moved the dossier out of the officer's units: report the change all the same.
        for_staff = True
    return dossier_out(dossier, for_staff=for_staff)


class DocumentOut(Schema):
    id: int
    name: str
    component: int | None = Field(description="Position of the answered component in the procedure's list")
    content_type: str
    size: int


SCAN_FILE = File(..., description="PDF, JPEG or PNG, at most 20 MB")


@router.post(
    "/{code}/documents",
    response={201: list[DocumentOut], 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def dossier_document_upload(
    request,
    code: str,
    component: int = Form(..., description="1-based position of the component in GET /procedures/{code}"),
    file: UploadedFile = SCAN_FILE,
):
    """A scan for one component of the applicant's own draft (or a dossier returned for completion); a new
    scan replaces the one given before for that component."""
    dossier, _for_staff = dossier_for_actor(request.user, code)
    components = list(dossier.procedure_version.components.all())
    if not 1 <= component <= len(components):
        raise ValidationFailed(
            "Thành phần hồ sơ không hợp lệ.", details={"component": f"Chọn từ 1 đến {len(components)}."}
        )
    problem = upload_check(file)
    if problem:
        raise ValidationFailed(problem, details={"file": problem})
    upload_normalise(file)
    requirement = components[component - 1]
    added = online.online_documents_add(
        dossier=dossier,
        actor=request.user,
        documents=[services.DocumentData(name=requirement.name, requirement_id=requirement.pk, upload=file)],
    )
    return Status(
        201,
        [
            {
                "id": d.pk,
                "name": d.name,
                "component": component,
                "content_type": d.content_type,
                "size": d.size,
            }
            for d in added
        ],
    )


class PickupIn(Schema):
    address: str = Field("", max_length=500, description="Default: the applicant's address on the dossier")
    note: str = Field("", max_length=1000)


class PickupOut(Schema):
    tracking_code: str
    address: str
    requested_at: datetime


@router.post(
    "/{code}/postal/pickup",
    response={201: PickupOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 502: ErrorOut},
)
def dossier_postal_pickup(request, code: str, payload: PickupIn):
    """Ask the post office to collect the dossier's papers at the applicant's address (docs/postal.md). The
    applicant (their own dossier) or a receiving officer of the centre; once a day per dossier."""
    dossier, _for_staff = dossier_for_actor(request.user, code)
    event = postal.postal_pickup_request(
        dossier=dossier, actor=request.user, address=payload.address, note=payload.note
    )
    request_data = event.data["postal_pickup"]
    return Status(
        201,
        {
            "tracking_code": request_data["tracking_code"],
            "address": request_data["address"],
            "requested_at": _local(event.at),
        },
    )


@router.get("/{code}/forms/{number}.pdf", response={200: None, 404: ErrorOut, 409: ErrorOut})
def dossier_form(request, code: str, number: str):
    from motcua.paperwork import render_form

    dossier = selectors.dossier_get_for_staff(user=request.user, reference=code)
    if number not in {"01", "02", "03", "04", "05", "06"}:
        raise ValidationFailed("Mẫu phải là 01–06 (Mẫu 07 là sổ theo dõi, xuất theo khoảng ngày).")
    pdf = render_form(dossier=dossier, number=number, base_url=request.build_absolute_uri("/").rstrip("/"))
    record_access(request, kind=AccessKind.PRINT, dossier=dossier, detail=f"Mẫu {number}")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="mau-{number}-{dossier.reference}.pdf"'
    return response


# --- public ----------------------------------------------------------------------------------------------------
class PublicStepOut(Schema):
    name: str
    unit: str
    started_at: datetime
    finished_at: datetime | None


class PublicStatusOut(Schema):
    code: str
    status: str
    status_label: str
    procedure_name: str
    applicant_initials: str
    received_at: datetime | None
    due_at: datetime | None
    result_ready_at: datetime | None
    returned_at: datetime | None
    steps: list[PublicStepOut]


def public_status_out(progress: selectors.PublicStatus) -> dict:
    """PublicStatusOut's fields in its order (a test validates the answer against it)."""
    zone = timezone.get_current_timezone()  # once, not once per instant: a lookup has a dozen of them

    def local(value):
        return value.astimezone(zone) if value is not None else None

    return {
        "code": progress.code,
        "status": progress.status,
        "status_label": progress.get_status_display(),
        "procedure_name": progress.procedure_name,
        "applicant_initials": progress.applicant_initials,
        "received_at": local(progress.received_at),
        "due_at": local(progress.due_at),
        "result_ready_at": local(progress.result_ready_at),
        "returned_at": local(progress.returned_at),
        "steps": [
            {
                "name": step.name,
                "unit": step.unit_name,
                "started_at": local(step.started_at),
                "finished_at": local(step.finished_at),
            }
            for step in progress.steps
        ],
    }


def public_status_lookup(request, code: str, phone: str) -> selectors.PublicStatus:
    """Shared by the API and the /tra-cuu page: rate limited per client, same answer for unknown and wrong."""
    if rate_limit_hit(
        scope="status",
        key=client_ip(request),
        limit=settings.MOTCUA_STATUS_RATE_PER_MINUTE,
        window_seconds=60,
    ):
        from motcua.core.exceptions import RateLimited

        raise RateLimited("Bạn tra cứu quá nhiều lần. Vui lòng thử lại sau một phút.")
    return selectors.dossier_public_progress(code=code, phone_last4=phone)


def _public_status_response(request, code: str, phone: str):
    # Rendered as it is: pydantic re-validating a dict built just above from typed fields was a third of the
    # busiest public endpoint's own Python time (docs/performance.md, issue #7).
    from motcua.api.urls import api  # the API object is built from these routers: not importable above

    return api.create_response(
        request, public_status_out(public_status_lookup(request, code, phone)), status=200
    )


class PublicStatusIn(Schema):
    code: str = Field(max_length=40, description="Dossier code, as printed on the receipt")
    phone: str = Field(max_length=20, description="Last 4 digits of the applicant's phone")


@public_router.post("/status", response={200: PublicStatusOut, 404: ErrorOut, 429: ErrorOut}, auth=None)
def public_status_post(request, payload: PublicStatusIn):
    """Public progress of a dossier; the applicant's initials only. The phone digits travel in the body, out of
    URLs and the access logs that keep them (preferred over the GET form)."""
    return _public_status_response(request, payload.code.strip(), payload.phone.strip())


@public_router.get("/status/{code}", response={200: PublicStatusOut, 404: ErrorOut, 429: ErrorOut}, auth=None)
def public_status(request, code: str, phone: str = Query(..., description="Last 4 digits of the phone")):
    """Public progress of a dossier; the applicant's initials only. The phone digits are in the query string:
    `POST /api/v1/public/status` keeps them out of URLs."""
    return _public_status_response(request, code, phone)


register_router = Router(tags=["dossiers"], auth=staff_or_token)


class RegisterQuery(Schema):
    unit: str = Field(description="Agency code of the receiving centre")
    date_from: date = Field(alias="from")
    date_to: date = Field(alias="to")
    format: str = Field("pdf", pattern="^(pdf|xlsx)$")


@register_router.get("", response={200: None, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def dossier_register(request, query: Query[RegisterQuery]):
    """Form 07, the dossier register of a receiving centre for a date range, as PDF or Excel."""
    from motcua.paperwork import register_xlsx, render_register

    unit = unit_get_by_code(agency_code=query.unit)
    if unit.pk not in selectors.staff_visible_unit_ids(request.user):
        raise NotPermitted("Bạn không có quyền xem sổ theo dõi hồ sơ của đơn vị này.")
    name = f"so-theo-doi-{unit.agency_code}-{query.date_from:%Y%m%d}-{query.date_to:%Y%m%d}"
    record_access(request, kind=AccessKind.EXPORT, unit=unit, detail=f"{name}.{query.format}")
    if query.format == "xlsx":
        content = register_xlsx(unit=unit, date_from=query.date_from, date_to=query.date_to)
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    content = render_register(unit=unit, date_from=query.date_from, date_to=query.date_to, user=request.user)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response
