"""Demo data of this app, loaded by `motcua demo` after the dossiers (idempotent: a second run adds nothing).

Service groups for the provincial centre (H12.01) and the An Xuyên ward centre (H12.20.01), mapped onto the
counters the demo loader creates, and — on a working day — a morning of numbers at the provincial centre: some
served, one at a counter, some waiting, one booked appointment checked in."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from motcua.accounts.models import User
from motcua.org.models import Counter, Unit
from motcua.workcal.selectors import calendar_for_unit

from .models import ServiceGroup, Ticket

GROUPS = {
    "H12.01": [
        (
            "A",
            "Tư pháp – Hộ tịch",
            "Lý lịch tư pháp, quốc tịch, công chứng, hộ tịch có yếu tố nước ngoài",
            [1],
        ),
        (
            "B",
            "Xây dựng – Đất đai – Môi trường",
            "Giấy phép xây dựng, đất đai, tài nguyên và môi trường",
            [2, 3],
        ),
        ("C", "Đăng ký kinh doanh – Tài chính", "Thành lập, thay đổi doanh nghiệp; thuế, phí", [4]),
        (
            "D",
            "Văn hóa – Lao động – Nội vụ",
            "Du lịch, thể thao, lao động, việc làm, thi đua khen thưởng",
            [5, 6],
        ),
    ],
    "H12.20.01": [
        (
            "A",
            "Hộ tịch – Chứng thực",
            "Khai sinh, kết hôn, xác nhận tình trạng hôn nhân, chứng thực bản sao",
            [1],
        ),
        ("B", "Đất đai – Xây dựng – Hộ kinh doanh", "", [2]),
        ("C", "Bảo trợ xã hội – Văn hóa – Cư trú", "", [3]),
    ],
}


def _load_groups(counts: dict[str, int]) -> None:
    for code, groups in GROUPS.items():
        unit = Unit.objects.filter(agency_code=code).first()
        if unit is None:
            continue
        for order, (letter, name, description, counter_numbers) in enumerate(groups, start=1):
            group, created = ServiceGroup.objects.get_or_create(
                unit=unit, code=letter, defaults={"name": name, "description": description, "order": order}
            )
            counts["service_groups"] += created
            if created:
                group.counters.set(Counter.objects.filter(unit=unit, number__in=counter_numbers))


def _load_morning(counts: dict[str, int]) -> None:
    from . import services

    unit = Unit.objects.filter(agency_code="H12.01").first()
    officer = User.objects.filter(username="tiepnhan").first()
    now = timezone.localtime()
    if unit is None or officer is None or not calendar_for_unit(unit).is_working_day(now.date()):
        return
    if now.time() < time(8, 0) or Ticket.objects.filter(unit=unit, day=now.date()).exists():
        return
    start = datetime.combine(now.date(), time(7, 5), tzinfo=now.tzinfo)
    groups = {g.code: g for g in ServiceGroup.objects.filter(unit=unit)}
    counters = {c.number: c for c in Counter.objects.filter(unit=unit)}
    plan = ["A", "B", "A", "C", "B", "A", "D", "A"]
    tickets = [
        services.ticket_issue(unit=unit, group=groups[letter], at=start + timedelta(minutes=4 * i))
        for i, letter in enumerate(plan)
    ]
    counts["tickets"] += len(tickets)
    # The first three served at counters 1, 2 and 4; A003 is at counter 1 now; the rest wait.
    for minute, counter_number in ((10, 1), (14, 2), (22, 4)):
        at = start + timedelta(minutes=minute)
        counter = counters[counter_number]
        services.ticket_call_next(counter=counter, officer=officer, at=at)
        services.ticket_serve(counter=counter, officer=officer, at=at + timedelta(minutes=1))
        services.ticket_finish(counter=counter, officer=officer, at=at + timedelta(minutes=9))
    services.ticket_call_next(counter=counters[1], officer=officer, at=start + timedelta(minutes=35))
    services.ticket_serve(counter=counters[1], officer=officer, at=start + timedelta(minutes=36))
    services.ticket_issue_for_checkin(unit=unit, holder_name="Phạm Văn Long", reference="DEMO-LH-0001")
    counts["tickets"] += 1


def demo_load() -> dict[str, int]:
    counts = {"service_groups": 0, "tickets": 0}
    _load_groups(counts)
    _load_morning(counts)
    return counts
