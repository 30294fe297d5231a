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
