"""Petitions driven through the real services."""

from datetime import datetime

from motcua.petitions.enums import Action, SubjectKind
from motcua.petitions.services import PetitionData, petition_submit, petition_transition
from motcua.workcal.calendar import LOCAL_TZ


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL_TZ)


def petition_data(**overrides) -> PetitionData:
    values = dict(
        subject_kind=SubjectKind.OFFICER_CONDUCT,
        title="Cán bộ quầy 3 hướng dẫn thiếu nhiệt tình",
        description="Sáng 2/3 tôi đến nộp hồ sơ, cán bộ quầy 3 không giải thích rõ giấy tờ cần bổ sung.",
        petitioner_name="Trần Thị Bình",
        petitioner_phone="0912 345 678",
        petitioner_email="binh@example.com",
        officer_name="Cán bộ quầy 3",
    )
    values.update(overrides)
    return PetitionData(**values)


def submitted(w, *, when: datetime, actor=None, **overrides):
    return petition_submit(data=petition_data(**overrides), actor=actor, at=when)


def assigned(w, *, when: datetime, unit=None, **overrides):
    petition = submitted(w, when=when, **overrides)
    return petition_transition(
        petition=petition, action=Action.ASSIGN, actor=w.receiver, unit=unit or w.division, at=when
    )


def answered(w, *, when: datetime, answer_at: datetime, publish: bool = False, **overrides):
    petition = assigned(w, when=when, **overrides)
    payload = {"answer": "Trung tâm đã nhắc nhở cán bộ và xin lỗi bà."}
    if publish:
        payload |= {"publish": True, "public_description": "Phản ánh về thái độ hướng dẫn tại quầy 3."}
    return petition_transition(petition=petition, action=Action.ANSWER, actor=w.head, at=answer_at, **payload)
