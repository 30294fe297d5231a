"""HTTP load from a second process (wrk): the empty endpoint, public status lookup and counter intake.

    DATABASE_URL=… or --database-url postgres://postgres@127.0.0.1:5432/motcua_bench \
        .venv/bin/python bench/load_http.py --workers 4 --duration 10

Starts gunicorn (--workers sync processes, the status rate limit raised) on the given, already filled
database and drives it with wrk (Debian: `apt-get install wrk`), which runs as its own process:

  ping    GET /api/v1/ping: Django and django-ninja answering {"ok": true} without the database
  lookup  GET /api/v1/public/status/<code>?phone=<4 digits> for codes sampled at random from the database
  floor   (with --floor) GET /floor/query/<code>, bench-only (bench/floor_urls.py): one indexed read of one
          column by the same codes, nothing else — no lookup that reads the database can do better
  intake  POST /api/v1/dossiers as the demo receiving officers (bearer tokens), distinct applicants with
          ID numbers (the counter's usual case: the applicant is upserted on it);
          this WRITES dossiers into the database (skip with --no-intake)

For each, the peak: closed-loop runs at rising connection counts (--connections) until throughput stops
rising; then the latency at half of the peak: the same connections, each waiting a random (exponential)
pause between requests so the offered rate is about half the peak. Prints requests/s, p50 and p99 (wrk's
own latency record, from the request's send to its last byte), lookup ÷ ping and floor ÷ ping. See bench/README.md."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

# done() runs once after the run, in wrk's main Lua state: one JSON line the script parses.
DONE = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "mean_us": %.1f, ' ..
    '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""

# Each wrk thread gets its own Lua state: an id from setup() to seed its random numbers and name applicants.
COMMON = r"""
local counter = 1
setup = function(thread)
  thread:set("id", counter)
  counter = counter + 1
end
local pause_ms = tonumber(os.getenv("BENCH_PAUSE_MS") or "0")
delay = function()
  if pause_ms <= 0 then return 0 end
  return -math.log(1 - math.random()) * pause_ms
end
"""

PING = """
request = function()
  return wrk.format("GET", "/api/v1/ping")
