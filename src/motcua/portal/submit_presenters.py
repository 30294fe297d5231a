"""How a dossier reads to the person who submitted it: its status in plain words, what happens next, and the
timeline. Plain Vietnamese for people with little experience of online services; no officer's name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from motcua.dossiers.enums import Action, Outcome, ReturnMode, Status
from motcua.dossiers.models import Dossier


def moment(value) -> str:
    """ "08:00 ngày 05/03/2026", as on the receipt."""
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    local = timezone.localtime(value)
    return _("%(time)s ngày %(date)s") % {
        "time": date_format(local, "H:i"),
        "date": date_format(local, "d/m/Y"),
    }


def status_words(dossier: Dossier) -> str:
    return {
        Status.DRAFT: _("Bản nháp, chưa gửi"),
        Status.SUBMITTED: _("Đã gửi, đang chờ cán bộ kiểm tra"),
        Status.INCOMPLETE: _("Cần sửa, bổ sung và gửi lại"),
        Status.RECEIVED: _("Đã được tiếp nhận"),
        Status.PROCESSING: _("Đang giải quyết"),
        Status.AWAITING_SUPPLEMENT: _("Cần nộp thêm giấy tờ"),
        Status.PAUSED: _("Tạm dừng giải quyết"),
        Status.RESULT_READY: _("Đã có kết quả"),
        Status.RETURNED: _("Đã trả kết quả"),
        Status.REFUSED: _("Không được tiếp nhận"),
        Status.STOPPED: _("Đã dừng giải quyết"),
    }.get(dossier.status, dossier.get_status_display())


def status_tag(dossier: Dossier) -> str:
    """A CSS modifier; the words carry the meaning, the colour only repeats it."""
    if dossier.status in (Status.INCOMPLETE, Status.AWAITING_SUPPLEMENT):
        return "tag--red"
    if dossier.status in (Status.RESULT_READY, Status.RETURNED):
        return "tag--green"
    if dossier.status == Status.DRAFT:
        return "tag--grey"
    return "tag--blue"


def needs_citizen(dossier: Dossier) -> bool:
    return dossier.status in (Status.DRAFT, Status.INCOMPLETE, Status.AWAITING_SUPPLEMENT)


def next_step(dossier: Dossier) -> str:
    """One sentence: what the person should do, or expect, now."""
    status = dossier.status
    centre = dossier.receiving_unit.name
    if status == Status.DRAFT:
        return _("Hoàn thành các bước còn lại rồi gửi hồ sơ. Hồ sơ chưa được gửi đi.")
    if status == Status.SUBMITTED:
        if dossier.reply_due_at:
            return _("%(centre)s sẽ kiểm tra hồ sơ và trả lời bạn chậm nhất lúc %(when)s.") % {
                "centre": centre,
                "when": moment(dossier.reply_due_at),
            }
        return _("%(centre)s sẽ kiểm tra hồ sơ và trả lời bạn.") % {"centre": centre}
    if status == Status.INCOMPLETE:
        return _("Sửa, bổ sung hồ sơ theo hướng dẫn của cán bộ (Mẫu 02) rồi gửi lại.")
    if status == Status.AWAITING_SUPPLEMENT:
        return _(
            "Nộp các giấy tờ được yêu cầu. Thời gian chờ bạn bổ sung không tính vào thời hạn giải quyết."
        )
    if status in (Status.RECEIVED, Status.PROCESSING):
        return _("Hồ sơ đang được giải quyết. Hẹn trả kết quả: %(when)s.") % {"when": moment(dossier.due_at)}
    if status == Status.PAUSED:
        return _("Việc giải quyết tạm dừng; xem lý do trong quá trình xử lý bên dưới.")
    if status == Status.RESULT_READY:
        if dossier.outcome == Outcome.DENIED:
            return _("Hồ sơ không được giải quyết; văn bản trả lời nêu rõ lý do.")
        if dossier.return_mode == ReturnMode.ONLINE:
            return _("Kết quả điện tử sẽ có trên trang này khi được trả.")
        if dossier.return_mode == ReturnMode.POSTAL:
            return _("Kết quả sẽ được gửi qua bưu điện đến địa chỉ bạn đã khai.")
        return _("Mang theo giấy tờ tùy thân đến %(centre)s để nhận kết quả.") % {"centre": centre}
    if status == Status.RETURNED:
        return _("Hồ sơ đã hoàn thành. Bạn có thể đánh giá mức độ hài lòng về việc giải quyết.")
    if status == Status.REFUSED:
        return _("Hồ sơ không được tiếp nhận; lý do ghi trong quá trình xử lý bên dưới.")
    return _("Hồ sơ đã dừng giải quyết theo yêu cầu.")


def due_words(dossier: Dossier) -> str:
    """The date that matters now: the reply to an online submission, then the appointment."""
    if dossier.status == Status.SUBMITTED and dossier.reply_due_at:
        return _("Trả lời trước %(when)s") % {"when": moment(dossier.reply_due_at)}
    if dossier.due_at and dossier.status not in (Status.RETURNED, Status.REFUSED, Status.STOPPED):
        return moment(dossier.due_at)
    return ""


_ACTION_WORDS = {
    Action.SUBMIT: lambda: _("Bạn đã gửi hồ sơ trực tuyến"),
    Action.RECEIVE: lambda: _("Hồ sơ được tiếp nhận"),
    Action.RETURN_FOR_COMPLETION: lambda: _("Hướng dẫn sửa, bổ sung hồ sơ"),
    Action.REFUSE: lambda: _("Từ chối tiếp nhận hồ sơ"),
    Action.TRANSFER: lambda: _("Chuyển đến cơ quan giải quyết"),
    Action.FORWARD: lambda: _("Chuyển bước xử lý"),
    Action.SEND_BACK: lambda: _("Chuyển bước xử lý"),
    Action.REQUEST_SUPPLEMENT: lambda: _("Yêu cầu nộp thêm giấy tờ"),
    Action.SUPPLEMENT: lambda: _("Đã nộp bổ sung giấy tờ"),
    Action.PAUSE: lambda: _("Tạm dừng giải quyết"),
    Action.RESUME: lambda: _("Tiếp tục giải quyết"),
    Action.EXTEND: lambda: _("Xin lỗi và hẹn lại ngày trả kết quả"),
    Action.APPROVE: lambda: _("Có kết quả giải quyết"),
    Action.DENY: lambda: _("Có văn bản trả lời (không giải quyết)"),
    Action.RETURN_RESULT: lambda: _("Đã trả kết quả"),
    Action.STOP: lambda: _("Dừng giải quyết hồ sơ"),
}


@dataclass
class TimelineRow:
    when: str
    what: str
    where: str
    details: list[tuple[str, str]]
    items: list[str]


def timeline_rows(entries) -> list[TimelineRow]:
    rows = []
    for entry in entries:
        words = _ACTION_WORDS.get(entry.action)
        details: list[tuple[str, str]] = []
        data = entry.data
        if data.get("code"):
            details.append((_("Mã hồ sơ"), data["code"]))
        if data.get("due_at"):
            details.append((_("Hẹn trả kết quả"), moment(data["due_at"])))
        if data.get("new_due_at"):
            details.append((_("Hẹn trả mới"), moment(data["new_due_at"])))
        if data.get("reply_due_at"):
            details.append((_("Trả lời trước"), moment(data["reply_due_at"])))
        if entry.note:
            details.append((_("Nội dung"), entry.note))
        rows.append(
            TimelineRow(
                when=moment(entry.at),
                what=words() if words else entry.action,
                where=entry.unit_name,
                details=details,
                items=list(data.get("missing_items") or []),
            )
        )
    return rows
