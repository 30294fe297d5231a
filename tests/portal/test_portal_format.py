"""Money, durations and fee rules as the public listing writes them."""

from decimal import Decimal

import pytest
from django.utils import translation

from motcua.catalog.enums import FeeKind, TimeUnit
from motcua.catalog.models import FeeRule
from motcua.portal.templatetags.portal_format import fee_in_words, number, step_budget, time_limit, vnd


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, "0"), (999, "999"), (2000, "2.000"), (200000, "200.000"), (1234567, "1.234.567"), (None, "")],
)
def test_vnd_uses_dots_in_vietnamese(value, expected):
    with translation.override("vi"):
        assert vnd(value) == expected


def test_vnd_uses_commas_in_english():
    with translation.override("en"):
        assert vnd(200000) == "200,000"


def test_number_drops_trailing_zeros_and_uses_decimal_comma():
    with translation.override("vi"):
        assert number(Decimal("3.00")) == "3"
        assert number(Decimal("1.50")) == "1,5"
        assert number(Decimal("100")) == "100"


def test_time_limit():
    with translation.override("vi"):
        assert time_limit(Decimal("3.00"), TimeUnit.WORKING_DAYS) == "3 ngày làm việc"
        assert time_limit(Decimal("4"), TimeUnit.WORKING_HOURS) == "4 giờ làm việc"
        assert time_limit(Decimal("15"), TimeUnit.CALENDAR_DAYS) == "15 ngày"
        assert time_limit(None, TimeUnit.SAME_DAY) == "Trong ngày"
        assert time_limit(None, "") == ""
    with translation.override("en"):
        assert time_limit(Decimal("1"), TimeUnit.WORKING_DAYS) == "1 working day"
        assert time_limit(Decimal("2.5"), TimeUnit.WORKING_DAYS) == "2.5 working days"


def test_step_budget_adds_working_days_from_one_day():
    with translation.override("vi"):
        assert step_budget(Decimal("4")) == "4 giờ làm việc"
        assert step_budget(Decimal("8")) == "8 giờ làm việc (1 ngày làm việc)"
        assert step_budget(Decimal("12")) == "12 giờ làm việc (1,5 ngày làm việc)"


def rule(**kwargs) -> FeeRule:
    return FeeRule(label="Phí", **kwargs)


@pytest.mark.parametrize(
    ("fee", "expected"),
    [
        (rule(amount=None), "Theo Nghị quyết của HĐND tỉnh (chưa cập nhật)"),
        (rule(amount=0), "Không thu"),
        (rule(amount=50000), "50.000 đồng"),
        (rule(amount=8000, unit_label="bản"), "8.000 đồng/bản"),
        (
            rule(kind=FeeKind.PER_PAGE, amount=2000, first_tier_units=2, amount_after=1000, cap=200000),
            "2.000 đồng/trang (trang 1–2), 1.000 đồng/trang từ trang 3, tối đa 200.000 đồng/bản",
        ),
        (
            rule(kind=FeeKind.PER_PAGE, amount=10000, first_tier_units=1, amount_after=5000),
            "10.000 đồng/trang (trang đầu tiên), 5.000 đồng/trang từ trang 2",
        ),
        (rule(kind=FeeKind.PER_PAGE, amount=1000), "1.000 đồng/trang"),
        (
            rule(kind=FeeKind.PER_UNIT, amount=50000, unit_label="thửa", cap=1000000),
            "50.000 đồng/thửa, tối đa 1.000.000 đồng",
        ),
    ],
)
def test_fee_in_words(fee, expected):
    with translation.override("vi"):
        assert fee_in_words(fee) == expected


def test_fee_in_words_in_english():
    fee = rule(kind=FeeKind.PER_PAGE, amount=2000, first_tier_units=2, amount_after=1000, cap=200000)
    with translation.override("en"):
        assert fee_in_words(fee) == (
            "2,000 VND/page (page 1–2), 1,000 VND/page from page 3, at most 200,000 VND per copy"
        )