end
"""

LOOKUP = """
local paths = {}
init = function(args)
  math.randomseed(os.time() * 1000 + (id or 0))
  for line in io.lines(os.getenv("BENCH_CODES")) do
    paths[#paths + 1] = line
  end
end
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""

# The same sampled codes as the lookup, asked of the bench-only floor endpoint (bench/floor_urls.py, --floor).
FLOOR = """
local paths = {}
init = function(args)
  math.randomseed(os.time() * 1000 + (id or 0))
  for line in io.lines(os.getenv("BENCH_CODES")) do
    paths[#paths + 1] = "/floor/query/" .. line:match("/status/([^?]+)")
  end
end
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""

INTAKE = """
local bodies = {}
local tokens = {}
local n = 0
init = function(args)
  math.randomseed(os.time() * 1000 + (id or 0))
  for line in io.lines(os.getenv("BENCH_OFFICERS")) do
    local token, competent = line:match("([^ ]+) ([^ ]+)")
    tokens[#tokens + 1] = {token, competent}
  end
end
request = function()
  n = n + 1
  local officer = tokens[((id or 1) + n) % #tokens + 1]
  local body = string.format(
    '{"procedure": "%s", "competent_unit": "%s", "note": "bench", ' ..
    '"applicant": {"name": "Người nộp tải %s %d %d", "phone": "09%03d%05d", "id_number": "%s%02d%06d"}, ' ..
    '"documents": [{"name": "Tờ khai", "paper_kind": "original", "quantity": 1}]}',
    os.getenv("BENCH_PROCEDURE"), officer[2], os.getenv("BENCH_RUN"), id or 0, n, (id or 0) % 1000, n % 100000,
    os.getenv("BENCH_RUN"), (id or 0) % 100, n % 1000000)
  return wrk.format("POST", "/api/v1/dossiers",
    {["Authorization"] = "Bearer " .. officer[1], ["Content-Type"] = "application/json"}, body)
end
"""


def sample_lookups(count: int, path: Path) -> int:
    """`count` random received dossiers as lookup paths; TABLESAMPLE keeps this cheap on 10 M rows."""
    from django.db import connection

    from motcua.dossiers.models import Dossier

    table = Dossier._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        rows = max(1.0, float(cursor.fetchone()[0]))
        percent = min(100.0, 100.0 * count * 20 / rows)
        cursor.execute(
            f"SELECT code, applicant_phone FROM {table} TABLESAMPLE SYSTEM (%s) "
            "WHERE code IS NOT NULL AND length(regexp_replace(applicant_phone, '[^0-9]', '', 'g')) >= 4 LIMIT %s",
            [percent, count],
        )
        found = cursor.fetchall()
    import re

    lines = [
        f"/api/v1/public/status/{code}?phone={re.sub(r'[^0-9]', '', phone)[-4:]}" for code, phone in found
    ]
    path.write_text("\n".join(lines) + "\n")
    return len(lines)


def wrk(
    server: harness.Server, script: Path, *, connections: int, duration: float, env: dict, pause_ms: float = 0
) -> dict:
    command = [
        "wrk",
        f"-t{min(connections, 2)}",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "30s",
        "-s",
        str(script),
        server.url,
    ]
    group = server.process.pid if server.process is not None else None
    before = harness.cpu_snapshot(group)
    out = subprocess.run(
        command, env={**os.environ, **env, "BENCH_PAUSE_MS": str(pause_ms)}, capture_output=True, text=True
    )
    after = harness.cpu_snapshot(group)
    line = next((x for x in out.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no result: {out.stdout}\n{out.stderr}")
    result = json.loads(line[len("RESULT ") :])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["cpu_ms"] = harness.cpu_per_request(before, after, result["requests"])
    result["errors"] = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    result["connections"] = connections
    result["load"] = harness.loadavg()
    return result


def peak(
    server, script, *, levels: list[int], duration: float, env: dict, name: str
) -> tuple[dict, list[dict]]:
    """Rising connection counts until two steps in a row add less than 5 %."""
    runs: list[dict] = []
    best: dict | None = None
    flat = 0
    for level in levels:
        result = wrk(server, script, connections=level, duration=duration, env=env)
        runs.append(result)
        print(
            f"  {name:<7} c={level:<3} {result['rps']:8.1f} req/s  p50 {result['p50_us'] / 1000:7.1f} ms  "
            f"p99 {result['p99_us'] / 1000:7.1f} ms  errors {result['errors']}  load {result['load']}",
            flush=True,
        )
        if best is None or result["rps"] > best["rps"] * 1.05:
            flat = 0
        else:
            flat += 1
        if best is None or result["rps"] > best["rps"]:
            best = result
        if flat >= 2:
            break
    return best, runs


def at_half(server, script, *, best: dict, duration: float, env: dict, name: str) -> dict:
    """The same connections as at the peak, each pausing so that together they offer about half of it.
    A connection's rate is 1 / (pause + latency); the pause is corrected once from the first run."""
    target = best["rps"] / 2
    connections = best["connections"]
    latency_s = best["mean_us"] / 1e6 / 2  # unloaded latency is well below the latency at the peak
    pause = max(0.0, connections / target - latency_s)
    result = wrk(server, script, connections=connections, duration=duration, env=env, pause_ms=pause * 1000)
    if abs(result["rps"] - target) / target > 0.1:
        latency_s = result["mean_us"] / 1e6
        pause = max(0.0, connections / target - latency_s)
        result = wrk(
            server, script, connections=connections, duration=duration, env=env, pause_ms=pause * 1000
        )
    print(
        f"  {name:<7} half c={connections:<3} {result['rps']:8.1f} req/s (target {target:.1f})  "
        f"p50 {result['p50_us'] / 1000:7.1f} ms  p99 {result['p99_us'] / 1000:7.1f} ms  "
        f"errors {result['errors']}  load {result['load']}",
        flush=True,
    )
    result["target"] = target
    return result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL"), help="an existing, filled database"
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--duration", type=float, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", default="1,2,4,8,16,32,64", help="rising connection counts")
    parser.add_argument("--codes", type=int, default=20000, help="codes sampled for the lookups")
    parser.add_argument("--no-intake", action="store_true", help="do not write dossiers")
    parser.add_argument("--procedure", default=harness.DEFAULT_PROCEDURE)
    parser.add_argument(
        "--compare",
        metavar="SRC",
        help="side by side: a second server runs the code in SRC (another checkout's src/ folder); the two are "
        "driven in alternating rounds (--rounds) at --compare-connections, which a drifting host cannot bias",
    )
    parser.add_argument(
        "--rounds", type=int, default=6, help="alternating rounds per scenario with --compare"
    )
    parser.add_argument("--compare-connections", type=int, default=8)
    parser.add_argument("--scenarios", default="intake", help="with --compare: which of ping,lookup,intake")
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also run the bench-only floor endpoint (bench/floor_urls.py: one indexed read of one column, no "
        "rate limit, no rendering), which bounds what a lookup reading the database can reach against ping",
    )
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=None,
        help="MOTCUA_DB_CONN_MAX_AGE for the server: seconds a DB connection is kept (shipped: 600; 0 opens one "
        "per request)",
    )
    args = parser.parse_args()
    if not args.database_url:
        print("--database-url (or DATABASE_URL) is required: an existing database to read.", file=sys.stderr)
        return 2
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian/Ubuntu: apt-get install wrk).", file=sys.stderr)
        return 2
    levels = [int(x) for x in args.connections.split(",")]

    with harness.database(args.database_url), tempfile.TemporaryDirectory() as tmp:
        harness.django_setup()
        from motcua.dossiers.models import Dossier

        tmpdir = Path(tmp)
        scripts = {}
        for name, body in (("ping", PING), ("floor", FLOOR), ("lookup", LOOKUP), ("intake", INTAKE)):
            scripts[name] = tmpdir / f"{name}.lua"
            scripts[name].write_text(COMMON + body + DONE)
        codes = tmpdir / "codes.txt"
        sampled = sample_lookups(args.codes, codes)
        officers = harness.officer_tokens(None, args.procedure)
        (tmpdir / "officers.txt").write_text("".join(f"{o.token} {o.competent_unit}\n" for o in officers))
        env = {
            "BENCH_CODES": str(codes),
            "BENCH_OFFICERS": str(tmpdir / "officers.txt"),
            "BENCH_PROCEDURE": args.procedure,
            "BENCH_RUN": os.urandom(3).hex(),
        }
        size = Dossier.objects.count()
        print(
            f"database: {size:,} dossiers; {sampled:,} codes sampled; machine: {harness.machine()}",
            flush=True,
        )

        server_env = {} if args.conn_max_age is None else {"MOTCUA_DB_CONN_MAX_AGE": str(args.conn_max_age)}
        reads = ("ping", "lookup")
        if args.floor:
            server_env["DJANGO_SETTINGS_MODULE"] = "floor_settings"
            reads = ("ping", "floor", "lookup")
        if args.compare:
            return compare(args, scripts, env, server_env)
        server = harness.Server(workers=args.workers, env=server_env)
        server.start()
        rows = {}
        try:
            # One short closed-loop run per scenario first: workers import and warm their caches.
            for name in reads:
                wrk(server, scripts[name], connections=4, duration=2, env=env)
            for name in reads + (() if args.no_intake else ("intake",)):
                best, _runs = peak(
                    server, scripts[name], levels=levels, duration=args.duration, env=env, name=name
                )
                half = at_half(server, scripts[name], best=best, duration=args.duration, env=env, name=name)
                rows[name] = (best, half)
        finally:
            server.stop()

    print()
    max_age = int(
        os.environ.get("MOTCUA_DB_CONN_MAX_AGE", "600") if args.conn_max_age is None else args.conn_max_age
    )
    connections = f"kept {max_age} s (MOTCUA_DB_CONN_MAX_AGE)" if max_age else "one per request"
    print(
        f"{args.workers} gunicorn workers, {size:,} dossiers, wrk {args.duration:g} s per run, DB connections {connections}"
    )
    print(
        "| scenario | peak req/s | at c | p50 / p99 at peak (ms) | req/s at half | p50 / p99 at half (ms) | errors |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, (best, half) in rows.items():
        print(
            f"| {name} | {best['rps']:.0f} | {best['connections']} | {best['p50_us'] / 1000:.1f} / "
            f"{best['p99_us'] / 1000:.1f} | {half['rps']:.0f} | {half['p50_us'] / 1000:.1f} / "
            f"{half['p99_us'] / 1000:.1f} | {best['errors'] + half['errors']} |"
        )
    print()
    print("CPU per request at the peak, ms (Linux /proc: what each used during the run ÷ its requests)")
    print("| scenario | server workers | PostgreSQL | Redis | wrk | other (kernel, rest) | machine |")
    print("|---|---|---|---|---|---|---|")
    for name, (best, _half) in rows.items():
        cpu = best["cpu_ms"]
        print(
            f"| {name} | {cpu['server']:.3f} | {cpu['postgres']:.3f} | {cpu['redis']:.3f} | "
            f"{cpu['load generator']:.3f} | {cpu['other']:.3f} | {cpu['machine']:.3f} |"
        )
    if "ping" in rows and "floor" in rows:
        ratio = rows["floor"][0]["rps"] / rows["ping"][0]["rps"]
        print(
            f"floor ÷ ping (peak throughput): {ratio:.2f}  (the most any lookup reading the database can reach)"
        )
    if "ping" in rows and "lookup" in rows:
        ratio = rows["lookup"][0]["rps"] / rows["ping"][0]["rps"]
        print(f"lookup ÷ ping (peak throughput): {ratio:.2f}  (target ≥ 0.8)")
        print(
            f"lookup p99 at half of its peak: {rows['lookup'][1]['p99_us'] / 1000:.1f} ms  (target < 50 ms)"
        )
    if "intake" in rows:
        print(f"intake peak: {rows['intake'][0]['rps']:.0f} dossiers/s  (target ≥ 200)")
    return 0


def compare(args, scripts: dict, env: dict, server_env: dict) -> int:
    """This checkout's code (A) against the code in --compare (B), both servers up at once, driven one at a time
    in alternating rounds (A B B A A B …): the host's speed drifts by a third within minutes here, more than
    most changes being judged. Prints each round, then the medians and B ÷ A."""
    import statistics

    other = Path(args.compare).resolve()
    if not (other / "motcua" / "__init__.py").is_file():
        print(f"--compare {other}: not a src/ folder holding the motcua package", file=sys.stderr)
        return 2
    servers = {
        "A": harness.Server(
            workers=args.workers, env=server_env, log=Path(f"/tmp/motcua-bench-A-{os.getpid()}.log")
        ),
        "B": harness.Server(
            workers=args.workers,
            env={**server_env, "PYTHONPATH": os.pathsep.join([str(other), str(harness.ROOT / "bench")])},
            log=Path(f"/tmp/motcua-bench-B-{os.getpid()}.log"),
        ),
    }
    for side, server in servers.items():
        # What each server will import, asked of the same interpreter with the same environment.
        where = subprocess.run(
            [sys.executable, "-c", "import motcua; print(motcua.__file__)"],
            env={**server.env, "DJANGO_SETTINGS_MODULE": "motcua.settings"},
            capture_output=True,
            text=True,
        ).stdout.strip()
        print(f"{side}: {where}", flush=True)
    results: dict[str, dict[str, list[dict]]] = {}
    try:
        for server in servers.values():
            server.start()
            for name in ("ping", "lookup"):
                wrk(server, scripts[name], connections=4, duration=2, env=env)
        for name in [x.strip() for x in args.scenarios.split(",") if x.strip()]:
            results[name] = {"A": [], "B": []}
            # A first round on each, not counted: the first intakes of a worker fill its caches (calendar,
            # prepared statements), which made the first rounds of a run read 10 % apart between equal servers.
            for side in ("A", "B"):
                wrk(servers[side], scripts[name], connections=args.compare_connections, duration=2, env=env)
            for round_ in range(args.rounds):
                # ABBA order: a steady drift favours neither side.
                order = ("A", "B") if round_ % 2 == 0 else ("B", "A")
                for side in order:
                    result = wrk(
                        servers[side],
                        scripts[name],
                        connections=args.compare_connections,
                        duration=args.duration,
                        env=env,
                    )
                    results[name][side].append(result)
                    print(
                        f"  {name:<7} round {round_ + 1} {side}: {result['rps']:8.1f} req/s  "
                        f"p99 {result['p99_us'] / 1000:7.1f} ms  machine CPU {result['cpu_ms']['machine']:.2f} ms"
                        f"/request  errors {result['errors']}",
                        flush=True,
                    )
    finally:
        for server in servers.values():
            server.stop()
    print()
    print(
        "| scenario | A req/s (median) | B req/s (median) | B ÷ A | A / B machine CPU ms per request (median) |"
    )
    print("|---|---|---|---|---|")
    for name, sides in results.items():
        rps = {side: statistics.median(r["rps"] for r in runs) for side, runs in sides.items()}
        cpu = {side: statistics.median(r["cpu_ms"]["machine"] for r in runs) for side, runs in sides.items()}
        print(
            f"| {name} | {rps['A']:.1f} | {rps['B']:.1f} | {rps['B'] / rps['A']:.2f} | "
            f"{cpu['A']:.2f} / {cpu['B']:.2f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
