"""The register checks of bench/concurrent_intake.py and bench/crash_intake.py find what they claim to find:
a clean run passes, and a half-written dossier, a lost acknowledged dossier and a hole in a sequence fail."""

import sys
from pathlib import Path

import pytest

from motcua.dossiers.models import Dossier, DossierDocument, DossierEvent, DossierStep
from motcua.dossiers.services import ApplicantData, DocumentData, dossier_intake
from tests.factories import dossier_world, intake_data

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import harness  # noqa: E402

pytestmark = pytest.mark.django_db
RUN = "t3st"


def _received(w, count: int) -> list:
    acks = []
    for n in range(count):
        payload = harness.intake_payload("x", "y", RUN, 0, n)
        data = intake_data(
            w,
            applicant=ApplicantData(name=payload["applicant"]["name"], phone=payload["applicant"]["phone"]),
            documents=[DocumentData(name=d["name"], paper_kind=d["paper_kind"]) for d in harness.DOCUMENTS],
        )
        dossier = dossier_intake(data=data, actor=w.receiver)
        acks.append(harness.Ack(dossier.code, dossier.applicant_name, w.centre.agency_code))
    return acks


def test_a_clean_run_passes():
    w = dossier_world()
    acks = _received(w, 3)
    result = harness.check_register(acks=acks, run=RUN)
    assert result["violations"] == {"duplicate": [], "gap": [], "missing": [], "incomplete": []}
    assert result["stats"] == {"present": 3, "acknowledged": 3, "present_not_acknowledged": 0, "unit_days": 1}


def test_a_dossier_without_its_documents_or_history_is_half_written():
    w = dossier_world()
    acks = _received(w, 3)
    DossierDocument.objects.filter(dossier__code=acks[0].code).delete()
    DossierEvent.objects.filter(dossier__code=acks[1].code).delete()
    violations = harness.check_register(acks=acks, run=RUN)["violations"]
    assert [v.split(":")[0] for v in violations["incomplete"]] == [acks[0].code, acks[1].code]
    assert "0 documents" in violations["incomplete"][0]
    assert "no receive history row" in violations["incomplete"][1]
    assert violations["gap"] == violations["missing"] == []


def test_a_lost_acknowledged_dossier_is_missing_and_leaves_a_hole():
    w = dossier_world()
    acks = _received(w, 3)
    lost = Dossier.objects.filter(code=acks[1].code)
    DossierEvent.objects.filter(dossier__in=lost).delete()
    lost.update(current_step=None)
    DossierStep.objects.filter(dossier__in=lost).delete()
    lost.delete()
    violations = harness.check_register(acks=acks, run=RUN)["violations"]
    assert violations["missing"] == [acks[1].code]
    assert len(violations["gap"]) == 1
    assert "holes [2]" in violations["gap"][0]


def test_an_acknowledgement_for_another_applicant_is_missing():
    w = dossier_world()
    acks = _received(w, 2)
    acks[0] = harness.Ack(acks[0].code, "Người nộp t3st 000 99999", acks[0].unit)
    assert len(harness.check_register(acks=acks, run=RUN)["violations"]["missing"]) == 1


def test_percentile_is_nearest_rank():
    samples = [float(x) for x in range(1, 101)]
    assert harness.percentile(samples, 50) == 50.0
    assert harness.percentile(samples, 99) == 99.0
    assert harness.percentile([3.0, 1.0], 99) == 3.0
