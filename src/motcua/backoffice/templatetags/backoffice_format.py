"""Presentation helpers of the officer pages: remaining working time in words, status colours."""

from django import template
from django.utils.translation import gettext as _

from motcua.dossiers.enums import Status, Timeliness
from motcua.workcal.calendar import HOURS_PER_DAY

register = template.Library()

_STATUS_CLASS = {
    Status.SUBMITTED: "tag--blue",
    Status.RECEIVED: "tag--blue",
    Status.PROCESSING: "tag--blue",
    Status.AWAITING_SUPPLEMENT: "tag--amber",
    Status.PAUSED: "tag--amber",
    Status.INCOMPLETE: "tag--amber",
    Status.RESULT_READY: "tag--green",
    Status.RETURNED: "tag--grey",
    Status.REFUSED: "tag--red",
    Status.STOPPED: "tag--grey",
}
_TIMELINESS_CLASS = {
    Timeliness.EARLY: "tag--green",
    Timeliness.ON_TIME: "tag--blue",
    Timeliness.LATE: "tag--red",
}


@register.filter
def status_class(status: str) -> str:
    """A colour for the status tag; the tag's text always carries the meaning too."""
    return _STATUS_CLASS.get(status, "tag--grey")


@register.filter
def timeliness_class(value: str) -> str:
    return _TIMELINESS_CLASS.get(value, "tag--grey")


def duration(hours: float) -> str:
    """Working hours as "1 ngày 4 giờ", "3 giờ 20 phút", "45 phút" (1 working day = 8 working hours)."""
    minutes = round(abs(hours) * 60)
    days, minutes = divmod(minutes, HOURS_PER_DAY * 60)
    whole_hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(_("%(n)s ngày") % {"n": days})
    if whole_hours:
        parts.append(_("%(n)s giờ") % {"n": whole_hours})
    if minutes and not days:
        parts.append(_("%(n)s phút") % {"n": minutes})
    return " ".join(parts) or _("0 phút")


@register.filter
def remaining(hours) -> str:
    """ "còn 1 ngày 4 giờ" or "quá 2 giờ"; empty when the clock does not run."""
    if hours is None:
        return ""
    hours = float(hours)
    if hours < 0:
        return _("quá %(time)s") % {"time": duration(hours)}
    return _("còn %(time)s") % {"time": duration(hours)}


@register.filter
def working_hours(value) -> str:
    if value is None or value == "":
        return ""
    return duration(float(value))
