"""A paid online dossier in a real browser: the citizen pays through the fake gateway from "Hồ sơ của tôi",
comes back to the result page and prints the receipt; another payment is abandoned half-way and the officer
settles it from the reconciliation list; axe (WCAG 2.2 AA) on each page."""

import re

import pytest
from playwright.sync_api import expect

from motcua.payments.enums import PaymentStatus
from motcua.payments.models import Payment
from tests.browser.conftest import needs_chromium
from tests.factories import PASSWORD, dossier_world
from tests.payments.helpers import owned_received

pytestmark = [needs_chromium, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(new_page, live_server, username: str, next_url: str):
    page = new_page()
    page.goto(f"{live_server.url}/dang-nhap/?next={next_url}")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    return page


def test_citizen_pays_online_and_officer_reconciles(live_server, new_page, screenshot, axe_check):
    w = dossier_world()
    dossier = owned_received(w)
    abandoned = owned_received(w)

    page = sign_in(new_page, live_server, "congdan", f"/ho-so-cua-toi/{dossier.code}/")
    expect(page.get_by_text("Chưa nộp phí, lệ phí")).to_be_visible()
    screenshot(page, "payments-mine-detail")
    axe_check(page, name="my dossier with fee")
    page.get_by_role("link", name="Thanh toán trực tuyến").click()
    expect(page.get_by_role("heading", name="Phí, lệ phí")).to_be_visible()
    axe_check(page, name="pay page")
    screenshot(page, "payments-pay")
    page.get_by_role("button", name="Thanh toán trực tuyến").click()
    expect(page.get_by_role("heading", name="Cổng thanh toán giả lập")).to_be_visible()
    axe_check(page, name="fake gateway")
    screenshot(page, "payments-fake-gateway")
    page.get_by_role("button", name="Thanh toán thành công").click()
    expect(page.get_by_role("heading", name="Thanh toán thành công")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/thanh-toan/ket-qua/TT\w+/$"))
    axe_check(page, name="payment result")
    screenshot(page, "payments-result")
    page.get_by_role("link", name="Xem và in biên lai").click()
    expect(page.get_by_role("heading", name="Biên lai thu phí, lệ phí")).to_be_visible()
    axe_check(page, name="receipt")
    screenshot(page, "payments-receipt")
    payment = Payment.objects.get(dossier=dossier)
    assert payment.status == PaymentStatus.PAID and payment.receipt_number == "BL-H12.99-2026-000001"

    # The second dossier: paid at the gateway, but the connection is lost on the way back.
    page.goto(f"{live_server.url}/thanh-toan/{abandoned.code}/")
    page.get_by_role("button", name="Thanh toán trực tuyến").click()
    page.get_by_label("Mô phỏng mất kết nối").check()
    page.get_by_role("button", name="Thanh toán thành công").click()
    expect(page.get_by_role("heading", name="Mất kết nối với cổng thanh toán")).to_be_visible()
    half_way = Payment.objects.get(dossier=abandoned)
    assert half_way.status == PaymentStatus.PENDING

    officer = sign_in(new_page, live_server, "tiepnhan", "/can-bo/thanh-toan/")
    expect(officer.get_by_role("heading", name=re.compile("Đối soát thu phí, lệ phí"))).to_be_visible()
    expect(officer.get_by_text("1 giao dịch trực tuyến đang chờ xác nhận")).to_be_visible()
    axe_check(officer, name="reconciliation list")
    screenshot(officer, "payments-reconciliation")
    officer.get_by_role("button", name="Đối soát ngay").click()
    expect(officer.get_by_text(f"Giao dịch {half_way.order_id}: Đã thanh toán")).to_be_visible()
    half_way.refresh_from_db()
    assert half_way.status == PaymentStatus.PAID and half_way.receipt_number == "BL-H12.99-2026-000002"
    screenshot(officer, "payments-reconciled")
