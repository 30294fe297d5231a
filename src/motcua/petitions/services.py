"""Writes of petitions (phản ánh, kiến nghị): submission, and every status change through one entry point,
`petition_transition`, with the allowed changes listed once in `TRANSITIONS`."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.core.exceptions import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from motcua.dossiers.models import Dossier
from motcua.notifications.models import MessageChannel
from motcua.notifications.services import message_enqueue
from motcua.org.enums import SERVICE_CENTRE_KINDS, Role, UnitKind
from motcua.org.models import StaffRole, Unit
from motcua.workcal.calendar import LOCAL_TZ
from motcua.workcal.selectors import calendar_for_unit

from .attachments import MAX_ATTACHMENTS, attachment_kind, attachment_problem
from .enums import Action, Channel, Privacy, Satisfaction, Status, SubjectKind
from .models import Petition, PetitionAttachment, PetitionCodeCounter, PetitionEvent
from .tokens import petition_rating_token

logger = logging.getLogger(__name__)

# Law on Citizen Reception 2013 / Decree 20/2008 Art. 9 as applied by the provinces' PAKN rules: an answer
# within 10 working days of reception (legal-spec §2.5).
ANSWER_WORKING_DAYS = 10
# An extension adds at most as long again.
MAX_EXTENSION_WORKING_DAYS = 10
TITLE_MAX = 200
DESCRIPTION_MAX = 5000
ANSWER_MAX = 10000


class Who:
    CENTRE = "centre"  # a receiving officer of the centre that received the petition
    UNIT = "unit"  # an officer of the assigned unit
    PETITIONER = "petitioner"  # the petitioner, proven by the rating link or their account


# (status, action) → (next status, who may do it). Nothing else assigns `Petition.status`.
TRANSITIONS: dict[tuple[str, str], tuple[str, frozenset[str]]] = {
    (Status.RECEIVED, Action.ASSIGN): (Status.ASSIGNED, frozenset({Who.CENTRE})),
    (Status.ASSIGNED, Action.ASSIGN): (Status.ASSIGNED, frozenset({Who.CENTRE})),
    (Status.RECEIVED, Action.REJECT): (Status.REJECTED, frozenset({Who.CENTRE})),
    (Status.ASSIGNED, Action.REJECT): (Status.REJECTED, frozenset({Who.CENTRE, Who.UNIT})),
    (Status.ASSIGNED, Action.START): (Status.IN_PROGRESS, frozenset({Who.UNIT})),
    (Status.ASSIGNED, Action.EXTEND): (Status.EXTENDED, frozenset({Who.UNIT})),
    (Status.IN_PROGRESS, Action.EXTEND): (Status.EXTENDED, frozenset({Who.UNIT})),
    (Status.ASSIGNED, Action.ANSWER): (Status.ANSWERED, frozenset({Who.UNIT})),
    (Status.IN_PROGRESS, Action.ANSWER): (Status.ANSWERED, frozenset({Who.UNIT})),
    (Status.EXTENDED, Action.ANSWER): (Status.ANSWERED, frozenset({Who.UNIT})),
    (Status.ANSWERED, Action.PUBLISH): (Status.ANSWERED, frozenset({Who.UNIT, Who.CENTRE})),
    (Status.CLOSED, Action.PUBLISH): (Status.CLOSED, frozenset({Who.UNIT, Who.CENTRE})),
    (Status.ANSWERED, Action.RATE): (Status.CLOSED, frozenset({Who.PETITIONER})),
    (Status.ANSWERED, Action.CLOSE): (Status.CLOSED, frozenset({Who.UNIT, Who.CENTRE})),
}

# Roles that act for the assigned unit; viewers and administrators read or configure, they do not answer.
UNIT_ROLES = (Role.SPECIALIST, Role.HEAD_OF_DIVISION, Role.SIGNING_LEADER, Role.RECEIVING_OFFICER)


# --- who ------------------------------------------------------------------------------------------------------
def petition_actor_kinds(*, actor, petition: Petition) -> set[str]:
    """What `actor` is for `petition`: the receiving centre's officer, the assigned unit's officer, or both."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return set()
    kinds: set[str] = set()
    roles = StaffRole.objects.filter(user=actor).values_list("unit_id", "role")
    for unit_id, role in roles:
        if unit_id == petition.receiving_unit_id and role == Role.RECEIVING_OFFICER:
            kinds.add(Who.CENTRE)
        if petition.unit_id is not None and unit_id == petition.unit_id and role in UNIT_ROLES:
            kinds.add(Who.UNIT)
    return kinds


