"""What a person types to be found: a Vietnamese mobile number or an e-mail address, in one canonical form."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.crypto import salted_hmac

from motcua.core.exceptions import ValidationFailed

from .enums import IdentifierKind

_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_MOBILE = re.compile(r"^0[35789]\d{8}$")
ID_NUMBER = re.compile(r"^\d{12}$")


@dataclass(frozen=True)
class Identifier:
    kind: IdentifierKind
    value: str

    @property
    def masked(self) -> str:
        """Enough to recognise one's own phone or address on screen, not enough to learn someone else's."""
        if self.kind == IdentifierKind.PHONE:
            return f"{self.value[:3]}{'•' * 4}{self.value[-3:]}"
        local, _sep, domain = self.value.partition("@")
        return f"{local[:1]}{'•' * 3}@{domain}"

    @property
    def digest(self) -> str:
        """A keyed hash that names the identifier in cache keys and logs without showing it."""
        return salted_hmac("motcua.accounts.identifier", self.value, algorithm="sha256").hexdigest()[:32]


def phone_normalize(raw: str) -> str | None:
    """0912345678, 091 234 5678, +84912345678 and 84912345678 are the same mobile number: 0912345678."""
    value = _PHONE_SEPARATORS.sub("", raw or "")
    if value.startswith("+84"):
        value = "0" + value[3:]
    elif value.startswith("84") and len(value) == 11:
        value = "0" + value[2:]
    return value if _MOBILE.match(value) else None


def email_normalize(raw: str) -> str | None:
    value = (raw or "").strip().lower()
    try:
        validate_email(value)
    except ValidationError:
        return None
    return value


def identifier_parse(raw: str, *, field: str = "identifier") -> Identifier:
    """A phone number or an e-mail address, or ValidationFailed with a message naming what to fix."""
    raw = (raw or "").strip()
    if not raw:
        raise ValidationFailed(
            "Nhập số điện thoại di động hoặc địa chỉ thư điện tử.",
            details={field: ["Nhập số điện thoại di động hoặc địa chỉ thư điện tử."]},
        )
    if "@" in raw:
        email = email_normalize(raw)
        if email is None:
            message = "Địa chỉ thư điện tử không đúng định dạng, ví dụ: ten@example.vn."
            raise ValidationFailed(message, details={field: [message]})
        return Identifier(IdentifierKind.EMAIL, email)
    phone = phone_normalize(raw)
    if phone is None:
        message = (
            "Số điện thoại di động gồm 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09, ví dụ: 0912345678."
        )
        raise ValidationFailed(message, details={field: [message]})
    return Identifier(IdentifierKind.PHONE, phone)


def id_number_normalize(raw: str) -> str | None:
    """The 12-digit personal identification number (số định danh cá nhân, on the chip ID card)."""
    value = re.sub(r"\s", "", raw or "")
    return value if ID_NUMBER.match(value) else None
