"""bench/harness.py's CPU accounting, which bench/load_http.py prints per request: a process group's CPU is
counted as the server's, a finished child's as the load generator's, and the machine's total holds both."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import harness  # noqa: E402

pytestmark = pytest.mark.skipif(not Path("/proc/stat").exists(), reason="Linux /proc")

BURN = "import time\nend = time.process_time() + {seconds}\nwhile time.process_time() < end: pass\n"


def test_cpu_is_counted_for_who_used_it():
    server = subprocess.Popen(
        [sys.executable, "-c", BURN.format(seconds=0.4) + "time.sleep(30)"], start_new_session=True
    )
    try:
        before = harness.cpu_snapshot(server.pid)
        time.sleep(0.05)  # the server burns 0.4 s from its start
        subprocess.run([sys.executable, "-c", BURN.format(seconds=0.3)], check=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            after = harness.cpu_snapshot(server.pid)
            if harness.cpu_per_request(before, after, requests=1)["server"] >= 300:
                break
            time.sleep(0.05)
    finally:
        os.killpg(server.pid, 9)
        server.wait()
    per_request = harness.cpu_per_request(before, after, requests=10)
    # ms per request: 0.3–0.4 s and the interpreter's start, over 10 requests
    assert 30 <= per_request["server"] <= 50
    assert 30 <= per_request["load generator"] <= 50
    assert per_request["machine"] >= per_request["server"] + per_request["load generator"] - 5
    # PostgreSQL backends that ended meanwhile (other tests' connections) are not subtracted.
    assert per_request["postgres"] >= 0 and per_request["redis"] >= 0
