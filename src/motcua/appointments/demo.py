"""Demo data of this app, loaded by `motcua demo` after the dossiers (idempotent: a second run adds nothing)."""


def demo_load() -> dict[str, int]:
    return {}
