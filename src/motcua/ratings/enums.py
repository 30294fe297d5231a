from django.db import models
from django.utils.translation import gettext_lazy as _


class Overall(models.TextChoices):
    """The three-level overall rating (DESIGN §9; legal-spec §2.6: the scale most local forms use)."""

    VERY_SATISFIED = "very_satisfied", _("Rất hài lòng")
    SATISFIED = "satisfied", _("Hài lòng")
    NOT_SATISFIED = "not_satisfied", _("Không hài lòng")


# Very satisfied and satisfied both count as satisfied in the satisfaction rate.
SATISFIED_VALUES = (Overall.VERY_SATISFIED, Overall.SATISFIED)


class RatingChannel(models.TextChoices):
    ONLINE = "online", _("Trực tuyến (tài khoản công dân)")
    QR = "qr", _("Quét mã QR")
    KIOSK = "kiosk", _("Máy tính bảng tại quầy")


# --- the answers of the Decree 61/2018 Art. 31 criteria ------------------------------------------------------
class TimeVersusLimit(models.TextChoices):
    EARLIER = "earlier", _("Sớm hơn thời hạn")
    ON_TIME = "on_time", _("Đúng thời hạn")
    LATER = "later", _("Trễ hơn thời hạn")


class BodiesContacted(models.TextChoices):
    ONE = "one", _("Chỉ một nơi (Bộ phận Một cửa)")
    TWO = "two", _("2 cơ quan, đơn vị")
    THREE_OR_MORE = "three_or_more", _("Từ 3 cơ quan, đơn vị trở lên")


class ContactsNeeded(models.TextChoices):
    ONCE = "once", _("1 lần")
    TWICE = "twice", _("2 lần")
    THREE_OR_MORE = "three_or_more", _("Từ 3 lần trở lên")


class OneStopHandling(models.TextChoices):
    FULLY = "fully", _("Hoàn toàn tại Bộ phận Một cửa")
    PARTLY = "partly", _("Phải đến thêm nơi khác")


class Publication(models.TextChoices):
    FULL = "full", _("Đầy đủ, dễ tìm, dễ hiểu")
    PARTIAL = "partial", _("Chưa đầy đủ hoặc khó hiểu")
    NONE = "none", _("Không tìm thấy")


class StaffAttitude(models.TextChoices):
    COURTEOUS = "courteous", _("Lịch sự, tận tình")
    ORDINARY = "ordinary", _("Bình thường")
    POOR = "poor", _("Thiếu lịch sự, gây phiền hà")


class PetitionResponse(models.TextChoices):
    SATISFACTORY = "satisfactory", _("Được tiếp thu, trả lời thỏa đáng")
    UNSATISFACTORY = "unsatisfactory", _("Chưa được trả lời thỏa đáng")
    NOT_APPLICABLE = "not_applicable", _("Không có ý kiến, kiến nghị")


class OnlineService(models.TextChoices):
    GOOD = "good", _("Nhanh, dễ sử dụng")
    FAIR = "fair", _("Tạm được")
    POOR = "poor", _("Chậm, khó sử dụng")
    NOT_USED = "not_used", _("Không sử dụng")
