"""Which internal process a dossier follows: its competent unit's own process, else the version's default — the
choice catalog.services.process_for_unit makes, made by dossiers.selectors.dossier_process_steps in the one
statement that reads the steps (issue #7: every intake and every step forward reads them)."""

from datetime import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.catalog.enums import StepUnitMode
from motcua.catalog.services import process_for_unit
from motcua.core.exceptions import InvalidTransition
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_process_steps
from motcua.dossiers.services import dossier_intake
from motcua.org.enums import Role
from motcua.workcal.calendar import LOCAL_TZ
from tests.factories import ProcessDefinitionFactory, ProcessStepFactory, dossier_world, intake_data

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=LOCAL_TZ)


@pytest.fixture
def w():
    with time_machine.travel(NOW, tick=False):
        w = dossier_world()
    w.version.competent_units.add(w.construction)
    w.own = ProcessDefinitionFactory(
        version=w.version, handling_unit=w.justice, name="Quy trình riêng của Sở"
    )
    return w


def _own_step(w, name="Tiếp nhận (quy trình riêng)"):
    return ProcessStepFactory(
        process=w.own,
        order=1,
        name=name,
        unit_mode=StepUnitMode.RECEIVING,
        role=Role.RECEIVING_OFFICER,
        budget_hours=Decimal(4),
    )


def test_a_unit_with_its_own_process_follows_it_and_another_the_default(w):
    _own_step(w)
    with time_machine.travel(NOW, tick=False):
        own = dossier_intake(data=intake_data(w, competent_unit=w.justice), actor=w.receiver)
        default = dossier_intake(data=intake_data(w, competent_unit=w.construction), actor=w.receiver)
    assert own.current_step.name == "Tiếp nhận (quy trình riêng)"
    assert default.current_step.name == "Tiếp nhận hồ sơ"
    for dossier in (own, default):
        chosen = process_for_unit(version=w.version, unit_id=dossier.competent_unit_id)
        # Read from the database (one statement) when the caller has not loaded the version …
        unloaded = Dossier.objects.get(pk=dossier.pk)
        with CaptureQueriesContext(connection) as queries:
            steps = dossier_process_steps(unloaded)
        assert [s.pk for s in steps] == [s.pk for s in chosen.steps.order_by("order")]
        assert len(queries.captured_queries) == 1
        # … and kept for the published version once the intake read them: no statement.
        with CaptureQueriesContext(connection) as queries:
            kept = dossier_process_steps(dossier)
        assert [s.pk for s in kept] == [s.pk for s in steps] and not queries.captured_queries


def test_an_own_process_without_steps_is_not_replaced_by_the_default(w):
    with time_machine.travel(NOW, tick=False), pytest.raises(InvalidTransition, match="chưa có quy trình"):
        dossier_intake(data=intake_data(w, competent_unit=w.justice), actor=w.receiver)


def test_a_steps_unit_id_is_the_unit_of_the_step_without_reading_it(w):
    # Pages over many dossiers (the at-risk list) take the id; the steps come without their units.
    from motcua.dossiers.selectors import dossier_step_unit, dossier_step_unit_id

    with time_machine.travel(NOW, tick=False):
        dossier = dossier_intake(data=intake_data(w, competent_unit=w.construction), actor=w.receiver)
    steps = dossier_process_steps(dossier)
    assert {s.unit_mode for s in steps} == {
        StepUnitMode.RECEIVING,
        StepUnitMode.COMPETENT,
        StepUnitMode.FIXED,
    }
    with CaptureQueriesContext(connection) as queries:
        ids = [dossier_step_unit_id(dossier, s) for s in steps]
    assert not queries.captured_queries
    assert ids == [dossier_step_unit(dossier, s).pk for s in steps]
