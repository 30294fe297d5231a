"""The dossier history is hash-chained: real lifecycles through the services, then edits made straight in the
database with SQL, and `motcua verify-history` must name each one (and say clean data is clean)."""

import hashlib
from datetime import datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection

from motcua.cli import main as motcua_main
from motcua.dossiers.enums import Action
from motcua.dossiers.history import event_hash, event_hash_of
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import dossier_event_record, dossier_intake, dossier_transition
from motcua.workcal.calendar import LOCAL_TZ
from tests.factories import dossier_world, intake_data

pytestmark = pytest.mark.django_db

EVENTS = DossierEvent._meta.db_table
DOSSIERS = Dossier._meta.db_table


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL_TZ)


def act(dossier, action, actor, **fields):
    return dossier_transition(dossier=dossier, action=action, actor=actor, **fields)


@pytest.fixture
def w():
    """Three dossiers: one through the whole inter-agency flow (10 rows), one stopped, one just received."""
    w = dossier_world()
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False) as clock:
        full = dossier_intake(data=intake_data(w), actor=w.receiver)
        full = act(full, Action.TRANSFER, w.receiver)
        full = act(full, Action.FORWARD, w.head, assignee=w.specialist2)
        full = act(full, Action.ASSIGN, w.head, assignee=w.specialist)
        clock.shift(timedelta(hours=2))
        full = act(full, Action.FORWARD, w.specialist, note="Đủ điều kiện, chuyển Sở Xây dựng")
        full = act(full, Action.SEND_BACK, w.builder, note="Thiếu bản vẽ, đề nghị thẩm định lại")
        full = act(full, Action.FORWARD, w.specialist)
        full = act(full, Action.FORWARD, w.builder)
        full = act(full, Action.APPROVE, w.leader)
        full = act(full, Action.RETURN_RESULT, w.receiver)
        stopped = dossier_intake(data=intake_data(w), actor=w.receiver)
        stopped = act(stopped, Action.STOP, w.receiver, note="Người nộp xin rút hồ sơ")
        fresh = dossier_intake(data=intake_data(w), actor=w.receiver)
        # A history line outside the lifecycle, with data a JSON column reads back differently (tuple, 2.0).
        dossier_event_record(
            dossier=fresh, action=Action.POSTAL_PICKUP, actor=w.receiver, data={"pair": (1, 2), "pages": 2.0}
        )
    w.full, w.stopped, w.fresh = full, stopped, fresh
    return w


def verify(*args) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("verify_history", *args, stdout=out)
    except SystemExit as exit:
        return exit.code, out.getvalue()
    return 0, out.getvalue()


def sql(statement: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def event_id(dossier, seq) -> int:
    return DossierEvent.objects.get(dossier=dossier, seq=seq).pk


def test_histories_written_by_the_services_are_clean(w):
    assert list(w.full.events.values_list("seq", flat=True)) == list(range(1, 11))
    dossier = Dossier.objects.get(pk=w.full.pk)
    assert (dossier.history_count, dossier.history_head) == (10, w.full.events.get(seq=10).hash)
    assert len(dossier.history_head) == 64
    code, out = verify()
    assert code == 0, out
    assert "Đã kiểm tra 3 hồ sơ, 14 dòng lịch sử" in out
    assert "KẾT LUẬN: TOÀN VẸN" in out


def test_each_hash_covers_the_previous_one(w):
    first, second = w.full.events.order_by("seq")[:2]
    assert first.hash == event_hash(
        prev="",
        dossier_id=w.full.pk,
        seq=1,
        action=first.action,
        from_status=first.from_status,
        to_status=first.to_status,
        at=first.at,
        actor_id=first.actor_id,
        actor_unit_id=first.actor_unit_id,
        from_step_id=first.from_step_id,
        to_step_id=first.to_step_id,
        note=first.note,
        data=first.data,
    )
    fields = dict(
        dossier_id=w.full.pk,
        seq=2,
        action=second.action,
        from_status=second.from_status,
        to_status=second.to_status,
        at=second.at,
        actor_id=second.actor_id,
        actor_unit_id=second.actor_unit_id,
        from_step_id=second.from_step_id,
        to_step_id=second.to_step_id,
        note=second.note,
        data=second.data,
    )
    assert second.hash == event_hash(prev=first.hash, **fields)
    assert second.hash != event_hash(prev="0" * 64, **fields)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("note", "Hồ sơ hợp lệ"),
        ("action", "approve"),
        ("to_status", "returned"),
        ("data", '{"assignee": "someone-else"}'),
    ],
)
def test_an_edited_column_is_reported(w, column, value):
    sql(f"UPDATE {EVENTS} SET {column} = %s WHERE id = %s", [value, event_id(w.full, 3)])
    code, out = verify()
    assert code == 1
    assert f"Hồ sơ {w.full.code} (id {w.full.pk}), dòng 3: nội dung không khớp mã băm" in out
    assert w.stopped.code not in out
    assert "KẾT LUẬN: CÓ SAI LỆCH — 1 lỗi." in out


