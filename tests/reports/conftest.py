"""One province's dossiers around March 2026, driven through the real services with back-dated instants.

Report period: 1–31 March 2026. Every dossier is received at the provincial centre (H12.99) by `tiepnhan`
unless said otherwise; the 3-working-day procedure 1.004873 (Hộ tịch) is handled by Sở Tư pháp (H12.04)
with an opinion from Sở Xây dựng (H12.06) — an inter-agency process.

| name | received | channel | what happens | counts in March as |
|---|---|---|---|---|
| finished_before | 24 Feb 09:00 | counter | result 25 Feb, returned 2 Mar | returned |
| carried | 26 Feb 09:00 | counter | result 2 Mar 10:00 (due 3 Mar 09:00) | carried over, early |
| postal | 2 Mar 08:00 | postal, scanned | result 3 Mar, returned 4 Mar | early, returned, digitised |
| online | 9 Mar 08:00 | online | result 12 Mar 07:30 (due 12 Mar 08:00) | on time |
| assisted | 10 Mar 08:00 | assisted online | result 16 Mar (due 13 Mar) | late |
| extended | 16 Mar 08:00 | counter, scanned | extended to 25 Mar, result 24 Mar | late (original due 19 Mar) |
| stopped | 17 Mar 08:00 | counter | stopped 18 Mar | stopped |
| refused | — | counter | refused at the counter 18 Mar | refused |
| commune | 4 Mar 08:00 at H12.50 | counter | result 6 Mar (tiepnhan_xa) | early |
| same_day | 5 Mar 09:00 | counter | Chứng thực, Phòng HCTP (H12.04.01), result 5 Mar 16:00 | on time |
| supplement | 20 Mar 08:00 | counter | waits for a supplement since 23 Mar (due 25 Mar) | in progress, within time |
| overdue | 23 Mar 08:00 | counter | still processing (due 26 Mar) | in progress, overdue |
| late_april | 31 Mar 10:00 | counter | result 2 Apr | in progress, within time |
| april | 1 Apr 08:00 | counter | — | nothing |
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.test import override_settings
from django.utils import translation

from motcua.catalog.enums import TimeUnit
from motcua.dossiers.enums import Action, Channel
from motcua.dossiers.services import DocumentData, dossier_create, dossier_intake, dossier_transition
from motcua.org.enums import Role
from motcua.workcal.calendar import LOCAL_TZ
from tests.factories import (
    FieldFactory,
    StaffRoleFactory,
    UserFactory,
    World,
    dossier_world,
    intake_data,
    published_procedure,
)
from tests.shared_rows import shared_rows

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
TODAY = datetime(2026, 4, 20, 10, 0, tzinfo=LOCAL_TZ)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL_TZ)


@pytest.fixture
def clock():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


def act(dossier, action, actor, when, **fields):
    return dossier_transition(dossier=dossier, action=action, actor=actor, at=when, **fields)


def scanned():
    return [DocumentData(name="Tờ khai", upload=SimpleUploadedFile("to-khai.png", PNG, "image/png"))]


@dataclass
class Scenario:
    w: object
    dossiers: dict


def build_scenario() -> Scenario:
    w = dossier_world()
    w.chung_thuc = published_procedure(
        national_code="2.000884",
        name="Thủ tục chứng thực chữ ký trong các giấy tờ, văn bản",
        days=0,
        unit_kind=TimeUnit.SAME_DAY,
        field=FieldFactory(code="CHUNGTHUC", name="Chứng thực"),
    )
    w.chung_thuc.competent_units.set([w.division])
    # The head of the division signs the division's own certifications.
    StaffRoleFactory(user=w.head, unit=w.division, role=Role.SIGNING_LEADER)
    w.receiver.full_name = "Trần Thị Tiếp"
    w.receiver.save(update_fields=["full_name"])
    w.commune_receiver.full_name = "Lê Văn Xã"
    w.commune_receiver.save(update_fields=["full_name"])
    d: dict = {}

    def receive(when, *, receiver=None, **overrides):
        data = intake_data(w, **overrides)
        return dossier_intake(data=data, actor=receiver or w.receiver, at=when)

    def receive_online(submitted, when, channel):
        dossier = dossier_create(data=intake_data(w, channel=channel), actor=w.citizen, owner=w.citizen)
        dossier = act(dossier, Action.SUBMIT, w.citizen, submitted)
        return act(dossier, Action.RECEIVE, w.receiver, when)

    def resolve(dossier, when, *, receiver=None):
        """Through every step of the inter-agency process, the signature at `when`."""
        dossier = act(dossier, Action.TRANSFER, receiver or w.receiver, when - timedelta(minutes=40))
        dossier = act(dossier, Action.FORWARD, w.head, when - timedelta(minutes=30))
        dossier = act(dossier, Action.FORWARD, w.specialist, when - timedelta(minutes=20))
        dossier = act(dossier, Action.FORWARD, w.builder, when - timedelta(minutes=10))
        return act(dossier, Action.APPROVE, w.leader, when)

    d["finished_before"] = resolve(receive(at(2026, 2, 24, 9, 0)), at(2026, 2, 25, 9, 0))
    d["finished_before"] = act(d["finished_before"], Action.RETURN_RESULT, w.receiver, at(2026, 3, 2, 8, 30))
    d["carried"] = resolve(receive(at(2026, 2, 26, 9, 0)), at(2026, 3, 2, 10, 0))
    d["postal"] = resolve(
        receive(at(2026, 3, 2, 8, 0), channel=Channel.POSTAL, documents=scanned()), at(2026, 3, 3, 10, 0)
    )
    d["postal"] = act(d["postal"], Action.RETURN_RESULT, w.receiver, at(2026, 3, 4, 9, 0))
    d["online"] = resolve(
        receive_online(at(2026, 3, 8, 20, 0), at(2026, 3, 9, 8, 0), Channel.ONLINE), at(2026, 3, 12, 7, 30)
    )
    d["assisted"] = resolve(
        receive_online(at(2026, 3, 10, 7, 50), at(2026, 3, 10, 8, 0), Channel.ASSISTED_ONLINE),
        at(2026, 3, 16, 9, 0),
    )
    extended = receive(at(2026, 3, 16, 8, 0), documents=scanned())
    extended = act(extended, Action.TRANSFER, w.receiver, at(2026, 3, 16, 9, 0))
    extended = act(
        extended,
        Action.EXTEND,
        w.head,
        at(2026, 3, 17, 9, 0),
        note="Cần xác minh",
        new_due_at=at(2026, 3, 25, 8),
    )
    extended = act(extended, Action.FORWARD, w.head, at(2026, 3, 24, 9, 0))
    extended = act(extended, Action.FORWARD, w.specialist, at(2026, 3, 24, 9, 10))
    extended = act(extended, Action.FORWARD, w.builder, at(2026, 3, 24, 9, 20))
    d["extended"] = act(extended, Action.APPROVE, w.leader, at(2026, 3, 24, 10, 0))
    d["stopped"] = act(
        receive(at(2026, 3, 17, 8, 0)), Action.STOP, w.receiver, at(2026, 3, 18, 9, 0), note="Người dân rút"
    )
    d["refused"] = dossier_intake(
        data=intake_data(w),
        actor=w.receiver,
        action=Action.REFUSE,
        note="Không thuộc thẩm quyền",
        at=at(2026, 3, 18, 10),
    )
    d["commune"] = resolve(
        receive(at(2026, 3, 4, 8, 0), receiver=w.commune_receiver, receiving_unit=w.commune_centre),
        at(2026, 3, 6, 10, 0),
        receiver=w.commune_receiver,
    )
    same_day = receive(at(2026, 3, 5, 9, 0), procedure_version=w.chung_thuc)
    same_day = act(same_day, Action.TRANSFER, w.receiver, at(2026, 3, 5, 9, 30))
    same_day = act(same_day, Action.FORWARD, w.specialist, at(2026, 3, 5, 15, 0))
    d["same_day"] = act(same_day, Action.APPROVE, w.head, at(2026, 3, 5, 16, 0))
    supplement = receive(at(2026, 3, 20, 8, 0))
    supplement = act(supplement, Action.TRANSFER, w.receiver, at(2026, 3, 20, 9, 0))
    supplement = act(supplement, Action.FORWARD, w.head, at(2026, 3, 20, 10, 0))
    d["supplement"] = act(
        supplement, Action.REQUEST_SUPPLEMENT, w.specialist, at(2026, 3, 23, 9, 0), missing_items=["Bản sao"]
    )
    d["overdue"] = act(receive(at(2026, 3, 23, 8, 0)), Action.TRANSFER, w.receiver, at(2026, 3, 23, 9, 0))
    d["late_april"] = resolve(receive(at(2026, 3, 31, 10, 0)), at(2026, 4, 2, 10, 0))
    d["april"] = receive(at(2026, 4, 1, 8, 0))
    return Scenario(w=w, dossiers=d)


@pytest.fixture(scope="module")
def _module_scenario(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The scenario built once for a module that sets `SHARED_SCENARIO = True` (it took ~2.5 s of CPU per test,
    for the ~50 tests that read it). Only for modules whose tests without the scenario do not need an empty
    database: once built, the rows stay until the module ends."""
    if not getattr(request.module, "SHARED_SCENARIO", False):
        yield None
        return
    folder = tmp_path_factory.mktemp("reports-scenario")

    def build():
        # The autouse fixtures of tests/conftest.py are per test and not active yet: the same settings here.
        with (
            override_settings(
                MEDIA_ROOT=folder / "media",
                MOTCUA_CERT_DIR=folder / "certs",
                MOTCUA_POSTAL_MANUAL_DIR=folder / "postal",
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            ),
            translation.override("vi"),
            time_machine.travel(TODAY, tick=False),
        ):
            return build_scenario()

    yield from shared_rows(django_db_blocker, build)


def _fresh(shared: Scenario) -> Scenario:
    """New instances of the shared scenario's objects: what a test changes in memory must not reach the next
    test (what it writes is rolled back with its savepoint)."""
    w = World()
    for name, value in vars(shared.w).items():
        setattr(w, name, type(value).objects.get(pk=value.pk) if isinstance(value, Model) else value)
    dossiers = {
        name: type(value).objects.get(pk=value.pk) if isinstance(value, Model) else value
        for name, value in shared.dossiers.items()
    }
    return Scenario(w=w, dossiers=dossiers)


@pytest.fixture
def scenario(_module_scenario, db, clock):
    if _module_scenario is None:
        return build_scenario()
    return _fresh(_module_scenario)


@pytest.fixture
def w(scenario):
    return scenario.w


@pytest.fixture
def other_receiver(db, w):
    """A second receiving officer of the provincial centre (no dossiers of their own)."""
    user = UserFactory(username="tiepnhan2")
    StaffRoleFactory(user=user, unit=w.centre, role=Role.RECEIVING_OFFICER)
    return user
