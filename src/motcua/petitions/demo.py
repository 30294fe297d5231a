"""Demo data of this app, loaded by `motcua demo` after the dossiers (idempotent: a second run adds nothing)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.org.enums import Role, UnitKind
from motcua.org.models import StaffRole, Unit
from motcua.workcal.selectors import calendar_for_unit

from .enums import Action, Privacy, Satisfaction, SubjectKind
from .models import Petition
from .services import PetitionData, petition_submit, petition_transition

# (subject, title, description, privacy, how far it got, working days ago)
STORIES = [
    (
        SubjectKind.PROCEDURE,
        "Đề nghị bỏ yêu cầu bản sao giấy khai sinh",
        "Khi làm thủ tục, tôi vẫn phải nộp bản sao giấy khai sinh dù dữ liệu đã có trong Cơ sở dữ liệu quốc gia về dân cư.",
        Privacy.PUBLIC,
        "rated",
        14,
    ),
    (
        SubjectKind.OFFICER_CONDUCT,
        "Cán bộ quầy 2 hướng dẫn tận tình",
        "Tôi muốn cảm ơn cán bộ quầy 2 đã hướng dẫn chu đáo.",
        Privacy.PUBLIC,
        "published",
        12,
    ),
    (
        SubjectKind.LOCATION,
        "Thiếu chỗ để xe tại Trung tâm",
        "Buổi sáng bãi xe của Trung tâm luôn đầy, người dân phải để xe ngoài đường.",
        Privacy.PUBLIC,
        "published",
        11,
    ),
    (
        SubjectKind.OTHER,
        "Đề nghị mở thêm giờ làm việc sáng thứ Bảy",
        "Người lao động khó sắp xếp thời gian trong tuần, đề nghị tiếp nhận hồ sơ sáng thứ Bảy.",
        Privacy.PUBLIC,
        "rated_unhappy",
        13,
    ),
    (
        SubjectKind.PROCEDURE,
        "Biểu mẫu tờ khai khó hiểu",
        "Mục 5 của tờ khai không rõ phải ghi gì.",
        Privacy.PRIVATE,
        "answered",
        9,
    ),
    (
        SubjectKind.OFFICER_CONDUCT,
        "Cán bộ trả lời điện thoại chậm",
        "Tôi gọi đường dây nóng nhiều lần không ai nghe máy.",
        Privacy.PRIVATE,
        "extended",
        9,
    ),
    (
        SubjectKind.LOCATION,
        "Màn hình gọi số bị hỏng",
        "Màn hình gọi số ở khu B không hiển thị.",
        Privacy.PUBLIC,
        "in_progress",
        4,
    ),
    (
        SubjectKind.PROCEDURE,
        "Thời hạn giải quyết ghi trên cổng khác thực tế",
        "Trang thủ tục ghi 3 ngày nhưng giấy hẹn ghi 5 ngày.",
        Privacy.PUBLIC,
        "overdue",
        15,
    ),
    (
        SubjectKind.OTHER,
        "Tranh chấp đất đai với hàng xóm",
        "Đề nghị giải quyết tranh chấp ranh giới đất.",
        Privacy.PRIVATE,
        "rejected",
        6,
    ),
    (
        SubjectKind.OTHER,
        "Đề nghị có wifi miễn phí tại khu chờ",
        "Khu chờ không có wifi, người dân khó tra cứu.",
        Privacy.PUBLIC,
        "assigned",
        2,
    ),
    (
        SubjectKind.OFFICER_CONDUCT,
        "Bảo vệ nhắc nhở thiếu lịch sự",
        "Bảo vệ cổng nói to với người cao tuổi.",
        Privacy.PUBLIC,
        "received",
        1,
    ),
    (
        SubjectKind.OTHER,
        "Đề nghị in giấy hẹn khổ lớn hơn",
        "Chữ trên giấy hẹn quá nhỏ với người lớn tuổi.",
        Privacy.PUBLIC,
        "received",
        0,
    ),
]


def _first(unit: Unit, roles) -> object | None:
    row = StaffRole.objects.filter(unit=unit, role__in=roles).select_related("user").order_by("id").first()
    return row.user if row else None


def demo_load() -> dict[str, int]:
    if Petition.objects.filter(channel="portal", title=STORIES[0][1]).exists():
        return {"petitions": 0}
    centre = (
        Unit.objects.filter(kind=UnitKind.PROVINCIAL_CENTRE, is_active=True).order_by("agency_code").first()
    )
    receiver = centre and _first(centre, [Role.RECEIVING_OFFICER])
    if receiver is None:
        return {"petitions": 0}
    procedure = Procedure.objects.order_by("national_code").first()
    calendar = calendar_for_unit(centre)
    now = timezone.now()
    created = 0
    for index, (kind, title, description, privacy, stage, days_ago) in enumerate(STORIES):
        day, counted = now.date(), 0
        while counted < days_ago or not calendar.is_working_day(day):
            day -= timedelta(days=1)
            counted += calendar.is_working_day(day)
        received = min(
            now - timedelta(minutes=30), calendar.opening(day) + timedelta(hours=1, minutes=index * 7)
        )
        data = PetitionData(
            subject_kind=kind,
            title=title,
            description=description,
            petitioner_name=["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"][index % 4],
            petitioner_phone=f"09120000{index:02d}",
            petitioner_email=f"nguoidan{index}@example.com",
            privacy=privacy,
            procedure_code=procedure.national_code if kind == SubjectKind.PROCEDURE and procedure else "",
            officer_name="Cán bộ quầy 2" if kind == SubjectKind.OFFICER_CONDUCT else "",
            location_address="Trung tâm Phục vụ hành chính công tỉnh" if kind == SubjectKind.LOCATION else "",
        )
        if kind == SubjectKind.PROCEDURE and procedure is None:
            data.subject_kind = SubjectKind.OTHER
        petition = petition_submit(data=data, at=received)
        created += 1
        if stage == "received":
            continue
        step = min(now - timedelta(minutes=20), received + timedelta(hours=2))
        if stage == "rejected":
            petition_transition(
                petition=petition,
                action=Action.REJECT,
                actor=receiver,
                at=step,
                reason="Nội dung là tranh chấp đất đai, đề nghị gửi UBND cấp xã để hòa giải.",
            )
            continue
        petition = petition_transition(
            petition=petition, action=Action.ASSIGN, actor=receiver, unit=centre, at=step
        )
        if stage in ("assigned", "overdue"):
            continue
        later = min(now - timedelta(minutes=10), received + timedelta(days=3))
        if stage == "in_progress":
            petition_transition(petition=petition, action=Action.START, actor=receiver, at=later)
            continue
        if stage == "extended":
            petition_transition(
                petition=petition,
                action=Action.EXTEND,
                actor=receiver,
                at=later,
                reason="Cần làm việc với đơn vị cung cấp tổng đài.",
                new_due=calendar.closing(calendar.next_working_day(petition.due_at.date())),
            )
            continue
        published = privacy == Privacy.PUBLIC
        petition = petition_transition(
            petition=petition,
            action=Action.ANSWER,
            actor=receiver,
            at=later,
            answer="Trung tâm ghi nhận và đã chỉ đạo bộ phận liên quan khắc phục; cảm ơn Ông/Bà đã góp ý.",
            publish=published,
            public_description=description if published else "",
        )
        if stage in ("rated", "rated_unhappy"):
            rating = Satisfaction.SATISFIED if stage == "rated" else Satisfaction.NOT_SATISFIED
            petition_transition(
                petition=petition,
                action=Action.RATE,
                as_petitioner=True,
                rating=rating,
                at=min(now - timedelta(minutes=5), later + timedelta(days=1)),
            )
    return {"petitions": created}
