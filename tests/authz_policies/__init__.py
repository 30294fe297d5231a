"""Per-area authorisation policies merged into tests/test_authorization_matrix.py.

A module here defines POLICY (route pattern → checks) and, when its checks need more context than the
matrix's own (code, doc, step, version), `context(world, now) -> dict`, called inside the frozen clock with
the matrix's `dossier_world()`."""

from dataclasses import dataclass, field

WHO = ("anonymous", "citizen", "other_citizen", "other_unit", "officer")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass(frozen=True)
class Check:
    method: str
    url: str  # formatted with the context: {code}, {doc}, {step}
    expect: dict  # who -> status
    data: dict = field(default_factory=dict)
    api: bool = False  # authenticate with a bearer token instead of the session
    writes: bool = False


def everyone(status: int) -> dict:
    return dict.fromkeys(WHO, status)


LOGIN = 302
