"""Phone numbers, ID numbers and e-mail addresses never reach a log line in clear."""

import logging

import pytest
from django.conf import settings

from motcua.privacy.logfilter import PersonalDataFilter, mask_personal_data


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gọi 0912345678 lúc 9h", "gọi *******678 lúc 9h"),
        ("phone=+84912345678", "phone=********678"),
        ("số 0912 345 678", "số *******678"),
        ("cccd 096123456789.", "cccd *********789."),
        ("cmnd 381234567", "cmnd ******567"),
        ("thư an.nguyen@example.vn đến", "thư a***@example.vn đến"),
        # What names nobody stays: dossier codes, dates, short counts, ids.
        ("hồ sơ H12.99-260302-0001 ngày 2026-03-02, 25 bản ghi, id 12345", None),
    ],
)
def test_mask_personal_data(text, expected):
    assert mask_personal_data(text) == (text if expected is None else expected)


def _record(msg, *args, **extra):
    record = logging.LogRecord("motcua.test", logging.INFO, __file__, 1, msg, args, None)
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_the_filter_masks_arguments_extras_and_exceptions():
    record = _record("đăng nhập sai %s", "0912345678", target="an@example.vn")
    assert PersonalDataFilter().filter(record) is True
    assert record.getMessage() == "đăng nhập sai *******678"
    assert record.target == "a***@example.vn"
    try:
        raise ValueError("duplicate key id_number=096123456789")
    except ValueError:
        import sys

        failed = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    PersonalDataFilter().filter(failed)
    assert "096123456789" not in logging.Formatter().format(failed)
    assert "*********789" in logging.Formatter().format(failed)


def test_every_configured_handler_runs_the_filter(caplog):
    assert settings.LOGGING["filters"]["personal_data"]["()"] == "motcua.privacy.logfilter.PersonalDataFilter"
    assert all("personal_data" in handler["filters"] for handler in settings.LOGGING["handlers"].values())
    root = logging.getLogger()
    handlers = [h for h in root.handlers if any(isinstance(f, PersonalDataFilter) for f in h.filters)]
    assert handlers, "the root logger's handlers come from settings.LOGGING"
