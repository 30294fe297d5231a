"""The Content Security Policy in a real browser: the pages that run our scripts (the back office's fetches,
the print button, the payment round trip through the fake gateway, the dashboard's charts) work, and chromium
reports no violation."""

import re

import pytest
from playwright.sync_api import expect

from motcua.payments.enums import PaymentStatus
from motcua.payments.models import Payment
from tests.browser.conftest import needs_chromium
from tests.factories import PASSWORD, dossier_world
from tests.payments.helpers import owned_received

pytestmark = [needs_chromium, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  (window.__cspViolations = window.__cspViolations || []).push(event.violatedDirective + " " + event.blockedURI);
});
"""


def _watched_page(new_page, problems: list[str]):
    page = new_page()
    page.add_init_script(REPORT_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            problems.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text or "Permissions-Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    return page


def _violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations || []")


def _sign_in(page, live_server, username: str, next_url: str) -> None:
    page.goto(f"{live_server.url}/dang-nhap/?next={next_url}")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_pages_work_under_the_policy_without_violations(live_server, new_page):
    w = dossier_world()
    dossier = owned_received(w)
    problems: list[str] = []
    seen: list[str] = []

    citizen = _watched_page(new_page, problems)
    citizen.goto(f"{live_server.url}/")
    citizen.goto(f"{live_server.url}/thu-tuc/")
    citizen.goto(f"{live_server.url}/tra-cuu/")
    seen += _violations(citizen)
    _sign_in(citizen, live_server, "congdan", f"/thanh-toan/{dossier.code}/")
    expect(citizen.get_by_role("heading", name="Phí, lệ phí")).to_be_visible()
    citizen.get_by_role("button", name="Thanh toán trực tuyến").click()
    expect(citizen.get_by_role("heading", name="Cổng thanh toán giả lập")).to_be_visible()
    citizen.get_by_role("button", name="Thanh toán thành công").click()
    expect(citizen).to_have_url(re.compile(r"/thanh-toan/ket-qua/TT\w+/$"))
    citizen.get_by_role("link", name="Xem và in biên lai").click()
    # The print button is shown by motcua/site.js: the static script ran under script-src 'self'.
    expect(citizen.get_by_role("button", name="In biên lai")).to_be_visible()
    seen += _violations(citizen)
    assert Payment.objects.get(dossier=dossier).status == PaymentStatus.PAID

    officer = _watched_page(new_page, problems)
    _sign_in(officer, live_server, "tiepnhan", "/can-bo/")
    expect(officer.get_by_role("heading", level=1)).to_be_visible()
    # The dashboard draws pygal charts (SVG with their own <style>, and pygal's config script removed).
    officer.goto(f"{live_server.url}/can-bo/bang-dieu-khien/")
    expect(officer.locator("svg[role=img]").first).to_be_visible()
    seen += _violations(officer)
    officer.goto(f"{live_server.url}/can-bo/thanh-toan/")
    expect(officer.get_by_role("heading", name=re.compile("Đối soát thu phí, lệ phí"))).to_be_visible()
    seen += _violations(officer)

    assert seen == []
    assert problems == []
