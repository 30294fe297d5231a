"""Masks personal data in every log record: a message that mentions a phone number, an ID number or an e-mail
address is logged with the value hidden. A safety net, not a licence: code still must not log personal data.

Installed on every handler in settings.LOGGING, so records of every logger (Django's, the libraries', ours)
pass through it, whatever the formatter (plain text or JSON)."""

from __future__ import annotations

import logging
import re

_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
# Vietnamese phones: 0 or +84/84 then nine digits, optionally grouped by spaces, dots or dashes.
_PHONE = re.compile(r"(?<![\w.])(?:\+84|84|0)(?:[ .-]?\d){8}[ .-]?(\d)(?!\d)")
# Citizen ID (căn cước, 12 digits) and the old identity card (CMND, 9 digits).
_ID_NUMBER = re.compile(r"(?<!\d)(?:\d{12}|\d{9})(?!\d)")
# Attributes every LogRecord has; anything else came in through `extra=` and is masked too.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def _keep_tail(match: re.Match, keep: int = 3) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return "*" * (len(digits) - keep) + digits[-keep:]


def mask_personal_data(text: str) -> str:
    """'0912345678' → '*******678', '096123456789' → '*********789', 'an@x.vn' → 'a***@x.vn'."""
    if not text:
        return text
    text = _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)
    text = _PHONE.sub(_keep_tail, text)
    return _ID_NUMBER.sub(_keep_tail, text)


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is logged as it is, not dropped
            return True
        masked = mask_personal_data(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        for name, value in list(vars(record).items()):
            if name not in _STANDARD and isinstance(value, str):
                setattr(record, name, mask_personal_data(value))
        if record.exc_info and not record.exc_text:
            # Exception messages carry what the failing code held (a phone in an IntegrityError, say).
            record.exc_text = mask_personal_data(logging.Formatter().formatException(record.exc_info))
        return True
