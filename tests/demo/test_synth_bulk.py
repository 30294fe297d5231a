"""`motcua synth` run by its command and in bulk-load mode: each test needs a database of its own (the
shared synthetic rows of test_synth.py would change their counts)."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Max
from django.utils import timezone

from motcua.demo.loader import demo_load
from motcua.demo.synth import synth, synth_columns_check
from motcua.dossiers.models import Dossier, DossierEvent


def test_command_loads_the_demo_first(db):
    synth_columns_check()
    out = StringIO()
    call_command("synth", dossiers=40, years=0.5, stderr=StringIO(), stdout=out)
    assert "40 hồ sơ" in out.getvalue()
    assert Dossier.objects.count() == 40
    assert Dossier.objects.aggregate(m=Max("received_at"))["m"] <= timezone.now()


SYNTH_TABLES = (
    "dossiers_dossier",
    "dossiers_dossierstep",
    "dossiers_dossierevent",
    "dossiers_dossierdocument",
    "dossiers_applicant",
    "reports_figurestate",
)


def _indexes() -> set[str]:
    """Every index and constraint of the tables synth fills, by definition."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = ANY(%s)", [list(SYNTH_TABLES)])
        # PostgreSQL deparses a rebuilt partial index's `IN (...)` with its casts written differently
        # (ARRAY[('a'::varchar)::text] for ARRAY['a'::varchar]::text[]): compared without casts and brackets.
        found = {re.sub(r"::[a-z ]+(\[\])?|[()\[\] ]", "", row[0]) for row in cursor.fetchall()}
        cursor.execute(
            "SELECT t.relname, k.conname, k.contype, pg_get_constraintdef(k.oid) FROM pg_constraint k "
            "JOIN pg_class t ON t.oid = k.conrelid WHERE t.relname = ANY(%s)",
            [list(SYNTH_TABLES)],
        )
        return found | {" ".join(row) for row in cursor.fetchall()}


@pytest.fixture
def postgres_only():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("bulk loading (indexes dropped and rebuilt) is PostgreSQL only")


def test_bulk_load_rebuilds_every_index_and_keeps_the_rules(db, postgres_only):
    from motcua.reports.figures import figures_differences

    demo_load()
    before = _indexes()
    assert any(" u UNIQUE (code)" in text for text in before)  # a unique constraint is among those rebuilt
    counts = synth(dossiers=250, years=2, seed=5, batch=90, progress=False, bulk_load=True)
    assert counts["indexes_rebuilt"] > 20
    assert _indexes() == before
    assert Dossier.objects.count() == 250
    out = StringIO()
    call_command("verify_history", stdout=out)
    assert "KẾT LUẬN: TOÀN VẸN" in out.getvalue()
    assert figures_differences() == []
    # A second run adds to the sums already kept (the first wrote them straight into an empty table).
    synth(dossiers=120, years=2, seed=6, batch=70, progress=False, bulk_load=False)
    assert Dossier.objects.count() == 370
    assert figures_differences() == []


def test_a_failed_bulk_load_leaves_nothing_and_every_index(db, postgres_only, monkeypatch):
    import motcua.demo.synth as module

    demo_load()
    before = _indexes()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(module, "_figures_write", broken)
    with pytest.raises(RuntimeError):
        synth(dossiers=120, years=1, seed=5, batch=50, progress=False, bulk_load=True)
    assert _indexes() == before
    assert not Dossier.objects.exists() and not DossierEvent.objects.exists()


def test_batches_follow_the_calendar(db):
    # Each batch takes the next slice of the period: the tables fill in order of reception, as in production.
    demo_load()
    synth(dossiers=300, years=2, seed=3, batch=100, progress=False)
    rows = list(Dossier.objects.order_by("id").values_list("submitted_at", flat=True))
    thirds = [sorted(rows[i * 100 : (i + 1) * 100]) for i in range(3)]
    assert thirds[0][50] < thirds[1][50] < thirds[2][50]
    assert (
        thirds[0][-5] <= thirds[2][5]
    )  # the first batch's late rows still come before the last's early ones


def test_every_table_synth_fills_is_sent_in_binary(db, postgres_only):
    # A column type the binary encoder does not handle would send its table as CSV again, silently slower
    # (the text input of timestamps and the CSV parser were over half of the COPY backend's time).
    from django.db import connection

    import motcua.demo.synth as module
    from motcua.dossiers.models import Applicant, DossierDocument, DossierStep
    from motcua.reports.models import FigureState

    connection.ensure_connection()
    for model in (Applicant, Dossier, DossierStep, DossierEvent, DossierDocument, FigureState):
        table = module._table(model, dict.fromkeys(module._columns(model)), 2)
        encoded = module._binary(connection.connection, model._meta.db_table, table)
        assert encoded is not None, model
        assert encoded.startswith(b"PGCOPY\n\xff\r\n\x00")
    # A type it does not handle (here: a uuid column) falls back to CSV instead of failing.
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE synth_binary_probe (id bigint, token uuid)")
    probe = module.pa.table({"id": module.pa.array([1]), "token": module.pa.array(["0" * 32])})
    assert module._binary(connection.connection, "synth_binary_probe", probe) is None
