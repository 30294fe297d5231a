"""What the HTTP benchmarks share: a scratch PostgreSQL database, a gunicorn server on a free port, counter
intake clients (one HTTP session each) and the database checks of what the clients were told.

Not a benchmark itself: bench/concurrent_intake.py, bench/crash_intake.py and bench/load_http.py use it."""

from __future__ import annotations

import math
import os
import platform
import re
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

# Child processes (motcua, gunicorn) run the code next to this script, as this process does.
CHILD_ENV = {
    "PYTHONPATH": os.pathsep.join(
        filter(None, [str(ROOT / "src"), str(ROOT / "bench"), os.environ.get("PYTHONPATH", "")])
    )
}
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
# Marriage-status certificate: a commune-level procedure every demo centre takes in at the counter.
DEFAULT_PROCEDURE = "1.004873"
CODE_RE = re.compile(r"^(?P<unit>.+)-(?P<day>\d{6})-(?P<number>\d{4,})$")


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); with few samples p99 is the slowest."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def machine() -> str:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{platform.node()} · {os.cpu_count()} CPU · {platform.python_version()} · load {load}"


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def cpu_snapshot(server_group: int | None = None) -> dict:
    """CPU seconds used so far (Linux /proc), by who used them: the server's process group (gunicorn master and
    workers), PostgreSQL's processes, Redis (each per process id), this process's finished children (wrk), and
    the whole machine (every core's busy time, kernel work on behalf of nobody included). The difference of two
    snapshots taken around a run, divided by its requests, says where a request's cost goes."""
    tick = os.sysconf("SC_CLK_TCK")
    groups: dict = {"server": {}, "postgres": {}, "redis": {}}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue  # gone meanwhile
        comm = stat[stat.find("(") + 1 : stat.rfind(")")]
        fields = stat[stat.rfind(")") + 2 :].split()
        seconds = (int(fields[11]) + int(fields[12])) / tick
        if server_group is not None and int(fields[2]) == server_group:
            groups["server"][entry.name] = seconds
        elif comm == "postgres":
            groups["postgres"][entry.name] = seconds
        elif comm.startswith("redis-server"):
            groups["redis"][entry.name] = seconds
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    groups["load generator"] = children.ru_utime + children.ru_stime
    with open("/proc/stat") as handle:
        cpu = [int(x) for x in handle.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal: busy = all but idle and iowait
    groups["machine"] = (sum(cpu[:8]) - cpu[3] - cpu[4]) / tick
    return groups


def cpu_per_request(before: dict, after: dict, requests: int) -> dict:
    """Milliseconds of CPU per request by who used them, `other` being the machine's rest (kernel, others).
    Per process: what a process that ended between the snapshots used is not seen (and not subtracted); one
    started meanwhile counts whole."""
    scale = 1000 / max(1, requests)
    out = {}
    for key, value in after.items():
        if isinstance(value, dict):
            used = sum(seconds - before[key].get(pid, 0.0) for pid, seconds in value.items())
        else:
            used = value - before[key]
        out[key] = used * scale
    out["other"] = out["machine"] - sum(v for k, v in out.items() if k != "machine")
    return out


# --- database -------------------------------------------------------------------------------------------------
def _admin(url: str):
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    return config, psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"] or "postgres",
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


@contextmanager
def database(url: str | None, *, keep: bool = False):
    """The given database as it is, or a scratch one (created, migrated, demo organisation and catalogue
    loaded) that is dropped afterwards unless `keep`."""
    if url:
        os.environ["DATABASE_URL"] = url
        yield url
        return
    name = f"motcua_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    scratch = DEFAULT_SERVER.rsplit("/", 1)[0] + "/" + name
    _config, admin = _admin(scratch)
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        env = {**os.environ, **CHILD_ENV, "DATABASE_URL": scratch}
        print(f"scratch database {name}: migrate, demo_load …", flush=True)
        for command in (["migrate", "-v0"], ["demo_load"]):
            subprocess.run(
                [str(VENV_BIN / "motcua"), *command], env=env, check=True, stdout=subprocess.DEVNULL
            )
        os.environ["DATABASE_URL"] = scratch
        yield scratch
    finally:
        if keep:
            print(f"kept {scratch}", flush=True)
        else:
            from django.db import connections

            connections.close_all()
            _config, admin = _admin(scratch)
            with admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def django_setup() -> None:
    import logging

    import django

    django.setup()
    # The project's logging config would print a line per client request.
    logging.getLogger("httpx").setLevel(logging.WARNING)


@dataclass
class Officer:
    username: str
    unit: str  # agency code of the centre
    token: str
    competent_unit: str  # agency code sent with the intake: a provincial centre must name one


def officer_tokens(usernames: list[str] | None, procedure: str) -> list[Officer]:
    """Every demo receiving officer who holds exactly one centre (or the named ones), with a fresh token and
    the competent unit the counter would pick for the procedure (the centre's own commune, else the first)."""
    from motcua.accounts.services import api_token_issue
    from motcua.catalog.selectors import procedure_get_by_code
    from motcua.org.enums import Role
    from motcua.org.models import StaffRole

    roles = StaffRole.objects.filter(role=Role.RECEIVING_OFFICER).select_related("user", "unit")
    by_user: dict[str, list] = {}
    for role in roles.order_by("user__username"):
        by_user.setdefault(role.user.username, []).append(role)
    competent = list(procedure_get_by_code(code=procedure).current_version.competent_units.all())
    chosen = []
    for username, held in by_user.items():
        if len(held) != 1 or not held[0].user.is_active:
            continue
        if usernames and username not in usernames:
            continue
        centre = held[0].unit
        own = [u for u in competent if u.pk == centre.parent_id] or competent or [centre]
        chosen.append(
            Officer(username, centre.agency_code, api_token_issue(user=held[0].user), own[0].agency_code)
        )
    if not chosen:
        raise SystemExit("no receiving officer found: load the demo organisation (motcua demo_load)")
    return chosen


# --- server ---------------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with sync workers on 127.0.0.1; the master respawns a worker that dies."""

    def __init__(
        self,
        *,
        workers: int,
        port: int | None = None,
        env: dict | None = None,
        log: Path | None = None,
    ):
        self.workers = workers
        self.port = port or free_port()
        self.env = {
            **os.environ,
            **CHILD_ENV,
            "DEBUG": "0",
            # Lookups and intakes come from one address: the per-IP limit would answer 429 at once.
            "MOTCUA_STATUS_RATE_PER_MINUTE": "1000000000",
            **(env or {}),
        }
        self.log = log or Path(f"/tmp/motcua-bench-gunicorn-{os.getpid()}.log")
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 180) -> None:
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "motcua.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--backlog",
                "2048",
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
                "--log-level",
                "warning",
            ],
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a server kill reaches no one else
        )
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log}")
            try:
                # A restart under load: the probe queues behind the clients' requests in the backlog.
                if httpx.get(f"{self.url}/api/v1/ping", timeout=60).status_code == 200:
                    # Every worker imports the application lazily: let them all boot before timing.
                    while len(self.worker_pids()) < self.workers and time.monotonic() < deadline:
                        time.sleep(0.2)
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s; see {self.log}")

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True
        ).stdout
        return [int(p) for p in out.split()]

    def kill_worker(self, rng) -> int | None:
        pids = self.worker_pids()
        if not pids:
            return None
        pid = rng.choice(pids)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            return None
        return pid

    def kill_all(self) -> None:
        """SIGKILL to the master and every worker at once: the whole server dies mid-request."""
        if self.process is not None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill_all()