def test_an_edited_time_is_reported_even_by_one_second(w):
    event = w.full.events.get(seq=5)
    sql(f"UPDATE {EVENTS} SET at = %s WHERE id = %s", [event.at - timedelta(seconds=1), event.pk])
    code, out = verify()
    assert code == 1
    assert f"Hồ sơ {w.full.code} (id {w.full.pk}), dòng 5: nội dung không khớp mã băm" in out


def test_an_edited_actor_is_reported(w):
    sql(f"UPDATE {EVENTS} SET actor_id = %s WHERE id = %s", [w.leader.pk, event_id(w.full, 6)])
    code, out = verify()
    assert code == 1
    assert f"{w.full.code} (id {w.full.pk}), dòng 6: nội dung không khớp mã băm" in out


def test_a_deleted_middle_row_is_reported(w):
    sql(f"DELETE FROM {EVENTS} WHERE id = %s", [event_id(w.full, 4)])
    code, out = verify()
    assert code == 1
    assert f"{w.full.code} (id {w.full.pk}), dòng 4: thiếu dòng 4: đã bị xoá." in out


def test_deleted_last_rows_are_reported(w):
    sql(f"DELETE FROM {EVENTS} WHERE dossier_id = %s AND seq >= 9", [w.full.pk])
    code, out = verify()
    assert code == 1
    assert f"{w.full.code} (id {w.full.pk}), dòng 9: thiếu dòng cuối 9–10: đã bị xoá." in out
    # The rows left form a whole chain: only the anchor says something is missing.
    assert out.count(w.full.code) == 1


def test_every_row_of_a_dossier_deleted_is_reported(w):
    sql(f"DELETE FROM {EVENTS} WHERE dossier_id = %s", [w.stopped.pk])
    code, out = verify()
    assert code == 1
    assert (
        f"Hồ sơ {w.stopped.code} (id {w.stopped.pk}), toàn bộ lịch sử: mất toàn bộ 2 dòng: đã bị xoá." in out
    )


def _forge(dossier, seq, *, hash_: str, note="Đã trả kết quả") -> None:
    last = dossier.events.order_by("-seq").first()
    sql(
        f"INSERT INTO {EVENTS} (dossier_id, seq, action, from_status, to_status, at, actor_id, actor_unit_id, "
        "from_step_id, to_step_id, note, data, hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, NULL, NULL, %s, %s, %s)",
        [
            dossier.pk,
            seq,
            "return_result",
            last.to_status,
            "returned",
            last.at + timedelta(hours=1),
            last.actor_id,
            last.actor_unit_id,
            note,
            "{}",
            hash_,
        ],
    )


def test_a_forged_row_after_the_last_one_is_reported_even_with_a_correct_hash(w):
    # The forger even computes the hash the application would: only the anchor on the dossier row says no.
    last = w.stopped.events.get(seq=2)
    forged_at = last.at + timedelta(hours=1)
    forged = event_hash(
        prev=last.hash,
        dossier_id=w.stopped.pk,
        seq=3,
        action="return_result",
        from_status=last.to_status,
        to_status="returned",
        at=forged_at,
        actor_id=last.actor_id,
        actor_unit_id=last.actor_unit_id,
        from_step_id=None,
        to_step_id=None,
        note="Đã trả kết quả",
        data={},
    )
    _forge(w.stopped, 3, hash_=forged)
    code, out = verify()
    assert code == 1
    assert f"{w.stopped.code} (id {w.stopped.pk}), dòng 3: dòng 3–3 nằm sau mốc niêm phong (2 dòng)" in out


