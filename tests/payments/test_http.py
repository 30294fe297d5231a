"""Online payment end to end over HTTP (portal pages, the fake gateway's page, the API and its callback),
cash at the counter, the reconciliation list, and the 766 group D figure."""

from datetime import date

import pytest
import time_machine

from motcua.accounts.services import api_token_issue
from motcua.payments.enums import PaymentStatus
from motcua.payments.models import Payment, ProviderEvent
from motcua.reports.index766 import State, index766
from tests.factories import dossier_world
from tests.payments.helpers import FEE, at, fake_pay, owned_received, query_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        return dossier_world()


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user)}"}


def test_citizen_pays_online_in_the_portal(client, w):
    dossier = owned_received(w)
    client.force_login(w.citizen)
    detail = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert "Thanh toán trực tuyến" in detail and "10.000" in detail
    page = client.get(f"/thanh-toan/{dossier.code}/")
    assert page.status_code == 200 and "Chưa nộp phí, lệ phí" in page.content.decode()
    to_gateway = client.post(f"/thanh-toan/{dossier.code}/")
    payment = Payment.objects.get()
    assert to_gateway["Location"] == f"/thanh-toan/gia-lap/{payment.order_id}/"
    checkout = client.get(to_gateway["Location"])
    assert "Thanh toán thành công" in checkout.content.decode()
    back = client.post(to_gateway["Location"], {"ket_qua": "thanh_cong"})
    assert back["Location"].startswith(f"/thanh-toan/ket-qua/{payment.order_id}/?")
    assert query_of(back["Location"])["status"] == "paid"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID  # by the callback, before the payer came back
    clean = client.get(back["Location"])  # the signed return: verified, a duplicate, then a clean address
    assert clean["Location"] == f"/thanh-toan/ket-qua/{payment.order_id}/"
    result = client.get(clean["Location"]).content.decode()
    assert "Thanh toán thành công" in result and payment.receipt_number in result
    receipt = client.get(f"/thanh-toan/bien-lai/{payment.order_id}/").content.decode()
    assert "Biên lai thu phí, lệ phí" in receipt and "Nguyễn Thị Hoa" in receipt
    assert list(ProviderEvent.objects.values_list("source", "outcome")) == [
        ("return", "duplicate"),
        ("callback", "applied"),
    ]
    assert "Đã nộp phí, lệ phí" in client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()


def test_a_forged_return_does_not_mark_paid(client, w):
    dossier = owned_received(w)
    client.force_login(w.citizen)
    client.post(f"/thanh-toan/{dossier.code}/")
    payment = Payment.objects.get()
    forged = f"order_id={payment.order_id}&amount={FEE}&status=paid&transaction_ref=X&paid_at=&signature=abc"
    client.get(f"/thanh-toan/ket-qua/{payment.order_id}/?{forged}")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert "Đang chờ xác nhận" in client.get(f"/thanh-toan/ket-qua/{payment.order_id}/").content.decode()


def test_api_online_payment_and_callback(client, w):
    dossier = owned_received(w)
    status = client.get(f"/api/v1/payments/dossiers/{dossier.code}", **bearer(w.citizen)).json()
    assert (status["status"], status["fee"], status["due"], status["may_pay_online"]) == (
        "unpaid",
        FEE,
        FEE,
        True,
    )
    started = client.post(f"/api/v1/payments/dossiers/{dossier.code}/online", **bearer(w.citizen))
    assert started.status_code == 201
    body = started.json()
    assert body["amount"] == FEE and body["redirect_url"].endswith(f"/thanh-toan/gia-lap/{body['order_id']}/")
    params = fake_pay(body["order_id"])
    callback = client.post("/api/v1/payments/callback/fake", params, content_type="application/json")
    assert (callback.status_code, callback.json()) == (200, {"result": "applied"})
    again = client.post("/api/v1/payments/callback/fake", params)  # form-encoded, as some gateways post
    assert (again.status_code, again.json()) == (200, {"result": "duplicate"})
    wrong = client.post(
        "/api/v1/payments/callback/fake", {**params, "amount": "1"}, content_type="application/json"
    )
    assert (wrong.status_code, wrong.json()) == (400, {"result": "bad_signature"})
    status = client.get(f"/api/v1/payments/dossiers/{dossier.code}", **bearer(w.citizen)).json()
    assert (status["status"], status["paid"], status["due"]) == ("paid", FEE, 0)
    assert status["payments"][0]["receipt_number"] == "BL-H12.99-2026-000001"
    officer_view = client.get(f"/api/v1/payments/dossiers/{dossier.code}", **bearer(w.receiver)).json()
    assert officer_view["status"] == "paid"