# --- submission -----------------------------------------------------------------------------------------------
@dataclass
class PetitionData:
    subject_kind: str
    title: str
    description: str
    petitioner_name: str
    petitioner_phone: str
    privacy: str = Privacy.PUBLIC
    petitioner_email: str = ""
    procedure_code: str = ""
    dossier_code: str = ""
    officer_name: str = ""
    latitude: str | Decimal | float | None = None
    longitude: str | Decimal | float | None = None
    location_address: str = ""
    attachments: list = field(default_factory=list)


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def _coordinate(value, *, limit: int, key: str, errors: dict) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors[key] = _("Tọa độ không hợp lệ.")
        return None
    if not number.is_finite() or abs(number) > limit:
        errors[key] = _("Tọa độ không hợp lệ.")
        return None
    return number.quantize(Decimal("0.000001"))


def _receiving_centre(dossier: Dossier | None) -> Unit:
    """The petition goes to the centre that received the dossier it is about, otherwise to the province's
    centre (the one-stop point that takes petitions for the whole province)."""
    if dossier is not None and dossier.receiving_unit.kind in SERVICE_CENTRE_KINDS:
        return dossier.receiving_unit
    unit = (
        Unit.objects.filter(kind=UnitKind.PROVINCIAL_CENTRE, is_active=True).order_by("agency_code").first()
        or Unit.objects.filter(kind__in=SERVICE_CENTRE_KINDS, is_active=True).order_by("agency_code").first()
    )
    if unit is None:
        raise ValidationFailed(_("Hệ thống chưa có Trung tâm Phục vụ hành chính công để tiếp nhận phản ánh."))
    return unit


