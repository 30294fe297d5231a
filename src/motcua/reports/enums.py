from django.db import models
from django.utils.translation import gettext_lazy as _


class GroupBy(models.TextChoices):
    """What one row of the report table stands for."""

    UNIT = "unit", _("Cơ quan giải quyết")
    FIELD = "field", _("Lĩnh vực")
    PROCEDURE = "procedure", _("Thủ tục hành chính")
    CHANNEL = "channel", _("Hình thức nộp")
    OFFICER = "officer", _("Cán bộ tiếp nhận")
