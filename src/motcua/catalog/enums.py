from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcedureLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    COMMUNE = "commune", _("Cấp xã")
    OTHER = "other", _("Cơ quan khác")


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("ngày làm việc")
    WORKING_HOURS = "working_hours", _("giờ làm việc")
    CALENDAR_DAYS = "calendar_days", _("ngày")
    SAME_DAY = "same_day", _("trong ngày")


class OnlineLevel(models.TextChoices):
    END_TO_END = "end_to_end", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")
    NONE = "none", _("Không")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    IN_FORCE = "in_force", _("Đang hiệu lực")
    REPLACED = "replaced", _("Đã được thay thế")
    ABOLISHED = "abolished", _("Đã bãi bỏ")


class PaperKind(models.TextChoices):
    ORIGINAL = "original", _("Bản chính")
    CERTIFIED_COPY = "certified_copy", _("Bản sao có chứng thực")
    COPY = "copy", _("Bản sao")


class FeeKind(models.TextChoices):
    FIXED = "fixed", _("Cố định")
    PER_PAGE = "per_page", _("Theo trang")
    PER_UNIT = "per_unit", _("Theo đơn vị tính")


class StepUnitMode(models.TextChoices):
    RECEIVING = "receiving", _("Đơn vị tiếp nhận hồ sơ")
    COMPETENT = "competent", _("Cơ quan có thẩm quyền giải quyết")
    FIXED = "fixed", _("Đơn vị cụ thể")