def _clean(data: PetitionData, *, actor) -> tuple[dict, dict]:
    errors: dict[str, str] = {}
    values: dict = {}
    if data.subject_kind not in SubjectKind.values:
        errors["subject_kind"] = _("Chọn nội dung phản ánh, kiến nghị về việc gì.")
    title = (data.title or "").strip()
    description = (data.description or "").strip()
    if not title:
        errors["title"] = _("Nhập tiêu đề phản ánh, kiến nghị.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("Tiêu đề tối đa %(max)s ký tự.") % {"max": TITLE_MAX}
    if not description:
        errors["description"] = _("Nhập nội dung phản ánh, kiến nghị.")
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = _("Nội dung tối đa %(max)s ký tự.") % {"max": DESCRIPTION_MAX}
    name = (data.petitioner_name or "").strip()
    if not name:
        errors["petitioner_name"] = _("Nhập họ và tên của bạn.")
    elif len(name) > 200:
        errors["petitioner_name"] = _("Họ và tên tối đa 200 ký tự.")
    phone = _digits(data.petitioner_phone)
    if not 9 <= len(phone) <= 11:
        errors["petitioner_phone"] = _("Nhập số điện thoại gồm 9 đến 11 chữ số, ví dụ 0912345678.")
    email = (data.petitioner_email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["petitioner_email"] = _("Nhập địa chỉ thư điện tử đúng dạng, ví dụ ten@example.com.")
    if data.privacy not in Privacy.values:
        errors["privacy"] = _("Chọn có cho phép công khai hay không.")
    values.update(
        subject_kind=data.subject_kind,
        title=title,
        description=description,
        petitioner_name=name,
        petitioner_phone=phone,
        petitioner_email=email,
        privacy=data.privacy,
    )
    kind = data.subject_kind
    procedure_code = (data.procedure_code or "").strip()
    if procedure_code:
        procedure = Procedure.objects.filter(national_code=procedure_code).first()
        if procedure is None:
            errors["procedure_code"] = _("Không tìm thấy thủ tục có mã “%(code)s”.") % {
                "code": procedure_code
            }
        values["procedure"] = procedure
    elif kind == SubjectKind.PROCEDURE:
        errors["procedure_code"] = _("Nhập mã thủ tục hành chính được phản ánh, ví dụ 1.004873.")
    dossier_code = (data.dossier_code or "").strip().upper()
    if dossier_code:
        dossier = Dossier.objects.select_related("receiving_unit").filter(code=dossier_code).first()
        is_owner = (
            dossier is not None and actor is not None and dossier.owner_id == getattr(actor, "pk", None)
        )
        proven = dossier is not None and (
            is_owner or (len(phone) >= 4 and _digits(dossier.applicant_phone).endswith(phone[-4:]))
        )
        if not proven:
            # Unknown and someone else's look the same: a petition form must not confirm dossier codes.
            errors["dossier_code"] = _(
                "Không tìm thấy hồ sơ với mã này và số điện thoại của bạn. Hồ sơ phải do bạn nộp "
                "(cùng số điện thoại đã đăng ký khi nộp)."
            )
        else:
            values["dossier"] = dossier
            if dossier.procedure_version_id and not values.get("procedure"):
                values["procedure"] = dossier.procedure_version.procedure
    elif kind == SubjectKind.DOSSIER:
        errors["dossier_code"] = _("Nhập mã hồ sơ được phản ánh.")
    officer_name = (data.officer_name or "").strip()
    if kind == SubjectKind.OFFICER_CONDUCT and not officer_name:
        errors["officer_name"] = _("Nhập tên, chức danh hoặc số quầy của cán bộ được phản ánh.")
    values["officer_name"] = officer_name[:200]
    values["latitude"] = _coordinate(data.latitude, limit=90, key="latitude", errors=errors)
    values["longitude"] = _coordinate(data.longitude, limit=180, key="longitude", errors=errors)
    if (values["latitude"] is None) != (values["longitude"] is None) and not {"latitude", "longitude"} & set(
        errors
    ):
        errors["latitude"] = _("Nhập đủ cả vĩ độ và kinh độ, hoặc để trống cả hai.")
    address = (data.location_address or "").strip()
    if len(address) > 300:
        errors["location_address"] = _("Địa điểm tối đa 300 ký tự.")
    if kind == SubjectKind.LOCATION and not address and values["latitude"] is None:
        errors["location_address"] = _("Nhập địa điểm xảy ra sự việc (địa chỉ hoặc tọa độ).")
    values["location_address"] = address
    files = list(data.attachments or [])
    if len(files) > MAX_ATTACHMENTS:
        errors["attachments"] = _("Chỉ đính kèm tối đa %(max)s tệp.") % {"max": MAX_ATTACHMENTS}
    else:
        problems = [problem for problem in (attachment_problem(f) for f in files) if problem]
        if problems:
            errors["attachments"] = " ".join(problems)
    return values, errors


def _code_issue(*, at: datetime) -> str:
    """PA-YYMMDD-NNNN, the sequence per day, gapless under concurrent submission: the day's counter row is
    locked until the petition is written in the same transaction."""
    day = at.astimezone(LOCAL_TZ).date()
    PetitionCodeCounter.objects.get_or_create(day=day)
    counter = PetitionCodeCounter.objects.select_for_update(of=("self",)).get(day=day)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"PA-{day:%y%m%d}-{counter.last:04d}"


def _due(unit: Unit, start: datetime) -> datetime:
    return calendar_for_unit(unit).add_working_days(start, ANSWER_WORKING_DAYS)


def _event(
    petition: Petition, *, action, from_status, actor, note="", public_note="", at=None
) -> PetitionEvent:
    last = PetitionEvent.objects.filter(petition=petition).aggregate(m=Max("seq"))["m"] or 0
    return PetitionEvent.objects.create(
        petition=petition,
        seq=last + 1,
        action=action,
        from_status=from_status,
        to_status=petition.status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        unit=petition.unit or petition.receiving_unit,
        note=note,
        public_note=public_note,
        at=at or timezone.now(),
    )


def _notify(petition: Petition, event: str, *, key: str, extra: dict | None = None) -> None:
    """E-mail and SMS to the petitioner, written in the change's transaction (the outbox)."""
    context = {"petition": petition, **(extra or {})}
    if petition.petitioner_email:
        message_enqueue(
            event=event,
            channel=MessageChannel.EMAIL,
            recipient=petition.petitioner_email,
            context=context,
            dedupe_key=f"petition:{petition.pk}:{key}:email",
            user=petition.user,
        )
    if petition.petitioner_phone:
        message_enqueue(
            event=event,
            channel=MessageChannel.SMS,
            recipient=petition.petitioner_phone,
            context=context,
            dedupe_key=f"petition:{petition.pk}:{key}:sms",
            user=petition.user,
        )


@transaction.atomic
def petition_submit(
    *, data: PetitionData, actor=None, channel: str = Channel.PORTAL, at: datetime | None = None
) -> Petition:
    """Anyone may petition, signed in or not, with a name and a phone number to be answered on. A dossier is
    linked only when the petitioner proves it is theirs. The answer is due 10 working days after reception,
    on the receiving centre's calendar until a handling unit is assigned. `at` replays history (demo)."""
    if channel not in Channel.values:
        raise ValidationFailed(_("Kênh gửi không hợp lệ."), details={"channel": channel})
    now = at or timezone.now()
    values, errors = _clean(data, actor=actor)
    if errors:
        raise ValidationFailed(_("Phản ánh, kiến nghị chưa hợp lệ, vui lòng kiểm tra lại."), details=errors)
    centre = _receiving_centre(values.get("dossier"))
    due = _due(centre, now)
    petition = Petition.objects.create(
        code=_code_issue(at=now),
        channel=channel,
        user=actor if getattr(actor, "is_authenticated", False) else None,
        receiving_unit=centre,
        received_at=now,
        due_at=due,
        original_due_at=due,
        updated_at=now,
        status=Status.RECEIVED,
        **values,
    )
    for upload in data.attachments or []:
        content_type, extension = attachment_kind(upload)
        # The stored name follows the content, never the client's file name (which may carry personal data).
        upload.name = f"phan-anh{extension}"
        PetitionAttachment.objects.create(
            petition=petition, file=upload, content_type=content_type, size=upload.size, uploaded_at=now
        )
    _event(petition, action=Action.SUBMIT, from_status="", actor=actor, at=now)
    _notify(petition, "petition_received", key="received")
    logger.info("petition received", extra={"petition_id": petition.pk, "channel": channel})
    return petition


# --- the state machine ----------------------------------------------------------------------------------------
def _text(payload: dict, key: str, *, required_message: str, maximum: int) -> str:
    value = str(payload.get(key) or "").strip()
    if not value:
        raise ValidationFailed(required_message, details={key: required_message})
    if len(value) > maximum:
        message = _("Tối đa %(max)s ký tự.") % {"max": maximum}
        raise ValidationFailed(message, details={key: message})
    return value


def _assign(petition: Petition, payload: dict, now: datetime) -> tuple[str, str]:
    unit = payload.get("unit")
    if not isinstance(unit, Unit) or not unit.is_active:
        message = _("Chọn đơn vị xử lý.")
        raise ValidationFailed(message, details={"unit": message})
    kind = payload.get("subject_kind") or petition.subject_kind
    if kind not in SubjectKind.values:
        message = _("Phân loại không hợp lệ.")
        raise ValidationFailed(message, details={"subject_kind": message})
    petition.subject_kind = kind
    petition.unit = unit
    petition.assigned_at = now
    # Still 10 working days from reception, now on the handling unit's calendar.
    petition.due_at = petition.original_due_at = _due(unit, petition.received_at)
    return "", _("Chuyển %(unit)s xử lý.") % {"unit": unit.name}


def _extend(petition: Petition, payload: dict, now: datetime) -> tuple[str, str]:
    reason = _text(payload, "reason", required_message=_("Nhập lý do gia hạn."), maximum=2000)
    new_due = payload.get("new_due")
    if isinstance(new_due, str):
        try:
            new_due = datetime.fromisoformat(new_due)
        except ValueError:
            new_due = None
    if new_due is not None and not isinstance(new_due, datetime):  # a date: the end of that working day
        calendar = calendar_for_unit(petition.unit)
        new_due = calendar.closing(new_due) if calendar.is_working_day(new_due) else None
    if new_due is None:
        message = _("Nhập ngày hẹn trả lời mới (một ngày làm việc).")
        raise ValidationFailed(message, details={"new_due": message})
    if new_due.tzinfo is None:
        new_due = new_due.replace(tzinfo=LOCAL_TZ)
    if now > petition.due_at:
        raise InvalidTransition(_("Đã quá hạn trả lời: chỉ gia hạn được trước khi hết hạn."))
    latest = calendar_for_unit(petition.unit).add_working_days(
        petition.due_at, MAX_EXTENSION_WORKING_DAYS, apply_cutoff=False
    )
    if not petition.due_at < new_due <= latest:
        message = _("Ngày hẹn mới phải sau hạn hiện tại và gia hạn không quá %(days)s ngày làm việc.") % {
            "days": MAX_EXTENSION_WORKING_DAYS
        }
        raise ValidationFailed(message, details={"new_due": message})
    petition.due_at = new_due
    petition.extended_at = now
    petition.extension_reason = reason
    public = _("Gia hạn trả lời đến ngày %(day)s.") % {"day": f"{new_due.astimezone(LOCAL_TZ):%d/%m/%Y}"}
    return reason, public


def _publish_text(petition: Petition, payload: dict) -> None:
    if petition.privacy != Privacy.PUBLIC:
        raise InvalidTransition(_("Người gửi không đồng ý công khai: phản ánh này không được công khai."))
    text = _text(
        payload,
        "public_description",
        required_message=_("Nhập nội dung công khai (đã bỏ thông tin cá nhân)."),
        maximum=DESCRIPTION_MAX,
    )
    petition.public_description = text
    petition.is_published = True
    petition.published_at = timezone.now()


def _answer(petition: Petition, payload: dict, now: datetime, actor) -> tuple[str, str]:
    petition.answer = _text(
        payload, "answer", required_message=_("Nhập nội dung trả lời."), maximum=ANSWER_MAX
    )
    petition.answered_by = actor
    petition.answered_at = now
    if payload.get("publish"):
        _publish_text(petition, payload)
    return "", _("Đã trả lời phản ánh, kiến nghị.")


def _rate(petition: Petition, payload: dict, now: datetime) -> tuple[str, str]:
    rating = payload.get("rating") or ""
    if rating not in Satisfaction.values:
        message = _("Chọn bạn hài lòng hay không hài lòng với câu trả lời.")
        raise ValidationFailed(message, details={"rating": message})
    comment = str(payload.get("comment") or "").strip()
    if len(comment) > 2000:
        message = _("Ý kiến tối đa 2000 ký tự.")
        raise ValidationFailed(message, details={"comment": message})
    petition.rating = rating
    petition.rating_comment = comment
    petition.rated_at = now
    petition.closed_at = now
    return comment, ""


@transaction.atomic
def petition_transition(
    *,
    petition: Petition,
    action: str,
    actor=None,
    as_petitioner: bool = False,
    at: datetime | None = None,
    **payload,
) -> Petition:
    """The one entry point of every status change: lock, check the table and the actor, change, write the
    history line, notify the petitioner in the same transaction. `as_petitioner` is set by the callers that
    proved the petitioner (the rating link, the petitioner's own account); `at` replays history (demo)."""
    now = at or timezone.now()
    locked = (
        Petition.objects.select_for_update(of=("self",))
        .select_related("unit", "receiving_unit")
        .get(pk=petition.pk)
    )
    rule = TRANSITIONS.get((locked.status, action))
    if rule is None:
        raise InvalidTransition(
            _("Không thể “%(action)s” khi phản ánh đang ở trạng thái “%(status)s”.")
            % {
                "action": Action(action).label if action in Action.values else action,
                "status": locked.get_status_display(),
            }
        )
    to_status, allowed = rule
    kinds = petition_actor_kinds(actor=actor, petition=locked)
    if as_petitioner:
        kinds.add(Who.PETITIONER)
    if not kinds & allowed:
        raise NotPermitted(
            _("Bạn không có quyền thực hiện thao tác này với phản ánh %(code)s.") % {"code": locked.code}
        )
    from_status = locked.status
    note, public_note = "", ""
    if action == Action.ASSIGN:
        note, public_note = _assign(locked, payload, now)
    elif action == Action.REJECT:
        note = _text(payload, "reason", required_message=_("Nhập lý do từ chối."), maximum=2000)
        locked.rejection_reason = note
        locked.closed_at = now
        public_note = _("Không thuộc phạm vi xử lý.")
    elif action == Action.START:
        public_note = _("Đơn vị đã nhận xử lý.")
    elif action == Action.EXTEND:
        note, public_note = _extend(locked, payload, now)
    elif action == Action.ANSWER:
        note, public_note = _answer(locked, payload, now, actor)
    elif action == Action.PUBLISH:
        _publish_text(locked, payload)
        public_note = _("Đã công khai câu trả lời.")
    elif action == Action.RATE:
        note, public_note = _rate(locked, payload, now)
    elif action == Action.CLOSE:
        note = str(payload.get("note") or "").strip()[:2000]
        locked.closed_at = now
        public_note = _("Đã kết thúc.")
    locked.status = to_status
    locked.updated_at = now
    locked.save()
    event = _event(
        locked,
        action=action,
        from_status=from_status,
        actor=actor,
        note=note,
        public_note=public_note,
        at=now,
    )
    if action == Action.ANSWER:
        _notify(
            locked,
            "petition_answered",
            key=f"event-{event.seq}",
            extra={
                "rating_url": f"{settings.MOTCUA_PUBLIC_URL}/phan-anh/danh-gia/{petition_rating_token(petition=locked)}/"
            },
        )
    elif action == Action.EXTEND:
        _notify(locked, "petition_extended", key=f"event-{event.seq}", extra={"reason": note})
    elif action == Action.REJECT:
        _notify(locked, "petition_rejected", key=f"event-{event.seq}", extra={"reason": note})
    logger.info("petition %s", action, extra={"petition_id": locked.pk, "to_status": to_status})
    return locked


def petition_rate(
    *, petition: Petition, rating: str, comment: str = "", at: datetime | None = None
) -> Petition:
    """The petitioner rates the answer, once (the answered → closed change happens once)."""
    return petition_transition(
        petition=petition, action=Action.RATE, as_petitioner=True, rating=rating, comment=comment, at=at
    )


def petition_get_or_404(*, code: str) -> Petition:
    petition = Petition.objects.filter(code=code).first()
    if petition is None:
        raise NotFound(_("Không tìm thấy phản ánh “%(code)s”.") % {"code": code})
    return petition
