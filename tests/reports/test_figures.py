"""The pre-aggregated figures (reports/figures.py) against a recount from the dossiers."""

import importlib
import json
import random
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction

from motcua.core.exceptions import InvalidTransition, NotPermitted, ValidationFailed
from motcua.dossiers.enums import Action, Channel, Status
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.dossiers.services import (
    DocumentData,
    dossier_create,
    dossier_documents_add,
    dossier_intake,
    dossier_transition,
)
from motcua.dossiers.transitions import RECORD_ONLY_ACTIONS, RULES
from motcua.org.enums import Role
from motcua.ratings.services import rating_submit
from motcua.reports.enums import GroupBy
from motcua.reports.figures import (
    figures_differences,
    figures_rebuild,
    figures_refresh,
    snapshots,
    stocks,
    stored,
    unit_scope,
)
from motcua.reports.index766 import index766
from motcua.reports.models import STOCK_MEASURES, FigureDelta, FigureState, Grain
from motcua.reports.selectors import summary, summary_recount
from motcua.workcal.calendar import LOCAL_TZ
from tests.factories import StaffRoleFactory, dossier_world, intake_data

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

PERIODS = [
    (date(2026, 3, 1), date(2026, 3, 31)),
    (date(2026, 3, 2), date(2026, 3, 18)),
    (date(2026, 2, 24), date(2026, 4, 20)),
    (date(2026, 1, 1), date(2026, 12, 31)),
    (date(2025, 6, 1), date(2026, 5, 31)),
    (date(2026, 3, 23), date(2026, 3, 23)),
]


def assert_same(a, b):
    assert [(r.key, r.label) for r in a.rows] == [(r.key, r.label) for r in b.rows]
    for ra, rb in zip(a.rows, b.rows, strict=True):
        assert ra.figures == rb.figures, ra.key
    assert a.totals == b.totals


def test_scenario_sums_equal_a_recount(scenario):
    assert figures_differences() == []


@pytest.mark.parametrize("group_by", GroupBy.values)
def test_summary_from_sums_equals_the_recount(scenario, group_by):
    for first, last in PERIODS:
        for unit in (None, scenario.w.centre, scenario.w.justice):
            kwargs = dict(date_from=first, date_to=last, unit=unit, group_by=group_by)
            assert_same(summary(**kwargs), summary_recount(**kwargs))


def test_stocks_read_backward_from_the_all_time_rows_equal_the_forward_sums(scenario):
    # Every day around the scenario (December to May, across the new year), per key and for a unit's scope:
    # the all-time row less the buckets after the day, and the buckets up to it, give the same stocks.
    group = ("competent_unit_id", "channel")
    seen = 0
    for scope in (unit_scope(None), unit_scope([scenario.w.centre.pk])):
        day = date(2025, 12, 1)
        while day <= date(2026, 5, 31):
            arguments = {"scope": scope, "group": group, "measures": STOCK_MEASURES}
            backward = stocks(day, backward=True, **arguments)
            forward = stocks(day, backward=False, **arguments)
            assert {k: +c for k, c in backward.items() if +c} == {k: +c for k, c in forward.items() if +c}, (
                day
            )
            seen += sum(c["open"] for c in forward.values())
            day += timedelta(days=1)
    assert seen > 0  # the scenario has dossiers open on some of these days


def test_the_migration_adds_the_all_time_rows_from_the_years(scenario):
    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("motcua.reports.migrations.0003_figure_delta_all_time")
    before = stored()
    assert any(key[0] == Grain.ALL for key in before)
    FigureDelta.objects.filter(grain=Grain.ALL).delete()
    assert figures_differences() != []

    class Editor:  # what the function uses of a schema editor (SQLite cannot open one inside the test)
        def __init__(self):
            self.connection = connection

        def execute(self, sql, params=()):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)

    migration.add_all_time_rows(apps, Editor())
    assert stored() == before


