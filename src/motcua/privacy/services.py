"""The citizen's rights over their own data (Law 91/2025/QH15 Art. 4; Decree 13/2023): to receive a copy of it,
and to have the account deleted where the law allows. docs/privacy.md explains what is kept and why."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.exceptions import InvalidTransition, NotPermitted, RateLimited, ValidationFailed
from motcua.core.ratelimit import rate_limit_hit
from motcua.org.selectors import user_is_staff_member

from .access import access_list_for_subject
from .models import AccountDeletion

# A copy of everything is heavy to build: a few per account and hour are plenty.
EXPORT_RATE_PER_HOUR = 5
# Files of the document store go into the ZIP up to this total; beyond it the JSON still lists them.
EXPORT_FILES_MAX_BYTES = 50 * 1024 * 1024


def _local(value):
    return timezone.localtime(value) if value is not None else None


def _dossiers(user) -> list[dict]:
    from motcua.dossiers.citizen_selectors import dossier_timeline_for_citizen
    from motcua.dossiers.models import Dossier

    rows = []
    dossiers = (
        Dossier.objects.filter(owner_id=user.pk)
        .select_related("procedure_version__procedure", "receiving_unit", "competent_unit")
        .prefetch_related("documents")
        .order_by("created_at", "id")
    )
    for dossier in dossiers:
        rows.append(
            {
                "code": dossier.reference,
                "procedure": dossier.procedure_version.name,
                "procedure_code": dossier.procedure_version.procedure.national_code,
                "status": dossier.status,
                "status_label": str(dossier.get_status_display()),
                "channel": dossier.channel,
                "receiving_unit": dossier.receiving_unit.name if dossier.receiving_unit_id else "",
                "competent_unit": dossier.competent_unit.name if dossier.competent_unit_id else "",
                "applicant": {
                    "kind": dossier.applicant_kind,
                    "name": dossier.applicant_name,
                    "id_number": dossier.applicant_id_number,
                    "date_of_birth": dossier.applicant_date_of_birth,
                    "phone": dossier.applicant_phone,
                    "email": dossier.applicant_email,
                    "address": dossier.applicant_address,
                },
                "delegate": {
                    "name": dossier.delegate_name,
                    "id_number": dossier.delegate_id_number,
                    "phone": dossier.delegate_phone,
                },
                "return_mode": dossier.return_mode,
                "return_address": dossier.return_address,
                "form_data": dossier.form_data,
                "fee_amount": dossier.fee_amount,
                "submitted_at": _local(dossier.submitted_at),
                "received_at": _local(dossier.received_at),
                "due_at": _local(dossier.due_at),
                "returned_at": _local(dossier.returned_at),
                "outcome": dossier.outcome,
                "documents": [
                    {"order": d.order, "name": d.name, "content_type": d.content_type, "size": d.size}
                    for d in dossier.documents.all()
                ],
                # The history as the applicant reads it: units, not officers' names nor internal notes.
                "history": [
                    {
                        "at": _local(e.at),
                        "action": e.action,
                        "unit": e.unit_name,
                        "step": e.step_name,
                        "note": e.note,
                    }
                    for e in dossier_timeline_for_citizen(dossier=dossier)
                ],
            }
        )
    return rows


def _stored_documents(user) -> list[dict]:
    from motcua.docstore.models import StoredDocument

    return [
        {
            "id": d.pk,
            "kind": d.kind,
            "name": d.name,
            "component_name": d.component_name,
            "content_type": d.content_type,
            "size": d.size,
            "sha256": d.sha256,
            "from_dossier": d.source_dossier.reference if d.source_dossier_id else None,
            "valid_until": d.valid_until,
            "created_at": _local(d.created_at),
            "file": d.file.name,
        }
        for d in StoredDocument.objects.filter(owner=user).select_related("source_dossier").order_by("id")
    ]


def _ratings(user) -> list[dict]:
    from motcua.ratings.models import Rating

    return [
        {
            "dossier": r.dossier.reference,
            "overall": r.overall,
            "comment": r.comment,
            "channel": r.channel,
            "created_at": _local(r.created_at),
        }
        for r in Rating.objects.filter(rated_by=user).select_related("dossier").order_by("id")
    ]


def _petitions(user) -> list[dict]:
    from motcua.petitions.models import Petition

    return [
        {
            "code": p.code,
            "title": p.title,
            "description": p.description,
            "petitioner_name": p.petitioner_name,
            "petitioner_phone": p.petitioner_phone,
            "petitioner_email": p.petitioner_email,
            "status": p.status,
            "received_at": _local(p.received_at),
            "answer": p.answer,
            "answered_at": _local(p.answered_at),
            "rating": p.rating,
        }
        for p in Petition.objects.filter(user=user).order_by("id")
    ]


def _appointments(user) -> list[dict]:
    from motcua.appointments.models import Appointment

    return [
        {
            "code": a.code,
            "service": a.service.name,
            "start_at": _local(a.start_at),
            "status": a.status,
            "holder_name": a.holder_name,
            "phone": a.phone,
            "email": a.email,
            "address": a.address,
            "note": a.note,
        }
        for a in Appointment.objects.filter(user=user).select_related("service").order_by("id")
    ]


def _notifications(user) -> list[dict]:
    from motcua.notifications.models import Message

    return [
        {
            "event": m.event,
            "channel": m.channel,
            "recipient": m.recipient,
            "subject": m.subject,
            "body": m.body,
            "status": m.status,
            "created_at": _local(m.created_at),
            "sent_at": _local(m.sent_at),
        }
        for m in Message.objects.filter(user=user).order_by("id")
    ]


def _accesses(user) -> list[dict]:
    return [
        {
            "at": _local(a.at),
            "unit": a.unit.name if a.unit_id else "",
            "action": a.kind,
            "action_label": str(a.get_kind_display()),
            "channel": a.channel,
            "dossier": a.dossier.reference if a.dossier_id else None,
            "detail": a.detail,
        }
        for a in access_list_for_subject(user=user)
    ]


def personal_data_collect(*, user) -> dict:
    """Everything the system holds about the account's owner, as one JSON-ready document."""
    return {
        "format": "motcua-personal-data/1",
        "generated_at": timezone.localtime(),
        "account": {
            "username": user.username,
            "full_name": user.full_name,
            "phone": user.phone,
            "is_phone_verified": user.is_phone_verified,
            "email": user.email,
            "is_email_verified": user.is_email_verified,
            "address": user.address,
            "id_number": user.id_number,
            "is_id_number_verified": user.is_id_number_verified,
            "date_joined": _local(user.date_joined),
            "last_login": _local(user.last_login),
            "linked_identities": [
                {"issuer": e.issuer, "linked_at": _local(e.created_at)}
                for e in user.external_identities.all()
            ],
        },
        "dossiers": _dossiers(user),
        "stored_documents": _stored_documents(user),
        "ratings": _ratings(user),
        "petitions": _petitions(user),
        "appointments": _appointments(user),
        "notifications": _notifications(user),
        "personal_data_accesses": _accesses(user),
    }


