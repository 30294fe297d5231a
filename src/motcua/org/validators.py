"""Agency identifier (mã định danh điện tử) formats — legal-spec §2.3."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .enums import AgencyCodeFormat

MAX_LENGTH = 35
# Decision 20/2020 Art. 4 as amended by 09/2025: level-1 code MX1X2 (M = A..Y), then dot groups read left
# to right, each of digits and upper-case letters.
_LEFT_TO_RIGHT = re.compile(r"^[A-Y]\d{2}(\.[0-9A-Z]+)*$")
# Circular 10/2016 style, read right to left: numeric groups ending in the level-1 code, e.g. 000.00.15.H12.
_LEGACY = re.compile(r"^(\d{2,3}\.)+[A-Y]\d{2}$")


def agency_code_format(code: str) -> str | None:
    if not code or len(code) > MAX_LENGTH:
        return None
    if _LEFT_TO_RIGHT.match(code):
        return AgencyCodeFormat.LEFT_TO_RIGHT
    if _LEGACY.match(code):
        return AgencyCodeFormat.LEGACY
    return None


def validate_agency_code(code: str) -> None:
    if agency_code_format(code) is None:
        raise ValidationError(
            _(
                "Mã định danh “%(code)s” không hợp lệ: tối đa 35 ký tự gồm chữ in hoa, chữ số và dấu chấm, "
                "bắt đầu bằng mã cấp 1 như H12 (ví dụ H12.04), hoặc mã kiểu cũ như 000.00.15.H12."
            ),
            params={"code": code},
            code="agency_code",
        )
