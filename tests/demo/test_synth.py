"""The synthetic dossiers of `motcua synth` follow the lifecycle's rules, so figures measured on them mean
something: codes and daily counters, statuses against dates, timeliness, and the report's balance."""

from collections import Counter
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from motcua.catalog.enums import TimeUnit
from motcua.demo.dossiers import _Actors
from motcua.demo.loader import demo_load
from motcua.demo.synth import WorkAxis, synth
from motcua.dossiers.enums import OPEN_STATUSES, Action, Status
from motcua.dossiers.models import Dossier, DossierCodeSequence, DossierDocument, DossierEvent, DossierStep
from motcua.dossiers.services import ApplicantData, IntakeData, dossier_intake, timeliness_of
from motcua.org.enums import Role
from motcua.reports.selectors import summary
from motcua.workcal.selectors import calendar_for_unit
from tests.shared_rows import shared_rows

N = 300


@pytest.fixture(scope="module")
def _synthesised_once(django_db_blocker):
    # One demo load and synth for the module (each test still runs in its own savepoint): the rows are only
    # read, and a demo load costs more than all the tests together.
    def build():
        demo_load()
        return synth(dossiers=N, years=1, seed=11, batch=120, progress=False)

    yield from shared_rows(django_db_blocker, build)


@pytest.fixture
def synthesised(_synthesised_once, db):
    return _synthesised_once


def test_rows_are_created_with_histories(synthesised):
    assert synthesised["dossiers"] == N == Dossier.objects.count()
    assert DossierStep.objects.count() == synthesised["steps"] > N
    assert DossierEvent.objects.count() == synthesised["events"] > N
    assert DossierDocument.objects.count() == synthesised["documents"] > 0
    assert DossierDocument.objects.filter(is_digitised=True).exists()
    assert DossierDocument.objects.filter(is_digitised=False).exists()
    actions = Counter(DossierEvent.objects.values_list("action", flat=True))
    for action in (Action.RECEIVE, Action.TRANSFER, Action.APPROVE, Action.RETURN_RESULT):
        assert actions[action] > 0, action
    statuses = Counter(Dossier.objects.values_list("status", flat=True))
    assert statuses[Status.RETURNED] > N * 0.7  # mostly returned
    # At most one open step per dossier, and it is the dossier's current step.
    for dossier in Dossier.objects.filter(status__in=OPEN_STATUSES | {Status.RESULT_READY}):
        open_steps = list(dossier.steps.filter(finished_at__isnull=True))
        assert len(open_steps) <= 1
        assert dossier.current_step_id == (open_steps[0].pk if open_steps else None)
    # Every history is numbered 1.. in time order.
    for dossier in Dossier.objects.all()[:50]:
        events = list(dossier.events.order_by("seq"))
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        assert [e.at for e in events] == sorted(e.at for e in events)


def test_codes_unique_and_sequences_continue(synthesised):
    codes = list(Dossier.objects.exclude(code__isnull=True).values_list("code", flat=True))
    assert len(codes) == len(set(codes))
    assert Dossier.objects.filter(code__isnull=True, status=Status.REFUSED).count() == N - len(codes)
    # Each (unit, day) counter is the highest number issued that day.
    highest: dict[tuple[int, date], int] = {}
    for dossier in Dossier.objects.exclude(code__isnull=True).only("code", "receiving_unit", "received_at"):
        day = timezone.localtime(dossier.received_at).date()
        assert dossier.code.split("-")[1] == f"{day:%y%m%d}"
        key = (dossier.receiving_unit_id, day)
        highest[key] = max(highest.get(key, 0), int(dossier.code.rsplit("-", 1)[1]))
    sequences = {(s.unit_id, s.day): s.last for s in DossierCodeSequence.objects.all()}
    assert sequences == highest

    # A real intake on the busiest (unit, day) continues after the synthetic numbers, without a collision.
    (unit_id, day), last = max(highest.items(), key=lambda item: item[1])
    sample = Dossier.objects.filter(receiving_unit_id=unit_id, code__contains=f"-{day:%y%m%d}-").first()
    receiver = _Actors().find(Role.RECEIVING_OFFICER, sample.receiving_unit)
    data = IntakeData(
        procedure_version=sample.procedure_version,
        receiving_unit=sample.receiving_unit,
        competent_unit=sample.competent_unit,
        applicant=ApplicantData(name="Trần Thị Mai", phone="0912345678", id_number="096299999999"),
    )
    fresh = dossier_intake(data=data, actor=receiver, at=sample.received_at + timedelta(minutes=1))
    assert int(fresh.code.rsplit("-", 1)[1]) == last + 1