def personal_data_export_allowed(*, user) -> None:
    if rate_limit_hit(
        scope="privacy-export", key=str(user.pk), limit=EXPORT_RATE_PER_HOUR, window_seconds=3600
    ):
        raise RateLimited(_("Bạn đã tải dữ liệu nhiều lần trong một giờ. Vui lòng thử lại sau."))


def _summary(data: dict) -> str:
    account = data["account"]
    lines = [
        _("DỮ LIỆU CÁ NHÂN CỦA BẠN TRÊN HỆ THỐNG MỘT CỬA ĐIỆN TỬ"),
        _("Lập lúc: %(at)s") % {"at": f"{data['generated_at']:%d/%m/%Y %H:%M}"},
        "",
        _("Tài khoản"),
        _("  Họ và tên: %(v)s") % {"v": account["full_name"] or "—"},
        _("  Số điện thoại: %(v)s") % {"v": account["phone"] or "—"},
        _("  Thư điện tử: %(v)s") % {"v": account["email"] or "—"},
        _("  Địa chỉ: %(v)s") % {"v": account["address"] or "—"},
        _("  Số định danh cá nhân: %(v)s") % {"v": account["id_number"] or "—"},
        "",
        _("Hồ sơ thủ tục hành chính: %(n)s") % {"n": len(data["dossiers"])},
    ]
    lines += [f"  - {d['code']}: {d['procedure']} ({d['status_label']})" for d in data["dossiers"]]
    lines += [
        _("Giấy tờ trong kho dữ liệu: %(n)s") % {"n": len(data["stored_documents"])},
        _("Đánh giá mức độ hài lòng: %(n)s") % {"n": len(data["ratings"])},
        _("Phản ánh, kiến nghị: %(n)s") % {"n": len(data["petitions"])},
        _("Lịch hẹn: %(n)s") % {"n": len(data["appointments"])},
        _("Thông báo đã gửi cho bạn: %(n)s") % {"n": len(data["notifications"])},
        "",
        _("Cán bộ đã xem dữ liệu của bạn: %(n)s lượt") % {"n": len(data["personal_data_accesses"])},
    ]
    lines += [
        f"  - {a['at']:%d/%m/%Y %H:%M} {a['unit']}: {a['action_label']}"
        + (f" {a['dossier']}" if a["dossier"] else "")
        for a in data["personal_data_accesses"]
    ]
    lines += [
        "",
        _(
            "Toàn bộ dữ liệu ở dạng máy đọc được nằm trong tệp du-lieu.json; các tệp giấy tờ trong kho dữ liệu nằm "
            "trong thư mục kho-du-lieu/."
        ),
    ]
    return "\n".join(lines) + "\n"


