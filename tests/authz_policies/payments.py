"""Fees and payments: the owner's payment pages, the fake gateway's page (whoever holds the unguessable order
id, as at a real bank), officers' reconciliation list, dossier fee page, receipts, and the API (the callback
needs no login: its signature is the proof)."""

from tests.authz_policies import LOGIN, Check, everyone

OWNER_ONLY = {"anonymous": LOGIN, "citizen": 200, "other_citizen": 404, "other_unit": 404, "officer": 404}
OFFICER = {"anonymous": LOGIN, "citizen": 403, "other_unit": 200, "officer": 200}
OFFICER_OF_UNIT = {"anonymous": LOGIN, "citizen": 403, "other_unit": 404, "officer": 200}


def context(w, now) -> dict:
    """A dossier of w.citizen's with an online payment paid through the fake gateway, and one of theirs with
    an online payment still pending."""
    from motcua.payments.services import payment_online_start, payment_report_receive
    from tests.payments.helpers import fake_pay, owned_received

    paid_dossier = owned_received(w)
    paid, _url = payment_online_start(dossier=paid_dossier, actor=w.citizen)
    payment_report_receive(provider="fake", params=fake_pay(paid.order_id), source="callback")
    paid.refresh_from_db()
    pending_dossier = owned_received(w)
    pending, _url = payment_online_start(dossier=pending_dossier, actor=w.citizen)
    return {
        "pay_code": pending_dossier.code,
        "paid_code": paid_dossier.code,
        "paid_order": paid.order_id,
        "pending_order": pending.order_id,
        "receipt": paid.receipt_number,
    }


POLICY = {
    "thanh-toan/<str:reference>/": [
        Check("get", "/thanh-toan/{pay_code}/", OWNER_ONLY),
        # The owner is sent to the gateway; nobody else starts anything.
        Check("post", "/thanh-toan/{pay_code}/", {**OWNER_ONLY, "citizen": 302}, writes=True),
    ],
    "thanh-toan/ket-qua/<str:order_id>/": [Check("get", "/thanh-toan/ket-qua/{paid_order}/", OWNER_ONLY)],
    "thanh-toan/bien-lai/<str:order_id>/": [Check("get", "/thanh-toan/bien-lai/{paid_order}/", OWNER_ONLY)],
    "thanh-toan/gia-lap/<str:order_id>/": [
        Check("get", "/thanh-toan/gia-lap/{pending_order}/", everyone(200)),
        Check("get", "/thanh-toan/gia-lap/TT000000XXXXXXXXXX/", everyone(404)),
    ],
    "can-bo/thanh-toan/": [
        Check("get", "/can-bo/thanh-toan/?ngay=2026-03-02", OFFICER),
        Check("get", "/can-bo/thanh-toan/?ngay=2026-03-02&dinh_dang=csv", OFFICER),
    ],
    "can-bo/thanh-toan/ho-so/<str:reference>/": [
        Check("get", "/can-bo/thanh-toan/ho-so/{pay_code}/", OFFICER_OF_UNIT),
        Check(
            "post",
            "/can-bo/thanh-toan/ho-so/{code}/",
            {**OFFICER_OF_UNIT, "officer": 302},
            data={"method": "cash"},
            writes=True,
        ),
    ],
    "can-bo/thanh-toan/bien-lai/<str:number>/": [
        Check("get", "/can-bo/thanh-toan/bien-lai/{receipt}/", OFFICER_OF_UNIT)
    ],
    "can-bo/thanh-toan/doi-soat/<str:order_id>/": [
        Check(
            "post",
            "/can-bo/thanh-toan/doi-soat/{pending_order}/",
            {**OFFICER_OF_UNIT, "officer": 302},
            writes=True,
        )
    ],
    "api/v1/payments/dossiers/<code>": [
        Check(
            "get",
            "/api/v1/payments/dossiers/{pay_code}",
            {"anonymous": 401, "citizen": 200, "other_citizen": 404, "other_unit": 404, "officer": 200},
            api=True,
        )
    ],
    "api/v1/payments/dossiers/<code>/online": [
        Check(
            "post",
            "/api/v1/payments/dossiers/{pay_code}/online",
            {"anonymous": 401, "citizen": 201, "other_citizen": 404, "other_unit": 404, "officer": 404},
            api=True,
            writes=True,
        )
    ],
    "api/v1/payments/dossiers/<code>/cash": [
        Check(
            "post",
            "/api/v1/payments/dossiers/{code}/cash",
            {"anonymous": 401, "citizen": 404, "other_citizen": 404, "other_unit": 404, "officer": 201},
            data={"method": "cash"},
            api=True,
            writes=True,
        )
    ],
    "api/v1/payments/callback/<provider>": [
        Check(
            "post",
            "/api/v1/payments/callback/fake",
            everyone(400),
            data={"order_id": "{pending_order}", "amount": "10000", "status": "paid", "signature": "0"},
            api=True,
            writes=True,
        )
    ],
}
