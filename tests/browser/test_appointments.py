"""Appointment booking in a real browser, without JavaScript: a citizen books a guidance slot step by step,
the booking is found again with its code, the citizen checks in at the centre's kiosk on the day and gets a
priority queue number, and the counter officer sees it on the day list. axe (WCAG 2.2 AA) on each screen."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from motcua.appointments.enums import AppointmentStatus
from motcua.appointments.models import Appointment
from motcua.workcal.calendar import LOCAL_TZ
from tests.appointments.helpers import guidance, queue_group
from tests.browser.conftest import needs_chromium
from tests.factories import PASSWORD, dossier_world

pytestmark = [needs_chromium, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def axe(new_page):
    """The pages are driven without JavaScript; axe needs it, so the same HTML is served again to a page
    with scripts at the same address (as tests/browser/test_ratings_browser.py does)."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        return lambda page, **kwargs: None
    runner = Axe()
    checker = new_page()
    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

    def check(page, *, kiosk: bool = False):
        url, html = page.url, page.content()
        checker.route(url, lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"))
        checker.goto(url)
        checker.unroute(url)
        options = {"runOnly": {"type": "tag", "values": tags}}
        if kiosk:
            # The shared kiosk goes back to its start screen by itself (WCAG 2.2.1 essential exception).
            options["rules"] = {"meta-refresh": {"enabled": False}}
        violations = runner.run(checker, options=options).response["violations"]
        assert not violations, [(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in violations]

    return check


def test_book_find_and_check_in(live_server, new_page, screenshot, axe):
    w = dossier_world()
    guidance(w, description="Cán bộ hướng dẫn kê khai tờ khai hộ tịch.")
    queue_group(w.centre)
    page = new_page(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/dat-lich/")
    axe(page)
    page.get_by_label("Trung tâm Phục vụ hành chính công tỉnh Cà Mau").check()
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_label("Hướng dẫn kê khai hộ tịch").check()
    page.get_by_role("button", name="Tiếp tục").click()
    # Days: submitting nothing explains what to do.
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.locator(".error-summary")).to_contain_text("Chọn ngày hẹn.")
    screenshot(page, "appointments-day-error")
    page.locator("select[name=ngay]").select_option(index=1)
    page.get_by_role("button", name="Tiếp tục").click()
    axe(page)
    screenshot(page, "appointments-time")
    page.locator("input[name=gio]").first.check()
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_label("Họ và tên").fill("Trần Thị Mai")
    page.get_by_label("Số điện thoại di động").fill("0912 345 678")
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.get_by_role("heading", name="Kiểm tra lịch hẹn trước khi đặt")).to_be_visible()
    axe(page)
    screenshot(page, "appointments-check")
    page.get_by_role("button", name="Đặt lịch hẹn").click()
    expect(page.get_by_role("heading", name="Đã đặt lịch hẹn")).to_be_visible()
    booking = Appointment.objects.get()
    expect(page.locator(".panel__reference")).to_have_text(booking.code)
    axe(page)
    screenshot(page, "appointments-done")

    # Another browser finds it with the code and the phone's last four digits.
    other = new_page(java_script_enabled=False)
    other.goto(f"{live_server.url}/dat-lich/quan-ly/")
    other.get_by_label("Mã lịch hẹn").fill(booking.code)
    other.get_by_label("4 số cuối của số điện thoại đã đăng ký").fill("5678")
    other.get_by_role("button", name="Tìm lịch hẹn").click()
    expect(other.get_by_role("link", name="Đổi giờ hẹn")).to_be_visible()
    axe(other)
    screenshot(other, "appointments-manage")

    # The day of the appointment: the clock cannot move for the live server, so the booking moves to now —
    # never before today's local midnight: a run at 00:02 (Vietnam time) put it on yesterday (CI, 2026-11-25).
    now = timezone.now()
    midnight = timezone.localtime(now, LOCAL_TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    Appointment.objects.filter(pk=booking.pk).update(
        start_at=max(now - timedelta(minutes=5), midnight), end_at=now + timedelta(minutes=25)
    )
    kiosk = new_page(java_script_enabled=False, viewport={"width": 1024, "height": 768}, has_touch=True)
    kiosk.goto(f"{live_server.url}/dat-lich/H12.99/check-in/")
    axe(kiosk)
    kiosk.get_by_label("Mã lịch hẹn hoặc số điện thoại").fill("0912345678")
    kiosk.get_by_role("button", name="Nhận số thứ tự ưu tiên").click()
    expect(kiosk.get_by_role("heading", name="Số thứ tự của bạn")).to_be_visible()
    booking.refresh_from_db()
    assert booking.status == AppointmentStatus.CHECKED_IN
    expect(kiosk.locator(".panel__reference")).to_have_text(booking.queue_ticket)
    axe(kiosk, kiosk=True)
    screenshot(kiosk, "appointments-kiosk-ticket")

    officer = new_page(java_script_enabled=False)
    officer.goto(f"{live_server.url}/dang-nhap/?next=/can-bo/lich-hen/")
    officer.get_by_label("Tên đăng nhập").fill("tiepnhan")
    officer.get_by_label("Mật khẩu").fill(PASSWORD)
    officer.get_by_role("button", name="Đăng nhập").click()
    expect(officer.get_by_role("cell", name=booking.code, exact=True)).to_be_visible()
    officer.get_by_role("button", name=f"Đã phục vụ {booking.code}").click()
    booking.refresh_from_db()
    assert booking.status == AppointmentStatus.DONE
    screenshot(officer, "appointments-officer-day")