def personal_data_export(*, user) -> bytes:
    """A ZIP: du-lieu.json (machine-readable), tom-tat.txt (to read) and the files of the document store."""
    from motcua.docstore.models import StoredDocument

    data = personal_data_collect(user=user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "du-lieu.json", json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        )
        archive.writestr("tom-tat.txt", _summary(data))
        total = 0
        for document in StoredDocument.objects.filter(owner=user).order_by("id"):
            if total + document.size > EXPORT_FILES_MAX_BYTES:
                continue
            try:
                with document.file.open("rb") as handle:
                    content = handle.read()
            except (FileNotFoundError, OSError):
                continue
            total += len(content)
            name = document.file.name.rsplit("/", 1)[-1]
            archive.writestr(f"kho-du-lieu/{document.pk}-{name}", content)
    return buffer.getvalue()


# --- deletion ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DeletionBlocker:
    kind: str  # "dossier" | "appointment"
    reference: str


def account_deletion_blockers(*, user) -> list[DeletionBlocker]:
    """What must end before the account can go: dossiers still being handled (the centre must be able to reach
    the applicant and hand back the result) and appointments still to come."""
    from motcua.appointments.enums import AppointmentStatus
    from motcua.appointments.models import Appointment
    from motcua.dossiers.enums import Status
    from motcua.dossiers.models import Dossier

    finished = [Status.DRAFT, Status.RETURNED, Status.REFUSED, Status.STOPPED]
    blockers = [
        DeletionBlocker("dossier", d.reference)
        for d in Dossier.objects.filter(owner_id=user.pk).exclude(status__in=finished).order_by("id")
    ]
    blockers += [
        DeletionBlocker("appointment", code)
        for code in Appointment.objects.filter(
            user=user, status=AppointmentStatus.BOOKED, start_at__gte=timezone.now()
        ).values_list("code", flat=True)
    ]
    return blockers


def _file_still_used(name: str) -> bool:
    from motcua.docstore.models import StoredDocument
    from motcua.dossiers.models import DossierDocument, DossierResult
    from motcua.petitions.models import PetitionAttachment

    return (
        DossierDocument.objects.filter(file=name).exists()
        or DossierResult.objects.filter(file=name).exists()
        or PetitionAttachment.objects.filter(file=name).exists()
        or StoredDocument.objects.filter(file=name).exists()
    )


