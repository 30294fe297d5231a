"""`__in_array`: the rows of `__in`, one array parameter on PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.org.models import Unit
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return UnitFactory.create_batch(6)


def test_in_array_selects_the_rows_of_in(w):
    ids = list(Unit.objects.order_by("pk").values_list("pk", flat=True))
    chosen = ids[::2]
    assert set(Unit.objects.filter(pk__in_array=chosen).values_list("pk", flat=True)) == set(chosen)
    assert Unit.objects.filter(pk__in_array=[]).count() == 0
    assert Unit.objects.exclude(pk__in_array=chosen).count() == len(ids) - len(chosen)
    # Values are prepared as the field prepares them: text digits select the same units.
    assert Unit.objects.filter(pk__in_array=[str(pk) for pk in chosen]).count() == len(chosen)


def test_in_array_is_one_parameter_on_postgresql(w):
    ids = list(Unit.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        list(Unit.objects.filter(pk__in_array=ids))
    sql = queries.captured_queries[-1]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql and " IN (" not in sql
    else:
        assert " IN (" in sql
