from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("UBND tỉnh")
    PROVINCIAL_CENTRE = "provincial_centre", _("Trung tâm Phục vụ hành chính công tỉnh")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    DIVISION = "division", _("Phòng chuyên môn")
    COMMUNE = "commune", _("UBND xã, phường")
    COMMUNE_CENTRE = "commune_centre", _("Trung tâm Phục vụ hành chính công xã, phường")
    OTHER = "other", _("Cơ quan khác")


SERVICE_CENTRE_KINDS = {UnitKind.PROVINCIAL_CENTRE, UnitKind.COMMUNE_CENTRE}


class Role(models.TextChoices):
    RECEIVING_OFFICER = "receiving_officer", _("Cán bộ tiếp nhận")
    SPECIALIST = "specialist", _("Chuyên viên xử lý")
    HEAD_OF_DIVISION = "head_of_division", _("Lãnh đạo phòng")
    SIGNING_LEADER = "signing_leader", _("Lãnh đạo cơ quan (ký duyệt)")
    SUPERVISOR = "supervisor", _("Giám sát")
    ADMINISTRATOR = "administrator", _("Quản trị hệ thống")
    VIEWER = "viewer", _("Xem báo cáo")


# Roles whose holders see the whole subtree below their unit, not only the unit itself.
SUBTREE_ROLES = {Role.SUPERVISOR, Role.ADMINISTRATOR, Role.VIEWER}


class AgencyCodeFormat(models.TextChoices):
    LEFT_TO_RIGHT = "ltr", _("Trái sang phải (QĐ 20/2020, sửa đổi bởi QĐ 09/2025)")
    LEGACY = "legacy", _("Phải sang trái (kiểu cũ)")