def test_a_forged_row_in_a_gap_is_reported(w):
    sql(f"DELETE FROM {EVENTS} WHERE id = %s", [event_id(w.full, 7)])
    _forge(w.full, 7, hash_=w.full.events.get(seq=6).hash)
    code, out = verify()
    assert code == 1
    assert f"{w.full.code} (id {w.full.pk}), dòng 7: nội dung không khớp mã băm" in out


def test_a_row_without_hash_is_reported(w):
    _forge(w.fresh, 3, hash_="")
    code, out = verify()
    assert code == 1
    assert f"{w.fresh.code} (id {w.fresh.pk}), dòng 3: dòng không có mã băm: dòng bị chèn thêm." in out


def test_two_swapped_rows_are_reported(w):
    second, third = event_id(w.full, 2), event_id(w.full, 3)
    sql(f"UPDATE {EVENTS} SET seq = 1000 WHERE id = %s", [second])
    sql(f"UPDATE {EVENTS} SET seq = 2 WHERE id = %s", [third])
    sql(f"UPDATE {EVENTS} SET seq = 3 WHERE id = %s", [second])
    code, out = verify()
    assert code == 1
    assert f"{w.full.code} (id {w.full.pk}), dòng 2: nội dung không khớp mã băm" in out
    assert f"{w.full.code} (id {w.full.pk}), dòng 3: nội dung không khớp mã băm" in out


def test_a_row_moved_to_another_dossier_is_reported(w):
    sql(f"UPDATE {EVENTS} SET dossier_id = %s, seq = 3 WHERE id = %s", [w.stopped.pk, event_id(w.full, 10)])
    code, out = verify()
    assert code == 1
    assert f"{w.full.code} (id {w.full.pk}), dòng 10: thiếu dòng cuối 10: đã bị xoá." in out
    assert f"{w.stopped.code} (id {w.stopped.pk}), dòng 3: nội dung không khớp mã băm" in out


def test_one_dossier_by_code(w):
    sql(f"UPDATE {EVENTS} SET note = 'sửa' WHERE id = %s", [event_id(w.full, 2)])
    code, out = verify("--dossier", w.stopped.code)
    assert (code, "Đã kiểm tra 1 hồ sơ, 2 dòng lịch sử") == (0, out.split(" trong ")[0].splitlines()[-1])
    code, out = verify("--dossier", w.full.code)
    assert code == 1
    assert "Đã kiểm tra 1 hồ sơ, 10 dòng lịch sử" in out
    with pytest.raises(CommandError, match="Không có hồ sơ mã H12.99-000000-0000"):
        call_command("verify_history", "--dossier", "H12.99-000000-0000", stdout=StringIO())


def test_since_checks_dossiers_created_from_that_day(w):
    code, out = verify("--since", "2026-03-03")
    assert code == 0
    assert "Đã kiểm tra 0 hồ sơ, 0 dòng lịch sử" in out
    code, out = verify("--since", "2026-03-02")
    assert "Đã kiểm tra 3 hồ sơ, 14 dòng lịch sử" in out
    with pytest.raises(CommandError, match="Ngày không hợp lệ"):
        call_command("verify_history", "--since", "02/03/2026", stdout=StringIO())


