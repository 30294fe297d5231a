"""Health probes of the load balancer and monitoring (docs/deployment.md): open to everyone, no login, the
same answer whoever asks."""

from tests.authz_policies import Check, everyone

POLICY = {
    "healthz": [Check("get", "/healthz", everyone(200))],
    "readyz": [Check("get", "/readyz", everyone(200))],
}
