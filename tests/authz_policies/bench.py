"""The load benchmark's floor: an empty JSON answer for everyone (bench/load_http.py)."""

from tests.authz_policies import Check, everyone

POLICY = {
    "api/v1/ping": [Check("get", "/api/v1/ping", everyone(200), api=True)],
}
