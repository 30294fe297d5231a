from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    SUBMITTED = "submitted", _("Đã nộp, chờ tiếp nhận")
    INCOMPLETE = "incomplete", _("Yêu cầu bổ sung, hoàn thiện")
    RECEIVED = "received", _("Đã tiếp nhận")
    PROCESSING = "processing", _("Đang xử lý")
    AWAITING_SUPPLEMENT = "awaiting_supplement", _("Chờ bổ sung")
    PAUSED = "paused", _("Tạm dừng")
    RESULT_READY = "result_ready", _("Có kết quả, chờ trả")
    RETURNED = "returned", _("Đã trả kết quả")
    REFUSED = "refused", _("Từ chối tiếp nhận")
    STOPPED = "stopped", _("Dừng giải quyết")


OPEN_STATUSES = frozenset(
    {
        Status.RECEIVED,
        Status.PROCESSING,
        Status.AWAITING_SUPPLEMENT,
        Status.PAUSED,
    }
)
# States whose clock runs against the due date.
CLOCK_RUNNING_STATUSES = frozenset({Status.RECEIVED, Status.PROCESSING})


class Channel(models.TextChoices):
    COUNTER = "counter", _("Trực tiếp")
    POSTAL = "postal", _("Bưu chính công ích")
    ONLINE = "online", _("Trực tuyến")
    ASSISTED_ONLINE = "assisted_online", _("Trực tuyến có hỗ trợ")


class ReturnMode(models.TextChoices):
    COUNTER = "counter", _("Tại Bộ phận Một cửa")
    POSTAL = "postal", _("Qua bưu chính công ích")
    ONLINE = "online", _("Trực tuyến")


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Cá nhân")
    ORGANISATION = "organisation", _("Tổ chức")


class Timeliness(models.TextChoices):
    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")


class Outcome(models.TextChoices):
    APPROVED = "approved", _("Giải quyết")
    DENIED = "denied", _("Không giải quyết (có văn bản trả lời)")


class PauseKind(models.TextChoices):
    SUPPLEMENT = "supplement", _("Chờ bổ sung hồ sơ")
    PAUSE = "pause", _("Tạm dừng")


class Action(models.TextChoices):
    SUBMIT = "submit", _("Nộp hồ sơ")
    RECEIVE = "receive", _("Tiếp nhận")
    RETURN_FOR_COMPLETION = "return_for_completion", _("Hướng dẫn bổ sung, hoàn thiện")
    REFUSE = "refuse", _("Từ chối tiếp nhận")
    TRANSFER = "transfer", _("Chuyển xử lý")
    ASSIGN = "assign", _("Phân công")
    CLAIM = "claim", _("Nhận xử lý")
    FORWARD = "forward", _("Chuyển bước tiếp theo")
    SEND_BACK = "send_back", _("Trả lại bước trước")
    REQUEST_SUPPLEMENT = "request_supplement", _("Yêu cầu bổ sung")
    SUPPLEMENT = "supplement", _("Nhận hồ sơ bổ sung")
    PAUSE = "pause", _("Tạm dừng")
    RESUME = "resume", _("Tiếp tục xử lý")
    EXTEND = "extend", _("Xin lỗi, gia hạn")
    APPROVE = "approve", _("Phê duyệt")
    DENY = "deny", _("Không phê duyệt")
    RETURN_RESULT = "return_result", _("Trả kết quả")
    STOP = "stop", _("Dừng giải quyết")
    EXPLAIN = "explain", _("Giải trình trễ hạn")
    # Records that change no status: kept in the history so the timeline and the audit show them.
    RESULT_ATTACH = "result_attach", _("Ký số, đính kèm kết quả điện tử")
    POSTAL_PICKUP = "postal_pickup", _("Yêu cầu bưu điện thu gom hồ sơ")
