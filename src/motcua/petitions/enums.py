from django.db import models
from django.utils.translation import gettext_lazy as _


class SubjectKind(models.TextChoices):
    """What a petition is about; also the Open311 service codes (docs/petitions.md)."""

    PROCEDURE = "procedure", _("Quy định hành chính, thủ tục hành chính")
    DOSSIER = "dossier", _("Việc giải quyết một hồ sơ")
    OFFICER_CONDUCT = "officer_conduct", _("Thái độ, hành vi của cán bộ, công chức")
    LOCATION = "location", _("Sự việc tại một địa điểm")
    OTHER = "other", _("Nội dung khác")


class Privacy(models.TextChoices):
    PUBLIC = "public", _("Cho phép công khai nội dung và câu trả lời (không kèm thông tin cá nhân)")
    PRIVATE = "private", _("Không công khai")


class Status(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận")
    ASSIGNED = "assigned", _("Đã phân loại, chuyển đơn vị xử lý")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    EXTENDED = "extended", _("Đã gia hạn xử lý")
    ANSWERED = "answered", _("Đã trả lời")
    CLOSED = "closed", _("Đã kết thúc")
    REJECTED = "rejected", _("Không thuộc phạm vi xử lý")


OPEN_STATUSES = (Status.RECEIVED, Status.ASSIGNED, Status.IN_PROGRESS, Status.EXTENDED)
DONE_STATUSES = (Status.ANSWERED, Status.CLOSED)


class Action(models.TextChoices):
    SUBMIT = "submit", _("Gửi phản ánh, kiến nghị")
    ASSIGN = "assign", _("Phân loại, chuyển đơn vị xử lý")
    REJECT = "reject", _("Từ chối (không thuộc phạm vi)")
    START = "start", _("Nhận xử lý")
    EXTEND = "extend", _("Gia hạn")
    ANSWER = "answer", _("Trả lời")
    PUBLISH = "publish", _("Công khai câu trả lời")
    RATE = "rate", _("Người gửi đánh giá câu trả lời")
    CLOSE = "close", _("Kết thúc")


class Channel(models.TextChoices):
    PORTAL = "portal", _("Cổng thông tin")
    OPEN311 = "open311", _("Open311")
    API = "api", _("API")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Hài lòng")
    NOT_SATISFIED = "not_satisfied", _("Không hài lòng")
