"""A published version's units, fees and steps are read once per process (catalog.content): only drafts can
change. The intake's statements drop by four; a draft is read every time; callers get copies; a version
published later is a new version, read afresh."""

from datetime import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.catalog.content import version_fees, version_steps, version_unit_ids
from motcua.catalog.enums import VersionStatus
from motcua.catalog.models import ProcedureVersion
from motcua.catalog.services import fee_compute, procedure_version_create_draft, procedure_version_publish
from motcua.dossiers.services import dossier_intake
from motcua.workcal.calendar import LOCAL_TZ
from tests.factories import dossier_world, intake_data

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=LOCAL_TZ)
CATALOGUE_READS = (
    'SELECT "catalog_feerule"',
    'SELECT "catalog_processstep"',
    'SELECT "org_unit"."id" AS "id" FROM "org_unit" INNER JOIN "catalog_procedureversion_',
)


@pytest.fixture
def w():
    with time_machine.travel(NOW, tick=False):
        yield dossier_world()


def _catalogue_reads(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith(CATALOGUE_READS)]


def test_the_second_intake_reads_no_unit_fee_or_step_of_a_published_version(w):
    with time_machine.travel(NOW, tick=False):
        with CaptureQueriesContext(connection) as first:
            one = dossier_intake(data=intake_data(w), actor=w.receiver)
        with CaptureQueriesContext(connection) as second:
            two = dossier_intake(data=intake_data(w), actor=w.receiver)
    assert len(_catalogue_reads(first)) == 4, _catalogue_reads(first)
    assert _catalogue_reads(second) == []
    # The same outcome from what was kept: fee, competent unit, first step.
    assert (two.fee_amount, two.competent_unit_id, two.current_step.name) == (
        one.fee_amount,
        one.competent_unit_id,
        "Tiếp nhận hồ sơ",
    )
    assert one.fee_amount == 10000


def test_a_draft_is_read_every_time_and_its_edit_is_seen(w):
    draft = procedure_version_create_draft(version=w.version)
    assert draft.status == VersionStatus.DRAFT
    assert fee_compute(version=draft)[0] == 10000
    draft.fees.update(amount=25000)
    assert fee_compute(version=draft)[0] == 25000
    draft.competent_units.add(w.construction)
    assert w.construction.pk in version_unit_ids(draft)[0]
    # Published, it is a new version: read afresh, and the old one still gives its own content.
    with time_machine.travel(NOW, tick=False):
        published = procedure_version_publish(version=draft)
    assert published.pk != w.version.pk
    assert fee_compute(version=published)[0] == 25000
    replaced = ProcedureVersion.objects.get(pk=w.version.pk)
    assert replaced.status != VersionStatus.DRAFT
    assert fee_compute(version=replaced)[0] == 10000


def test_callers_get_copies_of_what_is_kept(w):
    fee = version_fees(w.version)[0]
    fee.amount = 1  # a caller's change of its own row
    fee.label = "đã sửa"
    again = version_fees(w.version)[0]
    assert (again.amount, again.label) == (10000, "Lệ phí")
    steps = version_steps(w.version.pk, w.justice.pk, version=w.version)
    fixed = next(s for s in steps if s.unit_id)
    assert fixed.unit == w.construction  # loaded on the caller's copy only
    kept = version_steps(w.version.pk, w.justice.pk, version=w.version)
    assert not type(fixed).unit.is_cached(next(s for s in kept if s.unit_id))
