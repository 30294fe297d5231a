"""Forms 01–06 of Circular 03/2025 for one dossier, built from its history (legal-spec §2.1).

Each form exists only when the history contains the act that produces it (DESIGN §8 lifecycle table), so a
form can never be printed for something that did not happen."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

import segno
from django.utils import translation

from motcua.catalog.enums import PaperKind
from motcua.core.exceptions import InvalidTransition, NotFound
from motcua.dossiers.enums import Action, ApplicantKind, ReturnMode, Timeliness
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.selectors import dossier_history
from motcua.ratings.tokens import rating_qr_token

from .formatting import (
    HONORIFIC,
    RECEPTION_DESK,
    agency_lines,
    committed_time,
    long_date,
    moment,
    money,
    person_name,
    place_name,
    short_date,
)
from .pdf import A4, A5, render_pdf

COPIES = ("Liên 1: Lưu tại Bộ phận Một cửa", "Liên 2: Giao người nộp hồ sơ")
SIGN_HINT = "(Ký và ghi rõ họ tên)"
# Past these many components Form 01 uses smaller type, so that each copy usually stays on one A5 sheet
# (a longer list simply continues on a second sheet of the same copy).
DENSITY_STEPS = ((6, "denser"), (4, "dense"))

# Hand-overs between units or persons: each is one row of the control slip (legal-spec §1.6).
HANDOVER_ACTIONS = frozenset(
    {Action.TRANSFER, Action.FORWARD, Action.SEND_BACK, Action.APPROVE, Action.DENY, Action.RETURN_RESULT}
)
# Events in the middle of a step that the slip mentions in the notes of that step's row.
NOTED_ACTIONS = frozenset(
    {
        Action.REQUEST_SUPPLEMENT,
        Action.SUPPLEMENT,
        Action.PAUSE,
        Action.RESUME,
        Action.EXTEND,
        Action.STOP,
    }
)


@dataclass(frozen=True)
class _Form:
    template: str
    page_size: str
    title: str
    build: Callable[[Dossier, list[DossierEvent], str], dict]


def render_form(*, dossier: Dossier, number: str, base_url: str) -> bytes:
    """The PDF of form `number` ("01"–"06") for `dossier`; `base_url` is the public site root for the QR code
    and the links printed on the forms. Raises InvalidTransition when the dossier's history has not produced
    that form."""
    number = str(number).strip().zfill(2)
    form = FORMS.get(number)
    if form is None:
        raise NotFound(f"Không có Mẫu số {number}; Sổ theo dõi hồ sơ (Mẫu số 07) in theo khoảng thời gian.")
    events = list(dossier_history(dossier=dossier))
    # The forms are legal Vietnamese whatever language the officer's session uses.
    with translation.override("vi"):
        context = form.build(dossier, events, base_url.rstrip("/"))
        context.update(
            number=number,
            document_title=f"Mẫu số {number} – {form.title}" + (f" – {dossier.code}" if dossier.code else ""),
            author=dossier.receiving_unit.name,
            body_class="a4" if form.page_size == A4 else "a5",
        )
        return render_pdf(template=form.template, context=context, page_size=form.page_size)


# --- shared pieces -------------------------------------------------------------------------------------------
def _last(events: list[DossierEvent], *actions: Action) -> DossierEvent | None:
    for event in reversed(events):
        if event.action in actions:
            return event
    return None


def _require_code(dossier: Dossier, form_title: str) -> None:
    if not dossier.code or dossier.received_at is None:
        raise InvalidTransition(f"Hồ sơ chưa được tiếp nhận nên chưa có {form_title}.")


def _honorific(dossier: Dossier) -> str:
    return "Tổ chức" if dossier.applicant_kind == ApplicantKind.ORGANISATION else HONORIFIC


def _applicant(dossier: Dossier) -> dict:
    delegate = dossier.delegate_name
    if delegate and dossier.delegate_phone:
        delegate = f"{delegate} (điện thoại: {dossier.delegate_phone})"
    return {
        "label": "Tiếp nhận hồ sơ của",
        "name": dossier.applicant_name,
        "address": dossier.applicant_address,
        "phone": dossier.applicant_phone,
        "email": dossier.applicant_email,
        "delegate": delegate,
    }


def _contact(dossier: Dossier) -> str:
    unit = dossier.receiving_unit
    phone = f", số điện thoại {unit.phone}" if unit.phone else ""
    return f"{RECEPTION_DESK.lower()} – {unit.name}{phone}"


def _common(dossier: Dossier, *, issued_at: datetime, issuer=None, is_reception: bool = True) -> dict:
    issuer = issuer or dossier.receiving_unit
    return {
        "agency_lines": agency_lines(issuer),
        "is_reception": is_reception,
        "place_date": f"{place_name(issuer)}, {long_date(issued_at)}",
        "code": dossier.code or "",
        "honorific": _honorific(dossier),
        "applicant": _applicant(dossier),
        "procedure_name": dossier.procedure_version.name,
        "receiving_unit_name": dossier.receiving_unit.name,
        "desk_label": RECEPTION_DESK,
    }


def _signer(role: str, *, user=None, name: str = "", hint: str = SIGN_HINT) -> dict:
    return {"role": role, "hint": hint, "name": name or person_name(user)}


def _applicant_signer(role: str, dossier: Dossier) -> dict:
    # Whoever stood at the counter signs: the authorised person when there is one.
    return _signer(role, name=dossier.delegate_name or dossier.applicant_name)


def _event_time(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


# --- 01 receipt and appointment ------------------------------------------------------------------------------
def _return_place(dossier: Dossier) -> str:
    unit = dossier.receiving_unit
    if dossier.return_mode == ReturnMode.POSTAL:
        return f"Qua dịch vụ bưu chính công ích, địa chỉ: {dossier.return_address}"
    if dossier.return_mode == ReturnMode.ONLINE:
        return "Trực tuyến (kết quả điện tử có giá trị pháp lý như bản giấy)"
    address = f", {unit.address}" if unit.address else ""
    return f"Bộ phận Một cửa – {unit.name}{address}"


def _fee(dossier: Dossier) -> str:
    if dossier.is_fee_exempt:
        return "Miễn phí, lệ phí"
    if not dossier.fee_amount:
        return "Không thu phí, lệ phí"
    return money(dossier.fee_amount)


def _qr_data_uri(url: str) -> str:
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=2)


def _form01(dossier: Dossier, events: list[DossierEvent], base_url: str) -> dict:
    _require_code(dossier, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu số 01)")
    received = _last(events, Action.RECEIVE)
    receiver = received.actor if received else None
    version = dossier.procedure_version
    components = [
        {"name": doc.name, "kind": PaperKind(doc.paper_kind).label, "quantity": f"{doc.quantity:02d}"}
        for doc in dossier.documents.filter(is_received=True).order_by("order", "id")
    ]
    status_url = f"{base_url}/tra-cuu/?ma={quote(dossier.code)}"
    return {
        **_common(dossier, issued_at=dossier.received_at),
        "copies": COPIES,
        "components": components,
        "density": next((name for limit, name in DENSITY_STEPS if len(components) > limit), ""),
        "sets": f"{dossier.sets:02d}",
        "committed_time": committed_time(version.committed_time_amount, version.committed_time_unit),
        "received_at": moment(dossier.received_at),
        "due_at": moment(dossier.due_at),
        "return_place": _return_place(dossier),
        "fee": _fee(dossier),
        "qr_data_uri": _qr_data_uri(status_url),
        # Circular 01/2018 Art. 12: a way to rate goes with Form 01; the citizen's copy carries it.
        "rating_qr_data_uri": _qr_data_uri(f"{base_url}/danh-gia/qr/{rating_qr_token(dossier=dossier)}/"),
        "status_url": f"{base_url}/tra-cuu/",
        "signers": [
            _applicant_signer("NGƯỜI NỘP HỒ SƠ", dossier),
            _signer("NGƯỜI TIẾP NHẬN HỒ SƠ", user=receiver),
        ],
    }


# --- 02 supplement request -----------------------------------------------------------------------------------
def _form02(dossier: Dossier, events: list[DossierEvent], base_url: str) -> dict:
    event = _last(events, Action.RETURN_FOR_COMPLETION, Action.REQUEST_SUPPLEMENT)
    if event is None:
        raise InvalidTransition(
            "Hồ sơ chưa có yêu cầu bổ sung, hoàn thiện nên không có Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ "
            "(Mẫu số 02)."
        )
    procedure = dossier.procedure_version.procedure
    requested_by = ""
    # During processing the handling body asks and the one-stop desk passes the request on (legal-spec §1.7).
    if event.action == Action.REQUEST_SUPPLEMENT and event.actor_unit_id != dossier.receiving_unit_id:
        requested_by = event.actor_unit.name if event.actor_unit else dossier.competent_unit.name
    return {
        **_common(dossier, issued_at=event.at),
        "missing_items": list(event.data.get("missing_items") or []),
        "reason": event.note,
        "requested_by": requested_by,
        "procedure_url": f"{base_url}/thu-tuc/{quote(procedure.national_code)}/",
        "contact": _contact(dossier),
        "signers": [{"blank": True}, _signer("NGƯỜI HƯỚNG DẪN", user=event.actor)],
    }


# --- 03 refusal ----------------------------------------------------------------------------------------------
def _form03(dossier: Dossier, events: list[DossierEvent], base_url: str) -> dict:
    event = _last(events, Action.REFUSE)
    if event is None:
        raise InvalidTransition(
            "Hồ sơ không bị từ chối tiếp nhận nên không có Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu số 03)."
        )
    return {
        **_common(dossier, issued_at=event.at),
        "reason": event.data.get("reason") or event.note,
        "submitted_at": moment(dossier.submitted_at or event.at),
        "contact": _contact(dossier),
        "signers": [
            _applicant_signer("NGƯỜI NỘP HỒ SƠ", dossier),
            _signer("NGƯỜI TIẾP NHẬN HỒ SƠ", user=event.actor),
        ],
    }


# --- 04 apology and extension --------------------------------------------------------------------------------
def _form04(dossier: Dossier, events: list[DossierEvent], base_url: str) -> dict:
    event = _last(events, Action.EXTEND)
    if event is None:
        raise InvalidTransition(
            "Hồ sơ không được gia hạn nên không có Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết "
            "(Mẫu số 04)."
        )
    # The late body writes the apology, not the one-stop desk (legal-spec §1.8).
    issuer = event.actor_unit or dossier.competent_unit
    previous = _event_time(event.data.get("previous_due_at")) or dossier.original_due_at
    new = _event_time(event.data.get("new_due_at")) or dossier.extended_due_at
    return {
        **_common(dossier, issued_at=event.at, issuer=issuer, is_reception=False),
        "doc_number": "Số: ……/……",
        "field_name": dossier.procedure_version.field.name,
        "received_date": short_date(dossier.received_at),
        "previous_due_at": moment(previous),
        "new_due_at": moment(new),
        "reason": event.data.get("reason") or event.note,
        "issuer_name": issuer.name,
        "signers": [
            {"recipients": ["Như trên;", f"{dossier.receiving_unit.name};", "Lưu: VT."]},
            _signer("THỦ TRƯỞNG CƠ QUAN", user=event.actor, hint="(Ký, ghi rõ họ tên và đóng dấu)"),
        ],
    }


# --- 05 stop notice ------------------------------------------------------------------------------------------
def _form05(dossier: Dossier, events: list[DossierEvent], base_url: str) -> dict:
    event = _last(events, Action.STOP)
    if event is None:
        raise InvalidTransition(
            "Hồ sơ không dừng giải quyết nên không có Thông báo dừng giải quyết hồ sơ (Mẫu số 05)."
        )
    return {
        **_common(dossier, issued_at=event.at),
        "received_at": moment(dossier.received_at),
        "stopped_date": short_date(event.at),
        "stopped_at": moment(event.at),
        "reason": event.data.get("reason") or event.note,
        "signers": [
            _applicant_signer("NGƯỜI YÊU CẦU", dossier),
            _signer("NGƯỜI TIẾP NHẬN YÊU CẦU", user=event.actor),
        ],
    }


# --- 06 process control slip ---------------------------------------------------------------------------------
def _event_note(event: DossierEvent) -> str:
    when = short_date(event.at)
    label = Action(event.action).label
    if event.action == Action.REQUEST_SUPPLEMENT:
        items = "; ".join(event.data.get("missing_items") or [])
        return f"{when} – {label}: {items}"
    if event.action == Action.EXTEND:
        new = _event_time(event.data.get("new_due_at"))
        reason = event.data.get("reason") or event.note
        return f"{when} – {label}, hẹn trả lại: {moment(new)}. Lý do: {reason}"
    if event.note:
        return f"{when} – {label}: {event.note}"
    return f"{when} – {label}"


def _handover_note(event: DossierEvent) -> str:
    if event.action == Action.SEND_BACK:
        return f"Trả lại: {event.note}" if event.note else "Trả lại bước trước"
    if event.action == Action.DENY:
        return f"Không phê duyệt: {event.data.get('reason') or event.note}"
    if event.action == Action.APPROVE:
        return "Đã có kết quả giải quyết"
    if event.action == Action.RETURN_RESULT:
        return "Đã trả kết quả"
    return event.note


def _form06(dossier: Dossier, events: list[DossierEvent], base_url: str) -> dict:
    _require_code(dossier, "Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu số 06)")
    notes_by_step: dict[int | None, list[str]] = defaultdict(list)
    for event in events:
        if event.action in NOTED_ACTIONS:
            notes_by_step[event.from_step_id].append(_event_note(event))
    honorific = _honorific(dossier)
    rows, used_steps = [], set()
    for event in events:
        if event.action not in HANDOVER_ACTIONS:
            continue
        giver_step, receiver_step = event.from_step, event.to_step
        giver_unit = giver_step.unit if giver_step else (event.actor_unit or dossier.receiving_unit)
        if event.action == Action.RETURN_RESULT:
            receiver = f"{honorific} {dossier.applicant_name}"
        elif receiver_step is not None:
            receiver = receiver_step.unit.name
        else:
            receiver = dossier.receiving_unit.name
        notes = [note for note in [_handover_note(event)] if note]
        if giver_step is not None:
            used_steps.add(giver_step.pk)
            notes.extend(notes_by_step.get(giver_step.pk, []))
            if giver_step.explanation:
                notes.append(f"Giải trình: {giver_step.explanation}")
        rows.append(
            {
                "giver": giver_unit.name,
                "giver_step": giver_step.name if giver_step else "",
                "receiver": receiver,
                "receiver_step": receiver_step.name if receiver_step else "",
                "at": moment(event.at),
                "giver_person": person_name(event.actor),
                "receiver_person": person_name(receiver_step.assignee) if receiver_step else "",
                "result": Timeliness(giver_step.timeliness).label
                if giver_step and giver_step.timeliness
                else "",
                "notes": notes,
            }
        )
    current = None
    step = dossier.current_step
    if step is not None and step.finished_at is None:
        used_steps.add(step.pk)
        current = {
            "unit": step.unit.name,
            "step": step.name,
            "started_at": moment(step.started_at),
            "due_at": moment(step.due_at),
            "notes": notes_by_step.get(step.pk, []),
        }
    other_notes = [
        note for step_id, notes in notes_by_step.items() if step_id not in used_steps for note in notes
    ]
    outcome = ""
    if dossier.timeliness:
        outcome = Timeliness(dossier.timeliness).label
        if dossier.outcome:
            outcome += f" ({dossier.get_outcome_display()})"
    return {
        **_common(dossier, issued_at=dossier.received_at),
        "competent_unit_name": dossier.competent_unit.name,
        "received_at": moment(dossier.received_at),
        "due_at": moment(dossier.due_at),
        "original_due_at": moment(dossier.original_due_at) if dossier.extended_due_at else "",
        "rows": rows,
        "current": current,
        "other_notes": other_notes,
        "outcome": outcome,
    }


FORMS: dict[str, _Form] = {
    "01": _Form("paperwork/form01.html", A5, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", _form01),
    "02": _Form("paperwork/form02.html", A5, "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", _form02),
    "03": _Form("paperwork/form03.html", A5, "Phiếu từ chối tiếp nhận giải quyết hồ sơ", _form03),
    "04": _Form(
        "paperwork/form04.html", A5, "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết", _form04
    ),
    "05": _Form("paperwork/form05.html", A5, "Thông báo dừng giải quyết hồ sơ", _form05),
    "06": _Form("paperwork/form06.html", A4, "Phiếu kiểm soát quá trình giải quyết hồ sơ", _form06),
}
