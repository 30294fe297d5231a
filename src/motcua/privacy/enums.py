from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessKind(models.TextChoices):
    VIEW = "view", _("Xem hồ sơ")
    HISTORY = "history", _("Xem lịch sử xử lý")
    PRINT = "print", _("In biểu mẫu")
    DOWNLOAD = "download", _("Tải tệp giấy tờ")
    EXPORT = "export", _("Xuất danh sách")
    SEARCH = "search", _("Tra cứu theo thông tin cá nhân")
    CITIZEN = "citizen", _("Xem tài khoản công dân")
    PETITION = "petition", _("Xem phản ánh, kiến nghị")


class AccessChannel(models.TextChoices):
    WEB = "web", _("Trang cán bộ")
    API = "api", _("API")


class SearchTermKind(models.TextChoices):
    """What kind of term an officer searched with: the term itself is never kept."""

    NAME = "name", _("họ tên")
    NUMBER = "number", _("số điện thoại hoặc số định danh")