def test_states_in_the_migrated_spelling_read_back_and_are_taken_back_exactly(scenario):
    # Migration 0004 turned the jsonb columns into text as PostgreSQL renders jsonb ("[[1, 2, 3], …]", with
    # spaces); states written since are compact. Either spelling must read back the same, so that the next
    # change of the dossier takes back exactly what it added.
    from django.db import connection

    dossier = scenario.dossiers["april"]
    state = FigureState.objects.get(pk=dossier.pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, entries FROM reports_figurestate WHERE dossier_id = %s", [dossier.pk])
        assert " " not in "".join(cursor.fetchone())  # written compact
        cursor.execute(
            "UPDATE reports_figurestate SET key = %s, entries = %s WHERE dossier_id = %s",
            [json.dumps(state.key), json.dumps(state.entries), dossier.pk],
        )
    migrated = FigureState.objects.get(pk=dossier.pk)
    assert (migrated.key, migrated.entries) == (state.key, state.entries)
    Dossier.objects.filter(pk=dossier.pk).update(channel=Channel.POSTAL)  # behind the services' back
    figures_refresh([dossier.pk])  # takes back the migrated state, adds the postal one
    assert figures_differences() == []
    assert FigureState.objects.get(pk=dossier.pk).key[3] == Channel.POSTAL


def test_one_dossier_snapshot_from_the_compiled_query_equals_the_general_read(scenario):
    # Intakes and transitions refresh one dossier through SQL compiled once per connection; it must read
    # exactly what the general query reads (its documents, pauses and receiving officer among the rest), for
    # every dossier of the scenario.
    ids = list(Dossier.objects.values_list("pk", flat=True))
    together = {s.id: s for s in snapshots(ids)}
    assert len(together) == len(ids) > 5
    assert any(s.pauses for s in together.values()) and any(s.officer_id for s in together.values())
    for dossier_id in ids:
        assert snapshots([dossier_id]) == [together[dossier_id]]
    assert snapshots([max(ids) + 1000]) == []


# --- random lifecycles ---------------------------------------------------------------------------------------
RANDOM_NOW = datetime(2026, 6, 30, 17, 0, tzinfo=LOCAL_TZ)
WALK_ACTIONS = [
    rule.action
    for rule in RULES.values()
    if rule.action not in RECORD_ONLY_ACTIONS
    and rule.action not in (Action.SUBMIT, Action.RECEIVE, Action.RETURN_FOR_COMPLETION)
]


def _random_lifecycles(rng: random.Random, count: int):
    w = dossier_world()
    for unit in (w.centre, w.justice, w.construction):
        for role in Role:
            if not (unit == w.centre and role == Role.RECEIVING_OFFICER):
                StaffRoleFactory(user=w.receiver, unit=unit, role=role)
    if hasattr(w.receiver, "_motcua_roles"):
        del w.receiver._motcua_roles
    dossiers = []
    for _ in range(count):
        when = datetime(2026, 1, 5, 8, 0, tzinfo=LOCAL_TZ) + timedelta(
            days=rng.randrange(0, 150), minutes=rng.randrange(0, 9 * 60)
        )
        channel = rng.choice([Channel.COUNTER, Channel.COUNTER, Channel.POSTAL, Channel.ONLINE])
        documents = [
            DocumentData(
                name="Tờ khai",
                upload=SimpleUploadedFile("a.png", PNG, "image/png") if rng.random() < 0.6 else None,
            )
        ]
        action = Action.REFUSE if rng.random() < 0.08 else Action.RECEIVE
        data = intake_data(w, channel=channel, documents=documents)
        if channel == Channel.ONLINE:
            dossier = dossier_create(data=data, actor=w.citizen, owner=w.citizen)
            dossier = dossier_transition(
                dossier=dossier, action=Action.SUBMIT, actor=w.citizen, at=when - timedelta(hours=2)
            )
            dossier = dossier_transition(
                dossier=dossier, action=action, actor=w.receiver, note="Lý do", at=when
            )
        else:
            dossier = dossier_intake(data=data, actor=w.receiver, action=action, note="Lý do", at=when)
        for _step in range(rng.randrange(0, 9)):
            choices = [a for a in WALK_ACTIONS if dossier.status in RULES[a].sources]
            if not choices:
                break
            # Most walks move forward; a few stop, pause, extend or ask for a supplement on the way.
            choice = rng.choice(choices)
            when += timedelta(hours=rng.choice([1, 3, 20, 30, 70, 200]))
            if when >= RANDOM_NOW:
                break
            fields = {
                Action.REQUEST_SUPPLEMENT: {"missing_items": ["Bản sao"]},
                Action.SEND_BACK: {"to_step": 1},
                Action.ASSIGN: {"assignee": w.receiver},
                Action.EXTEND: {"new_due_at": (dossier.due_at or when) + timedelta(days=rng.randrange(1, 9))},
            }.get(choice, {})
            try:
                dossier = dossier_transition(
                    dossier=dossier, action=choice, actor=w.receiver, note="Lý do", at=when, **fields
                )
            except (InvalidTransition, ValidationFailed, NotPermitted):
                continue
            if dossier.status == Status.RETURNED and rng.random() < 0.6:
                rating_submit(
                    dossier=dossier,
                    answers={"overall": rng.choice(["very_satisfied", "satisfied", "not_satisfied"])},
                    channel="kiosk",
                    at=when + timedelta(minutes=5),
                )
        dossiers.append(dossier)
    return w, dossiers


@pytest.mark.parametrize("seed", [1, 2])
def test_random_lifecycles_keep_the_sums_equal_to_a_recount(db, seed):
    rng = random.Random(seed)
    with time_machine.travel(RANDOM_NOW, tick=False):
        w, dossiers = _random_lifecycles(rng, 45)
        assert {d.status for d in dossiers} > {Status.RECEIVED, Status.RETURNED}
        assert figures_differences() == []
        # Scanned afterwards at the counter: a document change outside any transition.
        document = DossierDocument.objects.filter(is_digitised=False, is_received=True).first()
        document.is_digitised = True
        document.save()
        assert figures_differences() == []
        periods = PERIODS + [
            (date(2026, m, d), date(2026, m, d) + timedelta(days=n))
            for m, d, n in [
                (rng.randrange(1, 7), rng.randrange(1, 28), rng.randrange(0, 70)) for _ in range(6)
            ]
        ]
        for first, last in periods:
            for group_by in GroupBy.values:
                for unit in (None, w.construction):
                    kwargs = dict(date_from=first, date_to=last, unit=unit, group_by=group_by)
                    assert_same(summary(**kwargs), summary_recount(**kwargs))
            for unit in (None, w.centre):
                assert_same_index(date_from=first, date_to=last, unit=unit)


def test_components_added_to_a_dossier_reach_the_figures(db):
    # Written in one INSERT without post_save signals (dossiers/services.py): the service itself reports them.
    w = dossier_world()
    with time_machine.travel(RANDOM_NOW, tick=False):
        scanned = [DocumentData(name="Tờ khai", upload=SimpleUploadedFile("a.png", PNG, "image/png"))]
        dossier = dossier_intake(data=intake_data(w, documents=scanned), actor=w.receiver)
        assert figures_differences() == []
        with transaction.atomic():
            dossier_documents_add(
                dossier=dossier, documents=[DocumentData(name="Bản giấy")], actor=w.receiver
            )
        assert figures_differences() == []
        assert dossier.documents.count() == 2


def test_a_change_behind_the_services_back_is_found_and_rebuild_repairs_it(scenario):
    before = stored()
    assert figures_rebuild()["dossiers"] == Dossier.objects.count()
    assert stored() == before
    # A bulk update sends no signal: the check must say so, and a rebuild must put it right.
    Dossier.objects.filter(pk=scenario.dossiers["april"].pk).update(channel=Channel.POSTAL)
    problems = figures_differences()
    assert problems and "postal" in " ".join(problems)
    figures_rebuild()
    assert figures_differences() == []
    march = dict(date_from=date(2026, 4, 1), date_to=date(2026, 4, 30), group_by=GroupBy.CHANNEL)
    assert_same(summary(**march), summary_recount(**march))


def index_counts(result):
    rows = [
        (i.indicator.code, i.state, i.numerator, i.denominator, i.points)
        for g in result.groups
        for i in g.indicators
    ]
    for child, groups in result.children:
        rows += [
            (child.pk, i.indicator.code, i.numerator, i.denominator) for g in groups for i in g.indicators
        ]
    return rows


def assert_same_index(**kwargs):
    fast = index766(with_children=True, **kwargs)
    slow = index766(with_children=True, recount=True, **kwargs)
    assert index_counts(fast) == index_counts(slow)
    return fast


def test_index766_from_sums_equals_the_recount(scenario):
    for first, last in PERIODS:
        for unit in (None, scenario.w.centre, scenario.w.justice):
            result = assert_same_index(date_from=first, date_to=last, unit=unit)
    assert any(i.numerator for g in result.groups for i in g.indicators)


def test_figures_command_checks_and_rebuilds(scenario, capsys):
    call_command("figures", "--check")
    assert "khớp" in capsys.readouterr().out
    Dossier.objects.filter(pk=scenario.dossiers["april"].pk).update(channel=Channel.POSTAL)
    with pytest.raises(SystemExit) as exit_info:
        call_command("figures", "--check")
    assert exit_info.value.code == 1 and "LỆCH" in capsys.readouterr().out
    call_command("figures", "--rebuild", "--check")
    output = capsys.readouterr().out
    assert "Đã tính lại" in output and "khớp" in output
