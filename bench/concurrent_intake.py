"""Counter intakes from many concurrent clients against several server processes, then the register checked.

    .venv/bin/python bench/concurrent_intake.py --clients 64 --per-client 20 --workers 4

Without --database-url, a scratch PostgreSQL database is created, migrated, loaded with the demo
organisation and catalogue, and dropped at the end. gunicorn serves the application with --workers sync
processes on a free port; each client is a thread with its own HTTP session and bearer token of one of the
demo receiving officers, posting --per-client intakes (POST /api/v1/dossiers) with distinct applicants.
The database is then checked (bench/harness.py check_register): no duplicate code, no gap in any unit/day
sequence, every acknowledged dossier present with its applicant, every dossier of the run complete.
Prints throughput and latency p50/p99; exits 1 on any violation. See bench/README.md."""

from __future__ import annotations

import argparse
import sys
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
    parser.add_argument("--per-client", type=int, default=20, help="intakes per client")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--procedure", default=harness.DEFAULT_PROCEDURE)
    parser.add_argument("--officers", nargs="*", help="usernames (default: every demo receiving officer)")
    args = parser.parse_args()

    with harness.database(args.database_url, keep=args.keep):
        harness.django_setup()
        officers = harness.officer_tokens(args.officers, args.procedure)
        server = harness.Server(workers=args.workers)
        server.start()
        run = uuid.uuid4().hex[:8]
        try:
            print(
                f"{args.clients} clients × {args.per_client} intakes, {len(officers)} officers "
                f"({len({o.unit for o in officers})} centres), {args.workers} workers at {server.url}; "
                f"load before {harness.loadavg()}",
                flush=True,
            )
            tally, seconds = harness.run_clients(
                clients=args.clients,
                officers=officers,
                base_url=server.url,
                procedure=args.procedure,
                run=run,
                count=args.per_client,
            )
            load_after = harness.loadavg()
        finally:
            server.stop()
        time.sleep(0.5)
        result = harness.check_register(acks=tally.acks, run=run)

    acked = len(tally.acks)
    print(f"machine: {harness.machine()}")
    print(
        f"acknowledged {acked} of {args.clients * args.per_client} in {seconds:.1f} s: "
        f"{acked / seconds:.1f} dossiers/s; latency p50 {harness.percentile(tally.latencies_ms, 50):.0f} ms, "
        f"p99 {harness.percentile(tally.latencies_ms, 99):.0f} ms; load after {load_after}"
    )
    print(f"not answered: {tally.unanswered}; refused: {len(tally.refused)}; {result['stats']}")
    for line in tally.refused[:5]:
        print(f"      {line}")
    bad = harness.print_violations(result)
    # Without crashes every request must be answered 201: anything else is a failure too.
    bad += len(tally.refused) + tally.unanswered + tally.refused_connections
    print("OK" if not bad else "FAILED")
    return 0 if not bad else 1


if __name__ == "__main__":
    sys.exit(main())
