"""Presentation of catalogue facts in the reader's language: money, durations, fee rules in words."""

import unicodedata
from decimal import Decimal, InvalidOperation

from django import template
from django.core.cache import cache
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from motcua.catalog.enums import FeeKind, OnlineLevel, TimeUnit
from motcua.catalog.services import HOURS_PER_WORKING_DAY
from motcua.org.enums import UnitKind
from motcua.org.models import Unit

register = template.Library()


def _separators() -> tuple[str, str]:
    """(thousands, decimal). Vietnamese writes 200.000 and 1,5; English 200,000 and 1.5."""
    if (get_language() or "vi").startswith("en"):
        return ",", "."
    return ".", ","


def _as_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def nfc(value) -> str:
    """Composed Unicode. Django's own name for Vietnamese ("Tiếng Việt") is decomposed, which some fonts
    draw with misplaced marks and which does not match text typed on a Vietnamese keyboard."""
    return unicodedata.normalize("NFC", str(value))


@register.filter
def vnd(value) -> str:
    """An amount of đồng with thousands separators: 200000 → "200.000" (no currency word)."""
    amount = _as_decimal(value)
    if amount is None:
        return ""
    thousands, _decimal = _separators()
    return f"{int(amount.to_integral_value()):,}".replace(",", thousands)


@register.filter
def number(value) -> str:
    """A quantity without trailing zeros: Decimal("3.00") → "3", Decimal("1.50") → "1,5"."""
    amount = _as_decimal(value)
    if amount is None:
        return ""
    thousands, decimal_mark = _separators()
    text = f"{amount.normalize():,f}"
    integer, _dot, fraction = text.partition(".")
    integer = integer.replace(",", thousands)
    return f"{integer}{decimal_mark}{fraction}" if fraction else integer


def _count_for_plural(amount: Decimal) -> int:
    """English needs "1 working day" but "1.5 working days"; Vietnamese has one form for every number."""
    return 1 if amount == 1 else 2


def _time_text(amount: Decimal, unit: str) -> str:
    n = _count_for_plural(amount)
    templates = {
        TimeUnit.WORKING_DAYS: ngettext("%(amount)s ngày làm việc", "%(amount)s ngày làm việc", n),
        TimeUnit.WORKING_HOURS: ngettext("%(amount)s giờ làm việc", "%(amount)s giờ làm việc", n),
        TimeUnit.CALENDAR_DAYS: ngettext("%(amount)s ngày", "%(amount)s ngày", n),
    }
    return templates[unit] % {"amount": number(amount)}


@register.simple_tag
def time_limit(amount, unit: str) -> str:
    """ "3 ngày làm việc", "4 giờ làm việc", "Trong ngày"; empty when the time is not published."""
    if unit == TimeUnit.SAME_DAY:
        return _("Trong ngày")
    amount = _as_decimal(amount)
    if amount is None or unit not in TimeUnit.values:
        return ""
    return _time_text(amount, unit)


@register.filter
def step_budget(hours) -> str:
    """A step's budget in working hours, with working days alongside once it reaches a day."""
    amount = _as_decimal(hours)
    if amount is None:
        return ""
    text = _time_text(amount, TimeUnit.WORKING_HOURS)
    if amount >= HOURS_PER_WORKING_DAY:
        days = (amount / HOURS_PER_WORKING_DAY).quantize(Decimal("0.01"))
        text += f" ({_time_text(days, TimeUnit.WORKING_DAYS)})"
    return text


def _money(amount: int) -> str:
    return _("%(amount)s đồng") % {"amount": vnd(amount)}


