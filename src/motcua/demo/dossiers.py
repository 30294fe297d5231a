"""About 200 demo dossiers over the last three months, driven through the real lifecycle services with
back-dated instants, so that worklists, forms and later reports have content: early, on time and late
results, extensions, supplements, stops, refusals and dossiers still in progress."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from motcua.catalog.enums import ProcedureLevel, VersionStatus
from motcua.catalog.models import ProcedureVersion
from motcua.core.exceptions import DomainError
from motcua.dossiers.enums import Action, Channel, ReturnMode, Status
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_process_steps
from motcua.dossiers.services import (
    ApplicantData,
    DocumentData,
    IntakeData,
    dossier_intake,
    dossier_transition,
)
from motcua.org.enums import Role, UnitKind
from motcua.org.models import StaffRole, Unit
from motcua.workcal.selectors import calendar_for_unit

logger = logging.getLogger(__name__)

SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Huỳnh",
    "Hoàng",
    "Võ",
    "Phan",
    "Trương",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Ngô",
    "Dương",
    "Lý",
    "Tạ",
    "Lâm",
    "Châu",
]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Quốc", "Hoàng", "Kim", "Hữu", "Thu", "Bảo", "Gia"]
GIVEN = [
    "An",
    "Bình",
    "Châu",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hòa",
    "Hùng",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Nhung",
    "Phúc",
    "Phương",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Vy",
    "Yến",
]
PLACES = ["phường An Xuyên", "phường Tân Thành", "phường Bạc Liêu", "xã Đầm Dơi", "xã Năm Căn"]

DEMO_DOSSIERS = 200
WINDOW_DAYS = 90


@dataclass
class _Routing:
    version: ProcedureVersion
    receiving: Unit
    competent: Unit | None


class _Actors:
    def __init__(self) -> None:
        self._cache: dict[tuple[str, int], object] = {}

    def find(self, role: str, unit: Unit):
        key = (role, unit.pk)
        if key not in self._cache:
            staff_role = (
                StaffRole.objects.select_related("user")
                .filter(role=role)
                .filter(Q(unit=unit) | Q(unit__parent=unit, unit__kind=UnitKind.DIVISION))
                .order_by("id")
                .first()
            )
            self._cache[key] = staff_role.user if staff_role else None
        return self._cache[key]


def _routings() -> list[_Routing]:
    centres_by_parent = {
        u.parent_id: u for u in Unit.objects.filter(kind=UnitKind.COMMUNE_CENTRE, is_active=True)
    }
    provincial_centre = Unit.objects.filter(kind=UnitKind.PROVINCIAL_CENTRE, is_active=True).first()
    routings: list[_Routing] = []
    versions = ProcedureVersion.objects.filter(status=VersionStatus.IN_FORCE).prefetch_related(
        "competent_units"
    )
    for version in versions.order_by("procedure__national_code"):
        competent = list(version.competent_units.all())
        if version.level == ProcedureLevel.COMMUNE:
            for unit in competent:
                if unit.pk in centres_by_parent:
                    routings.append(_Routing(version, centres_by_parent[unit.pk], unit))
        elif provincial_centre is not None:
            routings.append(_Routing(version, provincial_centre, competent[0] if competent else None))
    return routings


def _person(rng: random.Random, index: int) -> ApplicantData:
    name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    return ApplicantData(
        name=name,
        phone=f"09{rng.randint(10000000, 99999999)}",
        id_number=f"0962{index:08d}",
        address=f"Số {rng.randint(1, 300)}, khóm {rng.randint(1, 9)}, {rng.choice(PLACES)}, tỉnh Cà Mau",
    )


def _reception_instant(rng: random.Random, calendar, now: datetime) -> datetime:
    # A fifth of the dossiers arrived in the last week, so that worklists have work in them.
    back = rng.randint(0, 7) if rng.random() < 0.2 else rng.randint(1, WINDOW_DAYS)
    day = (timezone.localtime(now) - timedelta(days=back)).date()
    day = calendar.next_working_day(day, include_today=True)
    minutes = rng.randint(0, 9 * 60 - 1)
    instant = datetime.combine(day, time(7, 15), tzinfo=timezone.get_current_timezone()) + timedelta(
        minutes=minutes
    )
    return calendar.counting_start(instant, apply_cutoff=False)


class _Walker:
    """Drives one dossier forward until it is closed or the next action would lie in the future."""

    def __init__(self, rng: random.Random, actors: _Actors, now: datetime) -> None:
        self.rng, self.actors, self.now = rng, actors, now

    def later(self, calendar, at: datetime, hours: float) -> datetime:
        return calendar.add_working_hours(calendar.counting_start(at, apply_cutoff=False), max(hours, 0.1))

    def act(self, dossier, action, actor, at, **fields):
        if at >= self.now or actor is None:
            return None
        return dossier_transition(
            dossier=dossier, action=action, actor=actor, at=at, note=fields.pop("note", ""), **fields
        )

    def walk(self, dossier: Dossier, at: datetime) -> Dossier:
        rng = self.rng
        calendar = calendar_for_unit(dossier.receiving_unit)
        receiver = self.actors.find(Role.RECEIVING_OFFICER, dossier.receiving_unit)
        if rng.random() < 0.03:
            stopped = self.act(
                dossier,
                Action.STOP,
                receiver,
                self.later(calendar, at, 2),
                note="Người nộp đề nghị dừng giải quyết, rút hồ sơ",
            )
            return stopped or dossier
        at = self.later(calendar, at, rng.uniform(0.2, 1.5))
        moved = self.act(dossier, Action.TRANSFER, receiver, at)
        if moved is None:
            return dossier
        dossier = moved
        supplemented = extended = False
        # Some dossiers sit untouched at one step: they become the overdue ones of the worklists.
        stuck_at = rng.randint(1, 4) if rng.random() < 0.1 else None
        while dossier.status == Status.PROCESSING and dossier.current_step is not None:
            step = dossier.current_step
            if stuck_at is not None and step.order >= stuck_at + 1:
                return dossier
            actor = self.actors.find(step.role, step.unit)
            # Most steps finish within budget; one in eight runs over and makes the step late.
            factor = rng.uniform(1.3, 3.0) if rng.random() < 0.12 else rng.uniform(0.2, 0.95)
            at = self.later(calendar, at, float(step.budget_hours) * factor)
            if step.role == Role.SPECIALIST and not supplemented and rng.random() < 0.1:
                supplemented = True
                waiting = self.act(
                    dossier,
                    Action.REQUEST_SUPPLEMENT,
                    actor,
                    at,
                    missing_items=[
                        "Bản sao có chứng thực giấy tờ chứng minh nơi cư trú",
                        "Tờ khai ghi đầy đủ thông tin",
                    ],
                )
                if waiting is None:
                    return dossier
                if rng.random() < 0.4:
                    return waiting  # the applicant has not brought the papers yet
                at = self.later(calendar, at, rng.uniform(8, 40))
                resumed = self.act(waiting, Action.SUPPLEMENT, receiver, at)
                if resumed is None:
                    return waiting
                dossier = resumed
                continue
            if step.role == Role.SIGNING_LEADER and not extended and rng.random() < 0.08:
                extended = True
                new_due = calendar.add_working_hours(dossier.due_at, 24)
                try:
                    result = self.act(
                        dossier,
                        Action.EXTEND,
                        actor,
                        min(at, self.now - timedelta(minutes=1)),
                        note="Cần xác minh thêm thông tin với cơ quan liên quan",
                        new_due_at=new_due,
                    )
                except DomainError:
                    result = None
                dossier = result or dossier
            if step.role == Role.SIGNING_LEADER and not self._has_later_signing_step(dossier, step):
                if rng.random() < 0.07:
                    done = self.act(
                        dossier, Action.DENY, actor, at, note="Hồ sơ không đủ điều kiện theo quy định"
                    )
                else:
                    done = self.act(dossier, Action.APPROVE, actor, at)
            else:
                done = self.act(dossier, Action.FORWARD, actor, at)
            if done is None:
                return dossier
            dossier = done
        if dossier.status == Status.RESULT_READY:
            at = self.later(calendar, at, rng.uniform(0.5, 16))
            returned = self.act(dossier, Action.RETURN_RESULT, receiver, at)
            dossier = returned or dossier
        return dossier

    @staticmethod
    def _has_later_signing_step(dossier: Dossier, step) -> bool:
        return any(
            s.role == Role.SIGNING_LEADER and s.order > step.order for s in dossier_process_steps(dossier)
        )


def _channel(rng: random.Random, version: ProcedureVersion) -> str:
    # Online-only procedures (the construction permit) reach the centre by post in the demo, not at the counter.
    if version.is_postal_intake_allowed and (not version.is_counter_intake_allowed or rng.random() < 0.08):
        return Channel.POSTAL
    return Channel.COUNTER


def _return_mode(postal: bool, index: int) -> str:
    # Every fifth non-postal applicant asks for the electronic result (Decree 45/2020): the demo then has
    # signed results to download and verify. Derived from the index so the random sequence stays the same.
    if postal:
        return ReturnMode.POSTAL
    return ReturnMode.ONLINE if index % 5 == 0 else ReturnMode.COUNTER


def demo_dossiers_load(*, count: int = DEMO_DOSSIERS, seed: int = 2026) -> dict[str, int]:
    """Idempotent: nothing happens when dossiers exist already."""
    if Dossier.objects.exists():
        return {"dossiers": 0}
    rng = random.Random(seed)
    now = timezone.now()
    # Two hundred dossiers make a thousand action lines: keep the demo's console readable.
    logging.getLogger("motcua.dossiers").setLevel(logging.WARNING)
    routings = [
        r for r in _routings() if r.version.is_counter_intake_allowed or r.version.is_postal_intake_allowed
    ]
    provincial_centre = Unit.objects.filter(kind=UnitKind.PROVINCIAL_CENTRE, is_active=True).first()
    if not routings:
        return {"dossiers": 0}
    actors = _Actors()
    walker = _Walker(rng, actors, now)
    made = skipped = 0
    # Civil status and certification dominate a commune centre's day.
    weights = [5 if r.version.field.name in ("Hộ tịch", "Chứng thực") else 1 for r in routings]
    for index in range(count):
        routing = rng.choices(routings, weights=weights)[0]
        # Dossiers are accepted anywhere in the province: a quarter of the commune ones come in at the
        # provincial centre and travel to the commune (phi địa giới).
        if provincial_centre and not routing.version.receiving_units.exists() and rng.random() < 0.25:
            routing = _Routing(routing.version, provincial_centre, routing.competent)
        receiver = actors.find(Role.RECEIVING_OFFICER, routing.receiving)
        if receiver is None:
            skipped += 1
            continue
        calendar = calendar_for_unit(routing.receiving)
        at = _reception_instant(rng, calendar, now)
        if at >= now:
            skipped += 1
            continue
        components = list(routing.version.components.filter(is_required=True))
        postal = routing.version.is_postal_return_allowed and rng.random() < 0.15
        data = IntakeData(
            procedure_version=routing.version,
            receiving_unit=routing.receiving,
            competent_unit=routing.competent,
            applicant=_person(rng, index),
            channel=_channel(rng, routing.version),
            return_mode=_return_mode(postal, index),
            return_address="Bưu điện tỉnh Cà Mau chuyển phát đến địa chỉ người nộp" if postal else "",
            documents=[
                DocumentData(name=c.name, paper_kind=c.paper_kind, quantity=c.quantity) for c in components
            ],
            pages=rng.randint(1, 12),
        )
        try:
            roll = rng.random()
            if roll < 0.03:
                dossier_intake(
                    data=data,
                    actor=receiver,
                    action=Action.REFUSE,
                    at=at,
                    note="Thủ tục không thuộc thẩm quyền giải quyết; hướng dẫn đến cơ quan có thẩm quyền",
                )
            elif roll < 0.07:
                dossier_intake(
                    data=data,
                    actor=receiver,
                    action=Action.RETURN_FOR_COMPLETION,
                    at=at,
                    missing_items=["Tờ khai chưa có chữ ký của người yêu cầu"],
                )
            else:
                dossier = dossier_intake(data=data, actor=receiver, at=at)
                walker.walk(dossier, at)
            made += 1
        except DomainError as error:
            logger.warning("demo dossier %s skipped: %s", index, error.message)
            skipped += 1
    return {"dossiers": made, "skipped": skipped}
