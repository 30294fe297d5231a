"""Demo data of this app, loaded by `motcua demo` after the dossiers (idempotent: a second run adds nothing).

A guidance service and a postal pick-up service at the provincial centre, a guidance service at the first
commune/ward centre, and a few bookings on the next working days (illustrative names and numbers)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.org.enums import UnitKind
from motcua.org.models import Unit
from motcua.workcal.calendar import LOCAL_TZ

from .enums import ServiceKind
from .models import Appointment, AppointmentService
from .selectors import slot_list
from .services import _code

SERVICES = [
    # (unit kind, kind, name, description, slot minutes, capacity)
    (
        UnitKind.PROVINCIAL_CENTRE,
        ServiceKind.GUIDANCE,
        "Hẹn giờ hướng dẫn kê khai hồ sơ",
        "Cán bộ hướng dẫn điền tờ khai, chuẩn bị giấy tờ và nộp trực tuyến tại khu vực hỗ trợ.",
        30,
        3,
    ),
    (
        UnitKind.PROVINCIAL_CENTRE,
        ServiceKind.POSTAL_PICKUP,
        "Hẹn bưu điện đến nhận hồ sơ tại nhà",
        "Nhân viên bưu điện đến địa chỉ của bạn nhận hồ sơ và chuyển đến Trung tâm (dịch vụ bưu chính công ích).",
        60,
        4,
    ),
    (
        UnitKind.COMMUNE_CENTRE,
        ServiceKind.GUIDANCE,
        "Hẹn giờ hướng dẫn kê khai hộ tịch, chứng thực",
        "Hướng dẫn khai sinh, kết hôn, chứng thực tại Trung tâm phục vụ hành chính công phường.",
        30,
        2,
    ),
]
HOLDERS = [
    ("Nguyễn Văn An", "0912000101", ""),
    ("Trần Thị Bích", "0912000102", "bich.tran@example.vn"),
    ("Lê Minh Châu", "0912000103", ""),
    ("Phạm Thu Dung", "0912000104", "thudung@example.vn"),
]


@transaction.atomic
def demo_load() -> dict[str, int]:
    created_services = 0
    for unit_kind, kind, name, description, minutes, capacity in SERVICES:
        unit = Unit.objects.filter(kind=unit_kind, is_active=True).order_by("agency_code").first()
        if unit is None:
            continue
        service, created = AppointmentService.objects.get_or_create(
            unit=unit,
            kind=kind,
            name=name,
            defaults={"description": description, "slot_minutes": minutes, "capacity": capacity},
        )
        created_services += created
        if created and kind == ServiceKind.GUIDANCE:
            service.procedures.set(Procedure.objects.order_by("national_code")[:6])
    bookings = 0
    if not Appointment.objects.exists():
        bookings = _bookings()
    return {"appointment_services": created_services, "appointments": bookings}


def _bookings() -> int:
    # Written directly (no outbox messages, no post office request): demo holders must not be texted.
    now = timezone.now()
    count = 0
    for service in AppointmentService.objects.filter(kind=ServiceKind.GUIDANCE).select_related("unit"):
        today = timezone.localdate(now, LOCAL_TZ)
        slots = [
            s for s in slot_list(service=service, start=today, end=today + timedelta(days=7)) if s.remaining
        ]
        for index, (name, phone, email) in enumerate(HOLDERS):
            if index * 3 >= len(slots):
                break
            slot = slots[index * 3]
            Appointment.objects.create(
                service=service,
                unit=service.unit,
                code=_code(),
                start_at=slot.start,
                end_at=slot.end,
                holder_name=name,
                phone=phone,
                email=email,
            )
            count += 1
    return count