# --- intake clients -------------------------------------------------------------------------------------------
@dataclass
class Ack:
    code: str
    applicant: str
    unit: str


@dataclass
class Tally:
    acks: list[Ack] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # an HTTP answer other than 201: a violation
    unanswered: int = 0  # reset, timeout or 502/503/504 after sending: "not acknowledged"
    refused_connections: int = 0  # nothing sent (server down): retried, not an attempt
    lock: threading.Lock = field(default_factory=threading.Lock)


DOCUMENTS = [
    {"name": "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân", "paper_kind": "original", "quantity": 1},
    {"name": "Bản sao giấy tờ tùy thân", "paper_kind": "copy", "quantity": 1},
]


def intake_payload(procedure: str, competent_unit: str, run: str, client: int, n: int) -> dict:
    # Distinct applicants: the name carries run/client/n, so a code can be matched to the one request that got it.
    return {
        "procedure": procedure,
        "competent_unit": competent_unit,
        "applicant": {
            "name": f"Người nộp {run} {client:03d} {n:05d}",
            "phone": f"09{client:03d}{n:05d}",
            "address": "Phường An Xuyên, tỉnh Cà Mau",
        },
        "documents": DOCUMENTS,
        "note": "bench",
    }


def intake_client(
    *,
    base_url: str,
    officer: Officer,
    procedure: str,
    run: str,
    client: int,
    count: int,
    tally: Tally,
    stop: threading.Event | None = None,
    retry_wait: float = 0.5,
) -> None:
    """One counter: `count` intakes in a row over its own HTTP session. An error after the request was sent
    (reset, timeout, 502/503/504) is "not acknowledged": the dossier may or may not exist, and the client goes
    on with the next applicant."""
    import httpx

    headers = {"Authorization": f"Bearer {officer.token}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=30) as http:
        n = 0
        while n < count:
            if stop is not None and stop.is_set():
                return
            payload = intake_payload(procedure, officer.competent_unit, run, client, n)
            start = time.perf_counter()
            try:
                response = http.post("/api/v1/dossiers", json=payload)
            except httpx.ConnectError:
                # Refused: nothing reached a server (it is restarting); the same applicant tries again.
                with tally.lock:
                    tally.refused_connections += 1
                time.sleep(retry_wait)
                continue
            except httpx.HTTPError:
                # Reset or timed out after sending: the intake may or may not have committed.
                with tally.lock:
                    tally.unanswered += 1
                n += 1
                time.sleep(retry_wait)
                continue
            n += 1
            elapsed = (time.perf_counter() - start) * 1000
            with tally.lock:
                if response.status_code == 201:
                    tally.acks.append(
                        Ack(response.json()["code"], payload["applicant"]["name"], officer.unit)
                    )
                    tally.latencies_ms.append(elapsed)
                elif response.status_code in (502, 503, 504):
                    tally.unanswered += 1
                else:
                    tally.refused.append(f"{response.status_code} {response.text[:200]}")


def run_clients(*, clients: int, officers, **kwargs) -> tuple[Tally, float]:
    tally = Tally()
    threads = []
    for i in range(clients):
        officer = officers[i % len(officers)]
        threads.append(
            threading.Thread(
                target=intake_client, kwargs=dict(officer=officer, client=i, tally=tally, **kwargs)
            )
        )
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return tally, time.perf_counter() - start


# --- checks ---------------------------------------------------------------------------------------------------
def check_register(*, acks: list[Ack], run: str) -> dict:
    """Violations in the database after a run.

    - duplicate: two dossiers with one code (the unique constraint makes it impossible; checked anyway).
    - gap: for each unit/day the run wrote in, the numbers of the dossiers present are exactly 1..last of
      DossierCodeSequence. The number is taken by an upsert inside the intake transaction, so an intake that
      fails or whose server dies before COMMIT gives its number back with the rollback: no gap is allowed,
      under crashes too.
    - missing: an acknowledged code without its dossier, or with another applicant than the request's.
    - incomplete: a dossier of this run (acknowledged or not) that lacks what the intake writes in its one
      transaction: status received, code, received/clock-start/due dates, the two documents sent, the first
      history row (receive, carrying the code), and the first step when the process starts at the counter.
    """
    from datetime import datetime

    from django.db.models import Count

    from motcua.catalog.enums import StepUnitMode
    from motcua.dossiers.enums import Action, Status
    from motcua.dossiers.models import Dossier, DossierCodeSequence, DossierEvent
    from motcua.dossiers.selectors import dossier_process_steps
    from motcua.org.enums import Role

    violations: dict[str, list[str]] = {"duplicate": [], "gap": [], "missing": [], "incomplete": []}
    ours = Dossier.objects.filter(applicant_name__startswith=f"Người nộp {run} ")
    rows = list(
        ours.annotate(
            n_documents=Count("documents", distinct=True),
            n_steps=Count("steps", distinct=True),
        ).values(
            "id",
            "code",
            "status",
            "applicant_name",
            "received_at",
            "clock_start_at",
            "due_at",
            "original_due_at",
            "current_step_id",
            "procedure_version_id",
            "competent_unit_id",
            "n_documents",
            "n_steps",
        )
    )
    by_code: dict[str, dict] = {}
    for row in rows:
        if row["code"] in by_code:
            violations["duplicate"].append(row["code"])
        by_code[row["code"]] = row

    # Steps expected at reception, once per process (procedure version and competent unit).
    expect_steps: dict[tuple[int, int], int] = {}
    for row in rows:
        version = (row["procedure_version_id"], row["competent_unit_id"])
        if version not in expect_steps:
            steps = dossier_process_steps(Dossier.objects.get(pk=row["id"]))
            first = steps[0] if steps else None
            expect_steps[version] = int(
                first is not None
                and first.role == Role.RECEIVING_OFFICER
                and first.unit_mode == StepUnitMode.RECEIVING
            )
    first_events: dict[int, DossierEvent] = {}
    for event in DossierEvent.objects.filter(dossier__in=ours).order_by("dossier_id", "seq"):
        first_events.setdefault(event.dossier_id, event)
    for row in rows:
        problems = []
        if row["status"] != Status.RECEIVED or not row["code"]:
            problems.append(f"status {row['status']} code {row['code']}")
        for name in ("received_at", "clock_start_at", "due_at", "original_due_at"):
            if row[name] is None:
                problems.append(f"no {name}")
        if row["n_documents"] != len(DOCUMENTS):
            problems.append(f"{row['n_documents']} documents")
        expected = expect_steps[(row["procedure_version_id"], row["competent_unit_id"])]
        if row["n_steps"] != expected or (expected and row["current_step_id"] is None):
            problems.append(f"{row['n_steps']} steps")
        event = first_events.get(row["id"])
        if event is None or event.action != Action.RECEIVE or (event.data or {}).get("code") != row["code"]:
            problems.append("no receive history row")
        if problems:
            violations["incomplete"].append(f"{row['code'] or row['id']}: {', '.join(problems)}")

    for ack in acks:
        row = by_code.get(ack.code)
        if row is None:
            violations["missing"].append(ack.code)
        elif row["applicant_name"] != ack.applicant:
            violations["missing"].append(
                f"{ack.code} holds {row['applicant_name']!r}, told {ack.applicant!r}"
            )

    # Every unit/day this run wrote in: all of its dossiers (ours and anyone's) against the counter.
    touched = set()
    for row in rows:
        match = CODE_RE.match(row["code"] or "")
        if match:
            touched.add((match["unit"], match["day"]))
    for unit, day in sorted(touched):
        prefix = f"{unit}-{day}-"
        numbers = sorted(
            int(code[len(prefix) :])
            for code in Dossier.objects.filter(code__startswith=prefix).values_list("code", flat=True)
            if code[len(prefix) :].isdigit()
        )
        day_date = datetime.strptime(day, "%y%m%d").date()
        last = (
            DossierCodeSequence.objects.filter(unit__agency_code=unit, day=day_date)
            .values_list("last", flat=True)
            .first()
        )
        if len(numbers) != len(set(numbers)):
            violations["duplicate"].append(f"{prefix}*: repeated numbers")
        expected_numbers = list(range(1, (last or 0) + 1))
        if numbers != expected_numbers:
            holes = sorted(set(expected_numbers) - set(numbers))
            extra = sorted(set(numbers) - set(expected_numbers))
            violations["gap"].append(f"{prefix}*: last={last}, holes {holes[:10]}, beyond last {extra[:10]}")
    stats = {
        "present": len(rows),
        "acknowledged": len(acks),
        "present_not_acknowledged": len(set(by_code) - {a.code for a in acks}),
        "unit_days": len(touched),
    }
    return {"violations": violations, "stats": stats}


def print_violations(result: dict) -> int:
    bad = 0
    for kind, items in result["violations"].items():
        status = "ok" if not items else f"{len(items)} VIOLATION(S)"
        print(f"  {kind:<11} {status}")
        for item in items[:10]:
            print(f"      {item}")
        bad += len(items)
    return bad