def test_api_cash_by_the_receiving_officer(client, w):
    dossier = owned_received(w)
    refused = client.post(
        f"/api/v1/payments/dossiers/{dossier.code}/cash",
        {"method": "cash"},
        content_type="application/json",
        **bearer(w.head),
    )
    assert refused.status_code == 403  # the competent division's head sees the dossier but collects nothing
    done = client.post(
        f"/api/v1/payments/dossiers/{dossier.code}/cash",
        {"method": "bank_transfer"},
        content_type="application/json",
        **bearer(w.receiver),
    )
    assert done.status_code == 422 and done.json()["error"]["details"] == {
        "reference": "Nhập số chứng từ chuyển khoản."
    }
    done = client.post(
        f"/api/v1/payments/dossiers/{dossier.code}/cash",
        {"method": "cash"},
        content_type="application/json",
        **bearer(w.receiver),
    )
    assert done.status_code == 201
    assert (done.json()["status"], done.json()["receipt_number"]) == ("paid", "BL-H12.99-2026-000001")
    twice = client.post(
        f"/api/v1/payments/dossiers/{dossier.code}/cash",
        {"method": "cash"},
        content_type="application/json",
        **bearer(w.receiver),
    )
    assert twice.status_code == 409
    assert Payment.objects.count() == 1


def test_officer_records_cash_and_sees_the_reconciliation_list(client, w):
    with time_machine.travel(at(2026, 3, 2, 9, 30), tick=False):
        cash_dossier = owned_received(w)
        online_dossier = owned_received(w)
        client.force_login(w.citizen)
        client.post(f"/thanh-toan/{online_dossier.code}/")  # left pending
        client.force_login(w.receiver)
        page = client.get(f"/can-bo/thanh-toan/ho-so/{cash_dossier.code}/").content.decode()
        assert "Thu 10.000 đồng và in biên lai" in page
        response = client.post(f"/can-bo/thanh-toan/ho-so/{cash_dossier.code}/", {"method": "cash"})
        assert response["Location"] == "/can-bo/thanh-toan/bien-lai/BL-H12.99-2026-000001/"
        receipt = client.get(response["Location"]).content.decode()
        assert "Tiền mặt tại quầy" in receipt and "tiepnhan" in receipt
        listing = client.get("/can-bo/thanh-toan/?ngay=2026-03-02").content.decode()
        assert "BL-H12.99-2026-000001" in listing and "Đối soát ngay" in listing
        assert "1 giao dịch trực tuyến đang chờ xác nhận" in listing
        csv = client.get("/can-bo/thanh-toan/?ngay=2026-03-02&dinh_dang=csv").content.decode("utf-8-sig")
        assert csv.count("\n") == 3 and "BL-H12.99-2026-000001" in csv
        assert client.get("/can-bo/thanh-toan/?ngay=hom-qua").status_code == 422
    client.force_login(w.commune_receiver)
    other = client.get("/can-bo/thanh-toan/?ngay=2026-03-02").content.decode()
    assert "BL-H12.99-2026-000001" not in other  # another unit's money is not listed


def test_766_group_d_counts_dossiers_paid_online(w):
    with time_machine.travel(at(2026, 3, 2, 9, 30), tick=False):
        from motcua.payments.services import (
            payment_counter_record,
            payment_online_start,
            payment_report_receive,
        )

        online = owned_received(w)
        payment, _url = payment_online_start(dossier=online, actor=w.citizen)
        payment_report_receive(provider="fake", params=fake_pay(payment.order_id), source="callback")
        payment_counter_record(dossier=owned_received(w), actor=w.receiver)
        owned_received(w)  # unpaid
        owned_received(w, is_fee_exempt=True)  # no obligation
        owned_received(w, procedure_version=w.same_day)  # free procedure: no obligation
    result = index766(date_from=date(2026, 3, 1), date_to=date(2026, 3, 31), unit=w.centre)
    item = next(
        i for g in result.groups for i in g.indicators if i.indicator.code == "PAYMENT_DOSSIERS_ONLINE"
    )
    assert (item.state, item.numerator, item.denominator, item.points) == (State.COMPUTED, 1, 3, 2.0)
    offered = next(
        i for g in result.groups for i in g.indicators if i.indicator.code == "PAYMENT_FORMALITY_OFFERED"
    )
    assert offered.state == State.NOT_COMPUTED