@register.filter
def fee_in_words(rule) -> str:
    """A fee rule as the public listing states it, e.g.
    "2.000 đồng/trang (trang 1–2), 1.000 đồng/trang từ trang 3, tối đa 200.000 đồng/bản"."""
    if rule.amount is None:
        return _("Theo Nghị quyết của HĐND tỉnh (chưa cập nhật)")
    if rule.kind == FeeKind.FIXED:
        if rule.amount == 0:
            return _("Không thu")
        if rule.unit_label:
            return _("%(amount)s đồng/%(unit)s") % {"amount": vnd(rule.amount), "unit": rule.unit_label}
        return _money(rule.amount)

    if rule.kind == FeeKind.PER_PAGE:
        unit = rule.unit_label if rule.unit_label and rule.unit_label != "trang" else _("trang")
    else:
        unit = rule.unit_label or _("đơn vị")
    parts = []
    has_tiers = (
        rule.first_tier_units is not None
        and rule.amount_after is not None
        and rule.amount_after != rule.amount
    )
    if has_tiers:
        first = rule.first_tier_units
        if first == 1:
            tier = _("%(amount)s đồng/%(unit)s (%(unit)s đầu tiên)")
        else:
            tier = _("%(amount)s đồng/%(unit)s (%(unit)s 1–%(last)s)")
        parts.append(tier % {"amount": vnd(rule.amount), "unit": unit, "last": first})
        parts.append(
            _("%(amount)s đồng/%(unit)s từ %(unit)s %(next)s")
            % {"amount": vnd(rule.amount_after), "unit": unit, "next": first + 1}
        )
    else:
        parts.append(_("%(amount)s đồng/%(unit)s") % {"amount": vnd(rule.amount), "unit": unit})
    if rule.cap is not None:
        # The per-page cap is per copy (TT 226/2016/TT-BTC); a per-unit cap is on the whole fee.
        if rule.kind == FeeKind.PER_PAGE:
            parts.append(_("tối đa %(amount)s đồng/bản") % {"amount": vnd(rule.cap)})
        else:
            parts.append(_("tối đa %(amount)s đồng") % {"amount": vnd(rule.cap)})
    return ", ".join(parts)


@register.filter
def postal_summary(version) -> str:
    intake, result = version.is_postal_intake_allowed, version.is_postal_return_allowed
    if intake and result:
        return _("Nộp hồ sơ và nhận kết quả")
    if intake:
        return _("Chỉ nộp hồ sơ")
    if result:
        return _("Chỉ nhận kết quả")
    return _("Không")


@register.filter
def yes_no(value) -> str:
    return _("Có") if value else _("Không")


@register.filter
def online_level_class(value: str) -> str:
    """A CSS modifier so the online level reads as a tag; the text itself carries the meaning."""
    return {OnlineLevel.END_TO_END: "tag--green", OnlineLevel.PARTIAL: "tag--blue"}.get(value, "tag--grey")


@register.simple_tag
def step_unit(step) -> str:
    if step.unit_id:
        return step.unit.name
    return step.get_unit_mode_display()


PROVINCE_CACHE_KEY = "portal:site_province"
PROVINCE_CACHE_SECONDS = 300


@register.simple_tag(takes_context=True)
def site_province(context) -> str:
    """The name of the province this deployment serves: its root unit (DESIGN §1, one province per site)."""
    request = context.get("request")
    cached = getattr(request, "_motcua_province", None) if request is not None else None
    if cached is not None:
        return cached
    # Every page shows it, the status lookup included: read from the shared cache rather than the database
    # at each page (a renamed province shows within PROVINCE_CACHE_SECONDS).
    name = cache.get(PROVINCE_CACHE_KEY)
    if name is None:
        name = (
            Unit.objects.filter(kind=UnitKind.PROVINCE, parent__isnull=True)
            .order_by("id")
            .values_list("name", flat=True)
            .first()
        ) or ""
        cache.set(PROVINCE_CACHE_KEY, name, PROVINCE_CACHE_SECONDS)
    if request is not None:
        request._motcua_province = name
    return name


@register.filter
def total_budget(steps) -> Decimal:
    return sum((step.budget_hours for step in steps), Decimal(0))
