"""The queue in a real browser: a citizen takes a number on the hall tablet, the 1920×1080 board calls it with
the Vietnamese voice switched on, the officer calls, serves and receives the dossier at the counter, and the
number ends up holding the dossier."""

import re
import time
from datetime import timedelta

import pytest
import time_machine
from playwright.sync_api import expect

from motcua.queues.models import Ticket
from tests.browser.conftest import needs_chromium
from tests.browser.test_backoffice_flow import next_working_morning, sign_in
from tests.factories import dossier_world
from tests.queues.helpers import queue_setup

pytestmark = [needs_chromium, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Headless Chromium has no printer and no voice: record what the page asks of them.
STUBS = """
window.print = () => { window.__printed = (window.__printed || 0) + 1; };
window.__spoken = [];
if (window.speechSynthesis) {
  window.speechSynthesis.speak = (u) => { window.__spoken.push([u.text, u.lang]); };
}
"""


@pytest.fixture
def world():
    w = queue_setup(dossier_world())
    with time_machine.travel(next_working_morning() + timedelta(hours=1), tick=True):
        yield w


def _wait_until(page, expression: str, *, seconds: float = 10) -> None:
    """wait_for_function compiles its predicate with `new Function`, which the Content Security Policy
    (no 'unsafe-eval') forbids in the page; evaluate() goes through the debugger protocol and is not."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {seconds} s: {expression}"
        page.wait_for_timeout(100)


def test_ticket_to_dossier_walk(world, live_server, new_page, screenshot, axe_check):
    # --- the hall tablet ---------------------------------------------------------------------------------
    kiosk = new_page(viewport={"width": 1024, "height": 768}, has_touch=True)
    kiosk.add_init_script(STUBS)
    kiosk.goto(f"{live_server.url}/xep-hang/H12.99/")
    axe_check(kiosk, name="kiosk")
    button = kiosk.get_by_role("button", name=re.compile("Tư pháp – Hộ tịch"))
    box = button.bounding_box()
    assert box["height"] >= 100  # a thumb, not a mouse pointer
    screenshot(kiosk, "queue-kiosk")
    button.click()
    expect(kiosk.get_by_role("heading", name="A001")).to_be_visible()
    expect(kiosk.get_by_text("sắp đến lượt")).to_be_visible()
    _wait_until(kiosk, "window.__printed === 1")
    screenshot(kiosk, "queue-receipt")
    kiosk.emulate_media(media="print")
    screenshot(kiosk, "queue-receipt-print")
    kiosk.emulate_media(media="screen")

    # --- the board on the hall screen --------------------------------------------------------------------
    board = new_page(viewport={"width": 1920, "height": 1080})
    board.add_init_script(STUBS)
    board.goto(f"{live_server.url}/xep-hang/H12.99/bang/")
    voice = board.get_by_role("button", name="Bật đọc số")
    voice.click()
    expect(board.get_by_role("button", name="Tắt đọc số")).to_have_attribute("aria-pressed", "true")
    axe_check(board, name="board")

    # --- the counter -------------------------------------------------------------------------------------
    desk = sign_in(new_page, live_server, "tiepnhan")
    desk.get_by_role("link", name="Quầy gọi số").click()
    desk.get_by_role("link", name=re.compile("Quầy 1 — Tư pháp")).click()
    expect(desk.get_by_role("row", name=re.compile("A001"))).to_be_visible()
    desk.get_by_role("button", name=re.compile("Gọi số tiếp theo")).click()
    expect(desk.get_by_role("status")).to_contain_text("Đã gọi số A001.")
    axe_check(desk, name="counter")
    screenshot(desk, "queue-counter")

    expect(board.locator("[data-last-call]")).to_contain_text("A001", timeout=8_000)
    _wait_until(board, "window.__spoken.length === 1", seconds=8)
    spoken = board.evaluate("window.__spoken[0]")
    assert spoken == ["Xin mời công dân có số thứ tự A 0 0 1 đến quầy số 1", "vi-VN"]
    screenshot(board, "queue-board-1920", full_page=False)

    desk.get_by_role("button", name="Gọi lại").click()
    _wait_until(board, "window.__spoken.length === 2", seconds=8)
    desk.get_by_role("button", name="Bắt đầu phục vụ").click()
    desk.get_by_role("link", name="Tiếp nhận hồ sơ cho số này").click()
    desk.get_by_label("Tên hoặc mã thủ tục").fill("1.004873")
    desk.get_by_role("button", name="Tìm").click()
    desk.get_by_role("link", name=re.compile("Thủ tục cấp Giấy xác nhận tình trạng hôn nhân")).first.click()
    desk.get_by_label("Số định danh cá nhân / mã số doanh nghiệp").fill("096123456789")
    desk.get_by_label("Họ tên người nộp / tên tổ chức").fill("Nguyễn Thị Hoa")
    desk.get_by_label("Số điện thoại", exact=True).fill("0912345678")
    desk.get_by_label("Số điện thoại", exact=True).press("Enter")
    expect(desk.get_by_role("heading", level=1)).to_contain_text(re.compile(r"H12\.99-\d{6}-0001"))

    ticket = Ticket.objects.get()
    code = ticket.dossiers.get().code
    desk.goto(f"{live_server.url}/can-bo/quay/")
    expect(desk.get_by_role("link", name=code)).to_be_visible()
    desk.get_by_role("button", name="Kết thúc").click()
    expect(desk.get_by_role("status")).to_contain_text("Đã kết thúc phục vụ số A001.")
    ticket.refresh_from_db()
    assert ticket.status == "done" and ticket.call_count == 2
