from datetime import datetime

from motcua.appointments.enums import ServiceKind
from motcua.appointments.models import AppointmentService
from motcua.appointments.services import BookingData
from motcua.workcal.calendar import LOCAL_TZ

# Monday 2 March 2026, 09:00 in Ca Mau: an ordinary working week follows.
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL_TZ)
TUESDAY_0800 = datetime(2026, 3, 3, 8, 0, tzinfo=LOCAL_TZ)


def guidance(w, **kwargs) -> AppointmentService:
    values = dict(
        unit=w.centre,
        kind=ServiceKind.GUIDANCE,
        name="Hướng dẫn kê khai hộ tịch",
        slot_minutes=30,
        capacity=2,
        max_active_per_person=2,
        horizon_days=14,
    )
    values.update(kwargs)
    return AppointmentService.objects.create(**values)


def postal(w, **kwargs) -> AppointmentService:
    return guidance(w, kind=ServiceKind.POSTAL_PICKUP, name="Bưu điện đến nhận hồ sơ tại nhà", **kwargs)


def data(**kwargs) -> BookingData:
    values = dict(holder_name="Trần Thị Mai", phone="0912 345 678", email="mai@example.vn")
    values.update(kwargs)
    return BookingData(**values)


def queue_group(unit):
    from motcua.queues.models import ServiceGroup

    return ServiceGroup.objects.create(unit=unit, code="A", name="Hộ tịch – Chứng thực")
