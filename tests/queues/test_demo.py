"""Demo queue: groups on the demo's counters, a morning of numbers through the real services, idempotent."""

import pytest
import time_machine

from motcua.org.enums import Role, UnitKind
from motcua.org.models import Counter
from motcua.queues.demo import demo_load
from motcua.queues.models import ServiceGroup, Ticket
from tests.factories import StaffRoleFactory, UnitFactory, UserFactory
from tests.queues.helpers import NOW

pytestmark = pytest.mark.django_db


def test_demo_load_is_idempotent_and_leaves_a_live_queue():
    centre = UnitFactory(agency_code="H12.01", kind=UnitKind.PROVINCIAL_CENTRE)
    ward = UnitFactory(agency_code="H12.20.01", kind=UnitKind.COMMUNE_CENTRE)
    for unit, numbers in ((centre, range(1, 7)), (ward, range(1, 4))):
        for number in numbers:
            Counter.objects.create(unit=unit, number=number)
    StaffRoleFactory(user=UserFactory(username="tiepnhan"), unit=centre, role=Role.RECEIVING_OFFICER)
    with time_machine.travel(NOW.replace(hour=10), tick=False):
        assert demo_load() == {"service_groups": 7, "tickets": 9}
        assert demo_load() == {"service_groups": 0, "tickets": 0}
    statuses = sorted(Ticket.objects.values_list("number", "status"))
    assert statuses[:4] == [("A001", "done"), ("A002", "serving"), ("A003", "waiting"), ("A004", "waiting")]
    assert Ticket.objects.get(reference="DEMO-LH-0001").is_priority
    assert list(
        ServiceGroup.objects.get(unit=centre, code="B").counters.values_list("number", flat=True)
    ) == [2, 3]
