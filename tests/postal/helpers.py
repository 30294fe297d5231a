"""Dossiers in the states the postal, online-worklist and citizen-API tests start from."""

from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.enums import Action, ReturnMode
from motcua.dossiers.online import online_documents_add, online_draft_create, online_submit
from motcua.dossiers.services import ApplicantData, DocumentData, dossier_intake, dossier_transition
from tests.factories import intake_data

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
HOME = "Số 12 đường Phan Ngọc Hiển, phường An Xuyên, tỉnh Cà Mau"


def png(name: str = "scan.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, "image/png")


def received(w, **overrides):
    return dossier_intake(data=intake_data(w, **overrides), actor=w.receiver)


def result_ready(w, *, return_mode=ReturnMode.POSTAL, return_address=HOME):
    """Received at the provincial centre, handled by the Department of Justice and signed: ready to return."""
    dossier = received(w, return_mode=return_mode, return_address=return_address)
    for actor, action, fields in (
        (w.receiver, Action.TRANSFER, {}),
        (w.head, Action.FORWARD, {"assignee": w.specialist}),
        (w.specialist, Action.FORWARD, {}),
        (w.builder, Action.FORWARD, {}),
        (w.leader, Action.APPROVE, {}),
    ):
        dossier = dossier_transition(dossier=dossier, action=action, actor=actor, **fields)
    return dossier


def online_draft(
    w,
    *,
    citizen=None,
    name="Trần Thị Mai",
    phone="0988111222",
    id_number="096300001111",
    receiving_unit=None,
    form_data=None,
):
    """A complete online draft of `citizen` (w.citizen by default): applicant, scan of the required paper."""
    citizen = citizen or w.citizen
    draft = online_draft_create(
        actor=citizen,
        version=w.version,
        receiving_unit=receiving_unit,
        form_data=form_data,
        applicant=ApplicantData(name=name, phone=phone, id_number=id_number, address=HOME),
    )
    component = w.version.components.get(is_required=True)
    online_documents_add(
        dossier=draft,
        actor=citizen,
        documents=[DocumentData(name=component.name, requirement_id=component.pk, upload=png())],
    )
    return draft


def online_submitted(w, **kwargs):
    draft = online_draft(w, **kwargs)
    return online_submit(dossier=draft, actor=kwargs.get("citizen") or w.citizen)
