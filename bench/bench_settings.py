"""The project's settings with persistent database connections, for `--persistent-connections` runs of the
HTTP benchmarks: settings.py opens a new PostgreSQL connection per request (CONN_MAX_AGE 0)."""

import os

from motcua.settings import *  # noqa: F403

DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("BENCH_CONN_MAX_AGE", "300"))  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
