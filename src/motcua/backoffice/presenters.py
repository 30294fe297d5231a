"""How the control slip's event data reads on the dossier page. `DossierEvent.data` keys are the domain's;
unknown keys are shown as they are so nothing recorded is hidden."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from motcua.dossiers.enums import Outcome, Timeliness
from motcua.dossiers.models import DossierEvent, DossierStep


def moment(value) -> str:
    """ "08:00 ngày 05/03/2026": how appointments are written on Vietnamese receipts."""
    local = timezone.localtime(value)
    return _("%(time)s ngày %(date)s") % {
        "time": date_format(local, "H:i"),
        "date": date_format(local, "d/m/Y"),
    }


def _when(value) -> str:
    try:
        return moment(datetime.fromisoformat(value))
    except (TypeError, ValueError):
        return str(value)


def _hours(value) -> str:
    return _("%(hours)s giờ làm việc") % {"hours": f"{float(value):g}".replace(".", ",")}


def event_facts(
    event: DossierEvent, steps: dict[int, DossierStep], people: dict[str, str] | None = None
) -> list[dict]:
    """{"label", "value"} rows; `list` instead of `value` for a list (the missing items of Form 02)."""
    data = event.data or {}
    pairs: list[tuple[str, str | list[str]]] = []
    for key, value in data.items():
        if key == "code":
            pairs.append((_("Mã hồ sơ"), value))
        elif key == "due_at":
            pairs.append((_("Hẹn trả kết quả"), _when(value)))
        elif key == "missing_items":
            pairs.append((_("Nội dung cần bổ sung"), [str(item) for item in value]))
        elif key == "reason":
            if value != event.note:
                pairs.append((_("Lý do"), value))
        elif key == "assignee":
            pairs.append((_("Người được phân công"), (people or {}).get(value, value)))
        elif key == "to_step":
            pairs.append((_("Trả về bước"), str(value)))
        elif key == "previous_due_at":
            pairs.append((_("Hẹn trả trước đó"), _when(value)))
        elif key == "new_due_at":
            pairs.append((_("Hẹn trả mới"), _when(value)))
        elif key == "outcome":
            pairs.append((_("Kết quả"), str(Outcome(value).label) if value in Outcome.values else value))
        elif key == "timeliness":
            label = str(Timeliness(value).label) if value in Timeliness.values else value
            pairs.append((_("Tiến độ"), label))
        elif key == "paused_working_hours":
            pairs.append((_("Thời gian không tính"), _hours(value)))
        elif key in ("postal_delivery", "postal_pickup") and isinstance(value, dict):
            pairs.append((_("Số hiệu bưu gửi"), str(value.get("tracking_code", ""))))
            pairs.append((_("Địa chỉ"), str(value.get("address", ""))))
        elif key == "reply_due_at":
            pairs.append((_("Hạn phản hồi"), _when(value)))
        elif key in ("late_step", "step"):
            step = steps.get(value)
            label = _("Bước trễ hạn") if key == "late_step" else _("Bước")
            pairs.append((label, f"{step.order}. {step.name}" if step else str(value)))
        else:
            pairs.append((key, str(value)))
    return [
        {"label": label, "list": value} if isinstance(value, list) else {"label": label, "value": value}
        for label, value in pairs
    ]


def event_label(event: DossierEvent) -> str:
    """The control-slip line's title. A postal pick-up request is recorded without a status change and is not
    (yet) one of `Action`'s choices, so it is named here."""
    from motcua.dossiers.postal import PICKUP_ACTION

    if event.action == PICKUP_ACTION:
        return _("Yêu cầu bưu chính thu gom hồ sơ")
    return str(event.get_action_display())


def _answer(field: dict, value) -> str:
    kind = field.get("type", "text")
    if kind == "checkbox":
        return _("Có") if value in (True, "true", "on", "1", 1) else _("Không")
    if kind == "select":
        for choice in field.get("choices") or []:
            # Choices are stored as [value, label] pairs or as plain strings.
            if isinstance(choice, (list, tuple)) and len(choice) == 2 and str(choice[0]) == str(value):
                return str(choice[1])
            if isinstance(choice, dict) and str(choice.get("value")) == str(value):
                return str(choice.get("label", value))
        return str(value)
    if kind == "date" and isinstance(value, str):
        try:
            return date_format(datetime.fromisoformat(value).date(), "d/m/Y")
        except ValueError:
            return value
    return "" if value is None else str(value)


def eform_answers(*, fields: list, form_data: dict) -> list[dict]:
    """The e-form (tờ khai điện tử) as the applicant answered it: {"label", "value"} in the form's own order
    with its labels; answers to fields the current form no longer has are kept under their stored name."""
    form_data = dict(form_data or {})
    rows = []
    for field in fields or []:
        if not isinstance(field, dict) or "name" not in field:
            continue
        name = field["name"]
        if name not in form_data:
            continue
        value = form_data.pop(name)
        if value in (None, ""):
            continue
        rows.append({"label": field.get("label") or name, "value": _answer(field, value)})
    rows.extend(
        {"label": name, "value": str(value)} for name, value in form_data.items() if value not in (None, "")
    )
    return rows
