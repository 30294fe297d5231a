"""Codes stay unique and gapless under concurrent counter intake: a database guarantee, not luck."""

import threading
from datetime import datetime

import pytest
import time_machine
from django.db import connection, connections

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_intake
from motcua.workcal.calendar import LOCAL_TZ
from tests.factories import dossier_world, intake_data

WORKERS = 8
# 400 intakes: eight threads contend for the same day's counter from the first to the last. The volume test
# (64 clients, 4 server processes) is bench/concurrent_intake.py; 2,000 here took 92 s of CI's 15 minutes.
PER_WORKER = 50


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_intakes_get_unique_gapless_codes():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://… (CI's second pass does)")
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL_TZ), tick=False):
        w = dossier_world()
        errors: list[BaseException] = []
        start = threading.Barrier(WORKERS)

        def worker(index: int) -> None:
            try:
                start.wait()
                for n in range(PER_WORKER):
                    data = intake_data(w)
                    data.applicant.id_number = f"0961{index:02d}{n:06d}"
                    dossier_intake(data=data, actor=w.receiver)
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(WORKERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert errors == []
    codes = list(Dossier.objects.values_list("code", flat=True))
    assert len(codes) == WORKERS * PER_WORKER
    assert len(set(codes)) == len(codes)
    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in codes)
    assert numbers == list(range(1, WORKERS * PER_WORKER + 1))
    assert all(code.startswith("H12.99-260302-") for code in codes)