def test_exported_anchors_catch_a_deleted_dossier_and_a_rewritten_history(w, tmp_path):
    anchors = tmp_path / "anchors.tsv.gz"
    code, out = verify("--export", str(anchors))
    assert code == 0
    assert f"Đã ghi mốc của 3 hồ sơ vào {anchors}; SHA-256 của tệp: " in out
    assert verify("--against", str(anchors))[0] == 0
    # History grows after the export: still consistent with it.
    with time_machine.travel(at(2026, 3, 3, 8, 0), tick=False):
        act(w.fresh, Action.TRANSFER, w.receiver)
    assert verify("--against", str(anchors))[0] == 0

    # Someone with write access rewrites a note and recomputes every hash and the anchor: the chain alone is
    # whole again; only the exported copy tells.
    sql(f"UPDATE {EVENTS} SET note = 'Hồ sơ hợp lệ' WHERE id = %s", [event_id(w.full, 5)])
    prev = w.full.events.get(seq=4).hash
    for event in w.full.events.filter(seq__gte=5).order_by("seq"):
        prev = event_hash_of(event, prev=prev)
        sql(f"UPDATE {EVENTS} SET hash = %s WHERE id = %s", [prev, event.pk])
    sql(f"UPDATE {DOSSIERS} SET history_head = %s WHERE id = %s", [prev, w.full.pk])
    assert verify()[0] == 0
    # And a whole dossier, its row with its history, is removed.
    sql(f"DELETE FROM {EVENTS} WHERE dossier_id = %s", [w.stopped.pk])
    # The ORM only to follow the dossier's other tables (steps, documents, messages) the way SQL would have to.
    Dossier.objects.filter(pk=w.stopped.pk).delete()
    assert verify()[0] == 0
    code, out = verify("--against", str(anchors))
    assert code == 1
    assert (
        f"Hồ sơ {w.full.code} (id {w.full.pk}), dòng 10: khác mã băm trong tệp mốc: lịch sử đến dòng này đã bị "
        "viết lại." in out
    )
    assert (
        f"Hồ sơ {w.stopped.code} (id {w.stopped.pk}), toàn bộ lịch sử: có trong tệp mốc (2 dòng) nhưng đã bị xoá "
        "hẳn." in out
    )
    assert "CÓ SAI LỆCH — 2 lỗi" in out


def test_rows_of_an_upgraded_database_are_sealed_once(w):
    # As the rows stood before the upgrade: no hash and no anchor.
    sql(f"UPDATE {EVENTS} SET hash = ''")
    sql(f"UPDATE {DOSSIERS} SET history_count = 0, history_head = ''")
    code, out = verify()
    assert code == 1
    assert (
        f"{w.full.code} (id {w.full.pk}), toàn bộ lịch sử: có 10 dòng nhưng hồ sơ chưa được niêm phong" in out
    )
    # A row forged with a hash into an unsealed dossier keeps that dossier from being sealed.
    _forge(w.fresh, 3, hash_="f" * 64)
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("verify_history", "--seal-existing", stdout=out)
    assert "Đã niêm phong 2 hồ sơ, 12 dòng lịch sử." in out.getvalue()
    assert f"Hồ sơ id {w.fresh.pk}: có dòng đã mang mã băm nhưng hồ sơ chưa có mốc" in out.getvalue()
    sql(f"DELETE FROM {EVENTS} WHERE dossier_id = %s AND seq = 3", [w.fresh.pk])
    sql(f"UPDATE {EVENTS} SET hash = '' WHERE dossier_id = %s", [w.fresh.pk])
    call_command("verify_history", "--seal-existing", stdout=StringIO())
    code, out = verify()
    assert code == 0, out
    # New rows continue the sealed chains.
    with time_machine.travel(at(2026, 3, 3, 8, 0), tick=False):
        act(w.fresh, Action.TRANSFER, w.receiver)
    assert verify()[0] == 0


def test_the_console_command_takes_the_hyphenated_name(w, capsys):
    motcua_main(["motcua", "verify-history", "--dossier", w.full.code])
    assert "KẾT LUẬN: TOÀN VẸN" in capsys.readouterr().out


def test_the_hash_is_sha256_of_canonical_json_so_other_tools_can_recompute_it():
    fields = dict(
        prev="ab" * 32,
        dossier_id=7,
        seq=2,
        action=Action.FORWARD,
        from_status="processing",
        to_status="processing",
        at=at(2026, 3, 2, 8, 30, 0, 120000),
        actor_id=3,
        actor_unit_id=None,
        from_step_id=11,
        to_step_id=12,
        note="Chuyển Sở Xây dựng",
        data={"b": [1, 2.0], "a": "đ"},
    )
    canonical = (
        '{"action":"forward","actor":3,"actor_unit":null,"at":"2026-03-02T01:30:00.120000Z",'
        '"data":{"a":"đ","b":[1,2]},"dossier":7,"from_status":"processing","from_step":11,'
        '"note":"Chuyển Sở Xây dựng","prev":"'
        + "ab" * 32
        + '","seq":2,"to_status":"processing","to_step":12,"v":1}'
    )
    assert event_hash(**fields) == hashlib.sha256(canonical.encode()).hexdigest()
