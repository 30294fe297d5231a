"""Report requests checked before any figure is computed, on an empty database (the figures of the March
scenario are in test_summary.py, which shares one scenario between its tests)."""

from datetime import UTC, date, datetime

import pytest

from motcua.core.exceptions import ValidationFailed
from motcua.reports.selectors import period_bounds, summary

MARCH = {"date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)}


def test_period_is_local_days_inclusive():
    assert period_bounds(date(2026, 3, 1), date(2026, 3, 31)) == (
        datetime(2026, 2, 28, 17, 0, tzinfo=UTC),
        datetime(2026, 3, 31, 17, 0, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"date_from": date(2026, 3, 31), "date_to": date(2026, 3, 1)}, "from"),
        ({"date_from": date(2026, 1, 1), "date_to": date(2027, 1, 2)}, "to"),
        ({**MARCH, "group_by": "province"}, "group_by"),
    ],
)
def test_invalid_requests(db, kwargs, field):
    with pytest.raises(ValidationFailed) as error:
        summary(**kwargs)
    assert field in error.value.details


def test_a_year_of_366_days_is_allowed(db):
    assert summary(date_from=date(2026, 1, 1), date_to=date(2027, 1, 1)).rows == []
