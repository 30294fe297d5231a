from ninja import Router

from motcua.api.auth import staff_or_token  # noqa: F401

router = Router(tags=["queues"])