def test_statuses_and_timeliness_agree_with_dates(synthesised):
    now = timezone.now()
    for d in Dossier.objects.select_related("procedure_version", "receiving_unit"):
        if d.status == Status.REFUSED:
            assert d.code is None and d.closed_at is not None
            continue
        assert d.received_at <= now and d.due_at > d.received_at and d.original_due_at == d.due_at
        if d.status == Status.RETURNED:
            assert d.received_at < d.result_ready_at <= d.returned_at == d.closed_at <= now
        if d.status in (Status.RETURNED, Status.RESULT_READY):
            assert d.result_ready_at is not None and d.outcome
            assert d.timeliness == timeliness_of(d.result_ready_at, d.original_due_at)
        else:
            assert d.result_ready_at is None and d.timeliness == "" and d.returned_at is None
        if d.status == Status.STOPPED:
            assert d.closed_at is not None
        # The appointment is the one the services would have given at the counter.
        version = d.procedure_version
        calendar = calendar_for_unit(d.receiving_unit)
        expected = calendar.deadline(
            d.received_at, version.committed_time_amount, version.committed_time_unit
        )
        assert d.due_at == expected, (d.code, version.committed_time_unit)
    statuses = set(Dossier.objects.values_list("status", flat=True))
    assert {Status.RETURNED, Status.REFUSED} <= statuses
    assert statuses & {Status.PROCESSING, Status.RECEIVED, Status.RESULT_READY}
    assert Dossier.objects.filter(timeliness="late").exists()


def test_step_times_follow_their_budgets(synthesised):
    for step in DossierStep.objects.select_related("dossier__receiving_unit")[:300]:
        calendar = calendar_for_unit(step.dossier.receiving_unit)
        expected = calendar.add_working_hours(
            calendar.counting_start(step.started_at, apply_cutoff=False), step.budget_hours
        )
        assert abs((step.due_at - expected).total_seconds()) <= 1
        if step.finished_at:
            assert step.finished_at >= step.started_at
            assert step.timeliness == timeliness_of(step.finished_at, step.due_at)


def test_work_axis_matches_the_calendar(db):
    calendar = calendar_for_unit(None)
    today = timezone.localdate()
    axis = WorkAxis(calendar, today - timedelta(days=60), today + timedelta(days=120))
    position = axis.position(axis.instant(3.3 * axis.day_seconds))
    for hours in (0.5, 4, 8, 8 * 15, 37.25):
        start = axis.instant(position)
        expected = calendar.add_working_hours(start, hours)
        assert axis.instant(axis.add_hours(position, hours)) == expected
        assert calendar.deadline(
            start, hours / 8, TimeUnit.WORKING_DAYS
        ) == expected or calendar.is_after_cutoff(start)


def test_summary_balances_on_synthetic_data(synthesised):
    today = timezone.localdate()
    month_start = (today.replace(day=1) - timedelta(days=40)).replace(day=1)
    month_end = (month_start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    for date_from, date_to in ((month_start, month_end), (today - timedelta(days=365), today)):
        result = summary(date_from=date_from, date_to=date_to)
        for figures in [result.totals] + [row.figures for row in result.rows]:
            assert (
                figures.carried_over + figures.received
                == figures.resolved + figures.stopped + figures.in_progress
            )
        assert result.totals.received > 0 and result.totals.resolved > 0
        assert sum(row.figures.received for row in result.rows) == result.totals.received
    year = summary(date_from=today - timedelta(days=365), date_to=today)
    received_codes = Dossier.objects.exclude(code__isnull=True).filter(
        received_at__date__gte=today - timedelta(days=364)
    )
    assert year.totals.received <= received_codes.count() + 2 and year.totals.refused > 0


def test_synthetic_histories_are_valid_hash_chains(synthesised):
    out = StringIO()
    call_command("verify_history", stdout=out)
    events = f"{synthesised['events']:,}".replace(",", ".")
    assert f"Đã kiểm tra {N} hồ sơ, {events} dòng lịch sử" in out.getvalue()
    assert "KẾT LUẬN: TOÀN VẸN" in out.getvalue()
    # Worked minutes are kept for every dossier with a result, as the services keep them.
    assert not Dossier.objects.filter(result_ready_at__isnull=False, worked_minutes__isnull=True).exists()


def test_synthetic_dossiers_are_in_the_pre_aggregated_figures(synthesised):
    from motcua.reports.figures import figures_differences
    from motcua.reports.selectors import summary_recount

    assert figures_differences() == []
    today = timezone.localdate()
    kwargs = dict(date_from=today - timedelta(days=365), date_to=today)
    assert summary(**kwargs).totals == summary_recount(**kwargs).totals
