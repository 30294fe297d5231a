"""Shared by the electronic-result tests: a dossier with a decision, certificates, small PDFs."""

from datetime import datetime
from io import BytesIO

from motcua.dossiers.enums import Action
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_intake, dossier_transition
from motcua.workcal.calendar import LOCAL_TZ
from tests.factories import intake_data

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL_TZ)


def decided_dossier(w, *, owner=None, deny: bool = False, return_it: bool = False, **overrides) -> Dossier:
    """A dossier taken through the whole process of `dossier_world()` to a decision (and the return)."""
    dossier = dossier_intake(data=intake_data(w, **overrides), actor=w.receiver)
    if owner is not None:
        # The account link is made by online submission, which is not under test here.
        Dossier.objects.filter(pk=dossier.pk).update(owner=owner)
    steps = [
        (Action.TRANSFER, w.receiver, {}),
        (Action.FORWARD, w.head, {"assignee": w.specialist}),
        (Action.FORWARD, w.specialist, {}),
        (Action.FORWARD, w.builder, {}),
    ]
    for action, actor, fields in steps:
        dossier = dossier_transition(dossier=dossier, action=action, actor=actor, **fields)
    if deny:
        dossier = dossier_transition(
            dossier=dossier, action=Action.DENY, actor=w.leader, note="Không đủ điều kiện"
        )
    else:
        dossier = dossier_transition(dossier=dossier, action=Action.APPROVE, actor=w.leader)
    if return_it:
        dossier = dossier_transition(dossier=dossier, action=Action.RETURN_RESULT, actor=w.receiver)
    return Dossier.objects.get(pk=dossier.pk)


def plain_pdf(text: str = "Quyết định") -> bytes:
    """A small unsigned one-page PDF (pypdf, so that no test depends on WeasyPrint's speed)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    stream = DecodedStreamObject()
    stream.set_data(f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode("latin-1", "replace"))
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
