"""Counter intakes under load while server processes are killed with SIGKILL, then the register checked.

    .venv/bin/python bench/crash_intake.py --clients 64 --per-client 30 --workers 4 --kills 6 --mode worker

Same set-up as bench/concurrent_intake.py. While the clients run, every --interval seconds one gunicorn
worker chosen at random gets SIGKILL (--mode worker; the master forks a new one), or the master and all its
workers do and the server is started again on the same port (--mode server). A client that gets no answer
(connection refused or reset, 502/503/504, timeout) counts the intake as not acknowledged and goes on.

At the end every acknowledged dossier must be present and complete, and no dossier of the run may be
half-written (a dossier row without its documents, first step, history row, code or due date). The code
number is taken inside the intake transaction, so a transaction killed before COMMIT gives it back: the
unit/day sequences must have no gap even here (bench/harness.py check_register). A dossier that committed
just before its worker died is present but was never acknowledged: counted, not a violation.
Exits 1 on any violation. See bench/README.md."""

from __future__ import annotations

import argparse
import random
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", help="an existing database (default: a scratch one, dropped after)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--per-client", type=int, default=30, help="intakes per client")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--kills", type=int, default=6, help="SIGKILLs during the run")
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between kills")
    parser.add_argument("--mode", choices=("worker", "server"), default="worker")
    parser.add_argument("--procedure", default=harness.DEFAULT_PROCEDURE)
    parser.add_argument("--officers", nargs="*", help="usernames (default: every demo receiving officer)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with harness.database(args.database_url, keep=args.keep):
        harness.django_setup()
        officers = harness.officer_tokens(args.officers, args.procedure)
        server = harness.Server(workers=args.workers)
        server.start()
        run = uuid.uuid4().hex[:8]
        kills: list[str] = []
        done = threading.Event()
        give_up = threading.Event()
        failures: list[str] = []

        def killer() -> None:
            for _ in range(args.kills):
                if done.wait(args.interval):
                    return
                if args.mode == "worker":
                    pid = server.kill_worker(rng)
                    kills.append(f"worker {pid}")
                else:
                    server.kill_all()
                    kills.append("server")
                    try:
                        server.start()
                    except RuntimeError as error:
                        failures.append(f"restart failed: {error}")
                        give_up.set()  # clients would retry a dead server for ever
                        return

        print(
            f"{args.clients} clients × {args.per_client} intakes, {args.workers} workers, "
            f"{args.kills} × SIGKILL ({args.mode}) every {args.interval} s; load before {harness.loadavg()}",
            flush=True,
        )
        thread = threading.Thread(target=killer)
        thread.start()
        try:
            tally, seconds = harness.run_clients(
                clients=args.clients,
                officers=officers,
                base_url=server.url,
                procedure=args.procedure,
                run=run,
                count=args.per_client,
                stop=give_up,
            )
            done.set()
            thread.join()
            load_after = harness.loadavg()
        finally:
            done.set()
            server.stop()
        # A killed worker's backend may still be rolling back: let PostgreSQL notice the closed sockets.
        time.sleep(2)
        result = harness.check_register(acks=tally.acks, run=run)

    acked = len(tally.acks)
    print(f"machine: {harness.machine()}")
    print(f"kills: {len(kills)} ({', '.join(kills)})")
    print(
        f"acknowledged {acked}, not answered {tally.unanswered}, refused {len(tally.refused)}, "
        f"connections refused (retried) {tally.refused_connections}, "
        f"of {args.clients * args.per_client} in {seconds:.1f} s: {acked / seconds:.1f} dossiers/s; "
        f"latency p50 {harness.percentile(tally.latencies_ms, 50):.0f} ms, "
        f"p99 {harness.percentile(tally.latencies_ms, 99):.0f} ms; load after {load_after}"
    )
    print(f"{result['stats']}")
    for line in tally.refused[:5]:
        print(f"      {line}")
    bad = harness.print_violations(result) + len(tally.refused) + len(failures)
    for line in failures:
        print(f"  {line}")
    if len(kills) < args.kills:
        print(
            f"only {len(kills)} of {args.kills} kills happened before the clients finished: raise --per-client"
        )
        bad += 1
    print("OK" if not bad else "FAILED")
    return 0 if not bad else 1


if __name__ == "__main__":
    sys.exit(main())