def account_delete(*, user, password: str) -> AccountDeletion:
    """Delete the citizen's account at their request, as far as the law allows.

    Gone: the login (disabled for good), contact and identity data of the account, the document store (files
    nobody else refers to are removed), drafts never submitted, the personal parts of notifications and
    appointments, linked VNeID identities and API tokens. Kept: submitted dossiers with their history, as the
    administrative record that archive law (Law 33/2024/QH15) keeps, ratings and petitions as records of the
    centre's work; their link to the account is cut. Refused while a dossier is being handled or an
    appointment is to come, and for staff accounts (managed by the administrator)."""
    from motcua.accounts.models import ApiToken, ExternalIdentity, VerificationCode
    from motcua.accounts.services import current_password_matches
    from motcua.appointments.models import Appointment
    from motcua.docstore.models import StoredDocument
    from motcua.dossiers.enums import Status
    from motcua.dossiers.models import Applicant, Dossier
    from motcua.notifications.models import Message, MessageStatus
    from motcua.petitions.models import Petition
    from motcua.ratings.models import Rating

    if user_is_staff_member(user) or user.is_staff or user.is_superuser:
        raise NotPermitted(_("Tài khoản cán bộ do quản trị hệ thống quản lý; không tự xóa được tại đây."))
    if not user.has_usable_password():
        raise ValidationFailed(
            _("Tài khoản chưa có mật khẩu: hãy đặt mật khẩu trước, rồi dùng nó để xác nhận xóa tài khoản."),
            details={"password": _("Chưa có mật khẩu.")},
        )
    # Wrong answers share the password change's limit per account: a session left open must not become a way
    # to guess the password (RateLimited, 429).
    if not password or not current_password_matches(user=user, password=password, field="password"):
        raise ValidationFailed(_("Mật khẩu không đúng."), details={"password": _("Mật khẩu không đúng.")})
    blockers = account_deletion_blockers(user=user)
    if blockers:
        raise InvalidTransition(
            _(
                "Chưa xóa được tài khoản: bạn còn %(n)s hồ sơ hoặc lịch hẹn đang giải quyết (%(refs)s). Cơ quan cần "
                "liên hệ với bạn và trả kết quả cho đến khi hồ sơ kết thúc; hãy yêu cầu lại sau khi nhận kết quả, "
                "hoặc hủy lịch hẹn."
            )
            % {"n": len(blockers), "refs": ", ".join(b.reference for b in blockers)},
            details={"blockers": [b.reference for b in blockers]},
        )
    with transaction.atomic():
        locked = get_user_model().objects.select_for_update().get(pk=user.pk)
        documents = list(StoredDocument.objects.filter(owner=locked))
        ids = {d.pk for d in documents}
        candidates = {d.file.name for d in documents if d.file.name}
        StoredDocument.objects.filter(pk__in=ids).delete()
        for draft in Dossier.objects.filter(owner=locked, status=Status.DRAFT).prefetch_related("documents"):
            draft_files = {d.file.name for d in draft.documents.all() if d.file.name}
            try:
                with transaction.atomic():
                    draft.delete()
            except ProtectedError:
                continue  # something already refers to it (a payment): kept like a submitted dossier
            candidates |= draft_files
        # Decided after the rows are gone: a file still named by a dossier, a result, a petition or another
        # person's store stays.
        files_to_remove = sorted(name for name in candidates if not _file_still_used(name))
        dossiers_kept = Dossier.objects.filter(owner=locked).update(owner=None)
        Applicant.objects.filter(user=locked).update(user=None)
        notifications = Message.objects.filter(user=locked)
        notifications.filter(status=MessageStatus.PENDING).update(status=MessageStatus.FAILED)
        notifications_cleared = notifications.update(
            recipient="", subject="", body="", last_error="", user=None
        )
        Appointment.objects.filter(user=locked).update(
            holder_name=_("(đã xóa)"), phone="", email="", address="", note="", user=None
        )
        Rating.objects.filter(rated_by=locked).update(rated_by=None)
        Petition.objects.filter(user=locked).update(user=None)
        ExternalIdentity.objects.filter(user=locked).delete()
        ApiToken.objects.filter(user=locked).delete()
        VerificationCode.objects.filter(user=locked).delete()
        locked.username = f"da-xoa-{locked.pk}"
        for field in ("full_name", "first_name", "last_name", "email", "phone", "address", "id_number"):
            setattr(locked, field, "")
        locked.is_phone_verified = locked.is_email_verified = locked.is_id_number_verified = False
        locked.is_active = False
        locked.registered_by = None
        locked.set_unusable_password()
        locked.save()
        record = AccountDeletion.objects.create(
            user_id_deleted=locked.pk,
            confirmed_by="password",
            dossiers_kept=dossiers_kept,
            stored_documents_removed=len(ids),
            files_removed=len(files_to_remove),
            notifications_cleared=notifications_cleared,
        )

        def remove_files():
            from django.core.files.storage import default_storage

            for name in files_to_remove:
                default_storage.delete(name)

        # Files go only once the rows are gone for good: a rolled-back deletion keeps them.
        transaction.on_commit(remove_files)
    return record
