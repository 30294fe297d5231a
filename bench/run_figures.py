"""Figures of the dossier register at scale, each against a naive baseline measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_bench \
        .venv/bin/python bench/run_figures.py --dossiers 1000000 --years 10

Creates and migrates the database if needed, loads the demo organisation and catalogue, synthesises dossiers
up to --dossiers (motcua.demo.synth), then times each operation a bounded number of times and prints
operation, median ms, p99 ms, baseline ms and ratio (baseline ÷ median). See bench/README.md."""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")


def ensure_database(url: str) -> None:
    """CREATE DATABASE when it does not exist (PostgreSQL only)."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        return
    admin = psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"] or "postgres",
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{config["NAME"]}"')


def timed(fn, *, repeats: int, budget: float) -> list[float]:
    """Milliseconds of up to `repeats` calls, stopping early once `budget` seconds are spent."""
    samples = []
    spent_from = time.perf_counter()
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
        if time.perf_counter() - spent_from > budget:
            break
    return samples


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--years", type=float, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=20, help="calls per operation at most")
    parser.add_argument("--budget", type=float, default=30.0, help="seconds per operation at most")
    parser.add_argument(
        "--skip-python-read",
        action="store_true",
        help="leave out the naive Python read of every dossier (for scale only; minutes at 10 M)",
    )
    parser.add_argument("--only", default="", help="run only the operations whose name contains this text")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL")
    if not url:
        print("DATABASE_URL is required (a PostgreSQL database to fill).", file=sys.stderr)
        return 2
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Q
    from django.utils import timezone

    from motcua.backoffice.views.worklists import SORTS as WORKLIST_SORTS
    from motcua.demo.dossiers import _Actors
    from motcua.demo.loader import demo_load
    from motcua.demo.synth import synth, synth_columns_check
    from motcua.dossiers.enums import Status
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.permissions import acting_unit_ids
    from motcua.dossiers.selectors import (
        dossier_page,
        dossier_public_status,
        dossier_queryset_for_staff,
        dossier_worklist,
    )
    from motcua.org.enums import Role, UnitKind
    from motcua.org.models import Unit
    from motcua.org.selectors import user_roles
    from motcua.reports.index766 import index766
    from motcua.reports.selectors import period_bounds, summary, summary_recount

    call_command("migrate", verbosity=0)
    synth_columns_check()
    demo_load()
    have = Dossier.objects.count()
    if have < args.dossiers:
        print(f"synthesising {args.dossiers - have:,} dossiers over {args.years} years …", flush=True)
        counts = synth(dossiers=args.dossiers - have, years=args.years, seed=args.seed)
        print(f"synth: {counts}", flush=True)
    total = Dossier.objects.count()

    rng = random.Random(args.seed)
    today = timezone.localdate()
    month_to = today.replace(day=1) - timedelta(days=1)
    month_from = month_to.replace(day=1)
    year_from, year_to = today - timedelta(days=364), today

    def naive_summary(date_from, date_to):
        """Every dossier received before the end, read into Python and counted there."""
        start, end = period_bounds(date_from, date_to)
        counts = dict.fromkeys(("carried", "received", "resolved", "stopped", "open", "returned"), 0)
        rows = (
            Dossier.objects.filter(received_at__lt=end)
            .order_by()
            .values_list("received_at", "result_ready_at", "returned_at", "closed_at", "status")
            .iterator(chunk_size=20000)
        )
        for received, ready, returned, closed, status in rows:
            stopped_at = closed if status == Status.STOPPED else None
            finished = ready or stopped_at
            if received < start and (finished is None or finished >= start):
                counts["carried"] += 1
            if received >= start:
                counts["received"] += 1
            if ready is not None and start <= ready < end:
                counts["resolved"] += 1
            if stopped_at is not None and start <= stopped_at < end:
                counts["stopped"] += 1
            if finished is None or finished >= end:
                counts["open"] += 1
            if returned is not None and start <= returned < end:
                counts["returned"] += 1
        return counts

    centre = Unit.objects.filter(kind=UnitKind.PROVINCIAL_CENTRE).first()
    officer = _Actors().find(Role.RECEIVING_OFFICER, centre)
    acting = acting_unit_ids(officer)

    def worklist():
        """What the worklist page runs: the first 25 rows by due date, and the count its pager shows (as
        a request, the officer's roles and scope read afresh)."""
        user = type(officer).objects.get(pk=officer.pk)
        rows = dossier_worklist(user=user, worklist="todo")
        page = dossier_page(rows, order_by=WORKLIST_SORTS["due"], number=1, per_page=25)
        return [dossier.pk for dossier in page.object_list], page.paginator.count

    def naive_worklist():
        """The same list as one OR over the dossier table joined to its current step, within the officer's
        visibility scope: what an ORM query written straight from the rule looks like."""
        roles = {r.role for r in user_roles(officer)}
        waiting = Q(
            Q(current_step__assignee__isnull=True) | Q(current_step__assignee=officer),
            current_step__unit_id__in=acting,
            current_step__role__in=roles,
            current_step__finished_at__isnull=True,
            status__in=[Status.PROCESSING, Status.RESULT_READY],
        )
        reception = Q(
            receiving_unit_id__in=acting, status__in=[Status.SUBMITTED, Status.RECEIVED, Status.RESULT_READY]
        )
        rows = (
            dossier_queryset_for_staff(officer).filter(waiting | reception).order_by(*WORKLIST_SORTS["due"])
        )
        return [dossier.pk for dossier in rows[:25]], rows.count()

    def register(order, *, counted: bool, naive: bool = False):
        """The register list as the page reads it (newest first along its index, never counted), against
        the rows sorted and counted in one query with the wide joins (the page before session 7)."""
        user = type(officer).objects.get(pk=officer.pk)
        rows = dossier_worklist(user=user, worklist="unit")
        if naive:
            ordered = rows.order_by(*order)
            return [dossier.pk for dossier in ordered[:25]], ordered.count()
        page = dossier_page(rows, order_by=order, number=1, per_page=25, counted=counted)
        return [dossier.pk for dossier in page.object_list], page.paginator.count

    max_id = Dossier.objects.order_by("-id").values_list("id", flat=True).first()
    samples = []
    while len(samples) < 200:
        ids = [rng.randint(1, max_id) for _ in range(400)]
        samples += list(
            Dossier.objects.filter(pk__in=ids, code__isnull=False).values_list("code", "applicant_phone")[
                :200
            ]
        )
    lookups = iter(samples * 10)

    def lookup():
        code, phone = next(lookups)
        return dossier_public_status(code=code, phone_last4=phone[-4:])

    def naive_lookup():
        """The applicant's phone suffix first (no index can serve a suffix), then the code in Python."""
        code, phone = next(lookups)
        rows = Dossier.objects.filter(applicant_phone__endswith=phone[-4:]).values_list("code", flat=True)
        return [c for c in rows.iterator(chunk_size=20000) if c == code]

    def index_all_units(recount: bool):
        """The province's index with the group points of every top-level unit (the dashboard's 766 chart)."""
        return index766(date_from=month_from, date_to=month_to, with_children=True, recount=recount)

    def index_counts(result):
        rows = [(i.indicator.code, i.numerator, i.denominator) for g in result.groups for i in g.indicators]
        for child, groups in result.children:
            rows += [
                (child.pk, i.indicator.code, i.numerator, i.denominator) for g in groups for i in g.indicators
            ]
        return rows

    from django.contrib.auth import get_user_model
    from django.test import Client

    supervisor = get_user_model().objects.get(username="giamsat")  # the province's supervisor (demo_load)
    browser = Client(HTTP_HOST="127.0.0.1")
    browser.force_login(supervisor)

    def dashboard_page(query: str):
        """The whole page as the supervisor's browser gets it: figures, five charts, template."""
        response = browser.get(f"/can-bo/bang-dieu-khien/{query}")
        assert response.status_code == 200, response.status_code
        return response

    # The reports read pre-aggregated sums; their baseline is the same report counted from the dossier
    # table (`summary_recount`, one aggregated SQL query per figure set — the naive query), which must agree.
    operations = [
        (
            f"summary month {month_from:%Y-%m}",
            lambda: summary(date_from=month_from, date_to=month_to),
            lambda: summary_recount(date_from=month_from, date_to=month_to),
            lambda a, b: a.totals == b.totals and [r.figures for r in a.rows] == [r.figures for r in b.rows],
        ),
        (
            f"summary year {year_from}..{year_to}",
            lambda: summary(date_from=year_from, date_to=year_to),
            lambda: summary_recount(date_from=year_from, date_to=year_to),
            lambda a, b: a.totals == b.totals and [r.figures for r in a.rows] == [r.figures for r in b.rows],
        ),
        (
            "summary year by officer",
            lambda: summary(date_from=year_from, date_to=year_to, group_by="officer"),
            lambda: summary_recount(date_from=year_from, date_to=year_to, group_by="officer"),
            lambda a, b: a.totals == b.totals and [r.figures for r in a.rows] == [r.figures for r in b.rows],
        ),
        (
            f"766 index, province + all units {month_from:%Y-%m}",
            lambda: index_all_units(False),
            lambda: index_all_units(True),
            lambda a, b: index_counts(a) == index_counts(b),
        ),
        ("dashboard page, province, last 30 days", lambda: dashboard_page(""), None, None),
        (
            "dashboard page, province, a year",
            lambda: dashboard_page(f"?tu={year_from}&den={year_to}"),
            None,
            None,
        ),
        ("officer worklist (todo, 25 rows + count)", worklist, naive_worklist, lambda a, b: a == b),
        (
            "register (all of the unit), centre officer, page 1",
            lambda: register(WORKLIST_SORTS["-received"], counted=False),
            lambda: register(WORKLIST_SORTS["-received"], counted=True, naive=True),
            lambda a, b: a[0] == b[0],
        ),
        ("public status lookup", lookup, naive_lookup, None),
    ]
    naive_python = [
        ("(naive Python read) summary month", lambda: naive_summary(month_from, month_to)),
    ]
    if args.skip_python_read:
        naive_python = []

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        server = cursor.fetchone()[0].split(",")[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    memory = ""
    try:
        kib = int(next(line for line in open("/proc/meminfo") if line.startswith("MemTotal")).split()[1])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    print(f"\nmachine: {platform.platform()}, {os.cpu_count()} CPUs, {memory}; {server}; database {size}")
    print(f"dossiers: {total:,}; repeats ≤ {args.repeats}, ≤ {args.budget:.0f} s per operation\n")
    header = f"{'operation':46} {'n':>4} {'median ms':>10} {'p99 ms':>9} {'baseline ms':>12} {'ratio':>8} {'equal':>6}"
    print(header)
    print("-" * len(header))
    worst = True
    # The worklist and the lookup are the calls made thousands of times a day: more samples for their p99.
    frequent = {"officer worklist (todo, 25 rows + count)", "public status lookup"}
    for name, fn, baseline, same in operations:
        if args.only and args.only not in name:
            continue
        fast = fn()  # warm the caches once, as a running server would be
        repeats = args.repeats * 10 if name in frequent else args.repeats
        samples = timed(fn, repeats=repeats, budget=args.budget)
        median = statistics.median(samples)
        if baseline is None:  # a whole page: its figures are the reports' above, compared there
            print(
                f"{name:46} {len(samples):>4} {median:>10.1f} {p99(samples):>9.1f} {'-':>12} {'-':>8} {'-':>6}"
            )
            continue
        slow = baseline()
        base = [*timed(baseline, repeats=2, budget=args.budget)]
        base_median = statistics.median(base)
        equal = "-" if same is None else ("yes" if same(fast, slow) else "NO")
        worst = worst and equal != "NO"
        print(
            f"{name:46} {len(samples):>4} {median:>10.1f} {p99(samples):>9.1f} {base_median:>12.1f} "
            f"{base_median / median:>7.1f}× {equal:>6}",
            flush=True,
        )
    for name, fn in naive_python if not args.only else []:
        print(f"{name:46} {statistics.median(timed(fn, repeats=1, budget=args.budget)):>27.1f}", flush=True)
    return 0 if worst else 1


if __name__ == "__main__":
    sys.exit(main())
