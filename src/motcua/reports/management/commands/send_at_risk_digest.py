"""The daily at-risk digest: each supervisor with an e-mail address receives the open dossiers of their
scope that will not make their appointment at the usual pace. Codes and steps only: no applicant data.
Scheduling: docs/bottlenecks.md (cron `0 7 * * 1-5`)."""

import logging

from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.utils import timezone

from motcua.accounts.models import User
from motcua.org.enums import Role
from motcua.reports.bottlenecks import AtRiskRow, at_risk_dossiers

logger = logging.getLogger(__name__)


def _hours(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _line(index: int, row: AtRiskRow) -> str:
    if row.remaining_hours < 0:
        left = f"đã quá hạn {_hours(-row.remaining_hours)} giờ làm việc"
    else:
        left = f"còn {_hours(row.remaining_hours)} giờ làm việc"
    who = row.step_assignee.username if row.step_assignee else "chưa phân công"
    kind = "bước hiện tại" if row.step_is_current else "bước tiếp theo"
    return (
        f"{index}. {row.dossier.code} – {left}, thường cần {_hours(row.expected_hours)} giờ\n"
        f"   Cần đôn đốc ({kind}): {row.step_name} – {row.step_unit.name} – người xử lý: {who}"
    )


def digest_text(rows: list[AtRiskRow], *, today) -> tuple[str, str]:
    subject = f"[Một cửa] {len(rows)} hồ sơ có nguy cơ trễ hạn – {today:%d/%m/%Y}"
    lines = [
        "Kính gửi đồng chí,",
        "",
        f"Ngày {today:%d/%m/%Y}, các hồ sơ sau đang giải quyết nhưng thời gian làm việc còn lại ít hơn "
        "thời gian các bước còn lại thường cần (theo số liệu đã xử lý):",
        "",
        *(_line(i, row) for i, row in enumerate(rows, start=1)),
        "",
        "Xem chi tiết tại mục Báo cáo › Điểm nghẽn của Hệ thống một cửa điện tử.",
        "Thư gửi tự động, vui lòng không trả lời.",
    ]
    return subject, "\n".join(lines)


class Command(BaseCommand):
    help = "Gửi thư điện tử hằng ngày cho cán bộ giám sát: danh sách hồ sơ có nguy cơ trễ hạn."

    def handle(self, *args, **options):
        now = timezone.now()
        today = timezone.localdate(now)
        supervisors = (
            User.objects.filter(staff_roles__role=Role.SUPERVISOR, is_active=True)
            .exclude(email="")
            .distinct()
            .order_by("username")
        )
        sent = 0
        for user in supervisors:
            rows = at_risk_dossiers(user=user, now=now)
            if not rows:
                continue
            subject, body = digest_text(rows, today=today)
            send_mail(subject, body, None, [user.email])
            sent += 1
            logger.info("at-risk digest sent", extra={"user_id": user.pk, "dossiers": len(rows)})
        self.stdout.write(f"Đã gửi {sent} thư.")
