"""The rating pages in a real browser: the counter tablet with touch-sized buttons, and the QR page without
JavaScript; axe (WCAG 2.2 AA) on each screen when axe-playwright-python is installed."""

import pytest
from playwright.sync_api import expect

from motcua.ratings.models import Rating
from motcua.ratings.tokens import rating_qr_token
from tests.browser.conftest import needs_chromium
from tests.factories import dossier_world
from tests.ratings.helpers import at, returned

pytestmark = [needs_chromium, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def axe(new_page):
    """axe(page): WCAG 2.2 A/AA violations of what `page` shows fail the test. The pages are driven without
    JavaScript, and axe needs it: the same HTML is served again to a page with scripts, at the same address so
    the styles load. Skipped without axe-playwright-python."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        return lambda page: None
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
            # A shared tablet must go back to its start screen by itself (docs/ratings.md: WCAG 2.2.1's
            # essential exception); every other page has no timed refresh.
            options["rules"] = {"meta-refresh": {"enabled": False}}
        violations = runner.run(checker, options=options).response["violations"]
        assert not violations, [(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in violations]

    return check


@pytest.fixture
def dossier():
    w = dossier_world()
    return returned(w, when=at(2026, 3, 2, 8, 0))


def test_counter_tablet_without_javascript(live_server, new_page, screenshot, axe, dossier):
    page = new_page(java_script_enabled=False, viewport={"width": 1024, "height": 768}, has_touch=True)
    page.goto(f"{live_server.url}/danh-gia/quay/H12.99/")
    axe(page)
    page.get_by_label("Mã hồ sơ").fill(dossier.code)
    page.get_by_label("4 chữ số cuối của số điện thoại").fill("1111")
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.locator(".error-summary")).to_contain_text(
        "Không tìm thấy hồ sơ với mã và số điện thoại đã nhập."
    )
    screenshot(page, "rating-kiosk-error")
    axe(page)
    page.get_by_label("4 chữ số cuối của số điện thoại").fill("5678")
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.get_by_text("người nộp N. T. H.")).to_be_visible()
    axe(page, kiosk=True)
    box = page.get_by_role("button", name="Rất hài lòng").bounding_box()
    assert box["height"] >= 100 and box["width"] >= 200  # a thumb, not a mouse pointer
    page.get_by_text("Ý kiến chi tiết (không bắt buộc)").click()
    page.get_by_label("Lịch sự, tận tình").check()
    screenshot(page, "rating-kiosk-rate")
    page.get_by_role("button", name="Rất hài lòng").click()
    expect(page.get_by_role("heading", name="Cảm ơn bạn đã đánh giá")).to_be_visible()
    axe(page, kiosk=True)
    screenshot(page, "rating-kiosk-thanks")
    rating = Rating.objects.get()
    assert (rating.overall, rating.staff_attitude, rating.channel) == ("very_satisfied", "courteous", "kiosk")
    # Back to the start screen by itself (meta refresh, no script).
    expect(page.get_by_label("Mã hồ sơ")).to_be_visible(timeout=15_000)


def test_qr_page_on_a_phone_without_javascript(live_server, new_page, screenshot, axe, dossier):
    page = new_page(java_script_enabled=False, viewport={"width": 375, "height": 740})
    url = f"{live_server.url}/danh-gia/qr/{rating_qr_token(dossier=dossier)}/"
    page.goto(url)
    axe(page)
    page.get_by_role("button", name="Gửi đánh giá").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Chọn mức độ hài lòng chung của bạn.")
    screenshot(page, "rating-qr-error")
    axe(page)
    summary.get_by_role("link").click()
    expect(page).to_have_url(f"{url}#id_overall_0")
    page.get_by_label("Hài lòng", exact=True).check()
    page.get_by_label("Đúng thời hạn").check()
    screenshot(page, "rating-qr")
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_role("heading", name="Đã ghi nhận đánh giá")).to_be_visible()
    axe(page)
    screenshot(page, "rating-qr-done")
    rating = Rating.objects.get()
    assert (rating.overall, rating.time_versus_limit, rating.channel) == ("satisfied", "on_time", "qr")
