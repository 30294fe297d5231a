"""Queue (issue #6 §1): the kiosk, the receipt and the board are public; the counter app is for receiving
officers of the counter's centre (another centre's counter looks unknown); figures for the centre's staff."""

from tests.authz_policies import LOGIN, Check, everyone

COUNTER_PAGE = {"anonymous": LOGIN, "citizen": 403, "other_unit": 404, "officer": 200}
COUNTER_API = {"anonymous": 401, "citizen": 403, "other_unit": 404, "officer": 200}
FIGURES = {"anonymous": 401, "citizen": 403, "other_unit": 403, "officer": 200}


def context(w, now) -> dict:
    """Counter 1 and group A at the provincial centre, group A at the commune centre, one waiting number."""
    from motcua.org.models import Counter
    from motcua.queues.models import ServiceGroup
    from motcua.queues.selectors import ticket_token
    from motcua.queues.services import ticket_issue

    counter, _ = Counter.objects.get_or_create(unit=w.centre, number=1, defaults={"name": "Tư pháp"})
    Counter.objects.get_or_create(unit=w.commune_centre, number=1)
    group, _ = ServiceGroup.objects.get_or_create(unit=w.centre, code="A", defaults={"name": "Tư pháp"})
    ServiceGroup.objects.get_or_create(unit=w.commune_centre, code="A", defaults={"name": "Hộ tịch"})
    ticket = ticket_issue(unit=w.centre, group=group, at=now)
    return {"queue_counter": counter.pk, "queue_token": ticket_token(ticket=ticket)}


POLICY = {
    "xep-hang/<str:unit_code>/": [
        Check("get", "/xep-hang/H12.99/", everyone(200)),
        Check("get", "/xep-hang/H12.04/", everyone(404)),  # a unit without a queue
        Check("post", "/xep-hang/H12.99/", everyone(302), data={"nhom": "A"}, writes=True),
        Check("post", "/xep-hang/H12.99/", everyone(422), data={"nhom": "Z"}, writes=True),
    ],
    "xep-hang/<str:unit_code>/so/<str:token>/": [
        Check("get", "/xep-hang/H12.99/so/{queue_token}/", everyone(200)),
        Check("get", "/xep-hang/H12.50/so/{queue_token}/", everyone(404)),
    ],
    "xep-hang/<str:unit_code>/bang/": [Check("get", "/xep-hang/H12.99/bang/", everyone(200))],
    "can-bo/quay/": [
        Check("get", "/can-bo/quay/", {"anonymous": LOGIN, "citizen": 403, "other_unit": 200, "officer": 200})
    ],
    "can-bo/quay/<int:counter_id>/": [Check("get", "/can-bo/quay/{queue_counter}/", COUNTER_PAGE)],
    "can-bo/quay/<int:counter_id>/thao-tac/": [
        Check(
            "post",
            "/can-bo/quay/{queue_counter}/thao-tac/",
            {**COUNTER_PAGE, "officer": 302},
            data={"thao_tac": "call_next"},
            writes=True,
        )
    ],
    "can-bo/quay/so-lieu/": [
        Check(
            "get",
            "/can-bo/quay/so-lieu/?don_vi=H12.99&tu=2026-03-01&den=2026-03-02",
            {"anonymous": LOGIN, "citizen": 403, "other_unit": 403, "officer": 200},
        )
    ],
    "api/v1/queue/<unit>/groups": [Check("get", "/api/v1/queue/H12.99/groups", everyone(200), api=True)],
    "api/v1/queue/<unit>/board": [
        Check("get", "/api/v1/queue/H12.99/board", everyone(200), api=True),
        Check("get", "/api/v1/queue/H12.04/board", everyone(404), api=True),
    ],
    "api/v1/queue/tickets": [
        Check(
            "post",
            "/api/v1/queue/tickets",
            everyone(201),
            data={"unit": "H12.99", "group": "A"},
            api=True,
            writes=True,
        )
    ],
    "api/v1/queue/tickets/<token>": [
        Check("get", "/api/v1/queue/tickets/{queue_token}", everyone(200), api=True)
    ],
    "api/v1/queue/counters": [
        Check("get", "/api/v1/queue/counters", {**COUNTER_API, "other_unit": 200}, api=True)
    ],
    "api/v1/queue/counters/<counter_id>": [
        Check("get", "/api/v1/queue/counters/{queue_counter}", COUNTER_API, api=True)
    ],
    "api/v1/queue/counters/<counter_id>/call-next": [
        Check("post", "/api/v1/queue/counters/{queue_counter}/call-next", COUNTER_API, api=True, writes=True)
    ],
    "api/v1/queue/counters/<counter_id>/actions/<action>": [
        Check(
            "post",
            "/api/v1/queue/counters/{queue_counter}/actions/recall",
            {**COUNTER_API, "officer": 409},  # nothing called yet
            api=True,
            writes=True,
        )
    ],
    "api/v1/queue/figures": [
        Check("get", "/api/v1/queue/figures?unit=H12.99&from=2026-03-01&to=2026-03-02", FIGURES, api=True)
    ],
}
