import pytest

from motcua.appointments.demo import demo_load
from motcua.appointments.models import Appointment, AppointmentService
from tests.factories import dossier_world

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent():
    dossier_world()
    first = demo_load()
    assert first["appointment_services"] == 3
    assert AppointmentService.objects.count() == 3 and Appointment.objects.count() == first["appointments"]
    assert demo_load() == {"appointment_services": 0, "appointments": 0}
