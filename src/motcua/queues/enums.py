from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Đang chờ")
    CALLED = "called", _("Đã gọi")
    SERVING = "serving", _("Đang phục vụ")
    DONE = "done", _("Đã phục vụ xong")
    NO_SHOW = "no_show", _("Vắng mặt")


# A counter holds at most one ticket in these states: the one on its display.
OPEN_AT_COUNTER = (TicketStatus.CALLED, TicketStatus.SERVING)


class TicketSource(models.TextChoices):
    KIOSK = "kiosk", _("Máy lấy số")
    APPOINTMENT = "appointment", _("Lịch hẹn trực tuyến")
    COUNTER = "counter", _("Tại quầy")
    API = "api", _("Ứng dụng kết nối")


class PriorityReason(models.TextChoices):
    """Who is served before walk-ins: booked appointments, and the groups of Decree 107/2021 Art. 14
    (people with disabilities, the elderly, pregnant women, people with meritorious services …)."""

    NONE = "", _("Không ưu tiên")
    APPOINTMENT = "appointment", _("Có lịch hẹn")
    ELDERLY = "elderly", _("Người cao tuổi")
    PREGNANT = "pregnant", _("Phụ nữ có thai")
    DISABLED = "disabled", _("Người khuyết tật")
    MERITORIOUS = "meritorious", _("Người có công với cách mạng")
    OTHER = "other", _("Đối tượng ưu tiên khác")


class TicketAction(models.TextChoices):
    ISSUE = "issue", _("Cấp số")
    CALL = "call", _("Gọi số")
    RECALL = "recall", _("Gọi lại")
    SERVE = "serve", _("Bắt đầu phục vụ")
    FINISH = "finish", _("Kết thúc")
    NO_SHOW = "no_show", _("Báo vắng")
    TRANSFER = "transfer", _("Chuyển quầy/nhóm")
    LINK_DOSSIER = "link_dossier", _("Gắn hồ sơ")
