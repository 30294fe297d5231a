"""A citizen finds a procedure without typing diacritics, reads it, prints it and switches to English."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from motcua.catalog.enums import FeeKind, OnlineLevel, PaperKind, ProcedureLevel
from motcua.org.enums import UnitKind
from tests.browser.conftest import ARTIFACTS, needs_chromium
from tests.factories import (
    ComponentRequirementFactory,
    FeeRuleFactory,
    FieldFactory,
    UnitFactory,
    published_procedure,
)

pytestmark = [needs_chromium, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogue():
    UnitFactory(kind=UnitKind.PROVINCE, name="UBND tỉnh Minh Họa", agency_code="H12")
    birth = published_procedure(
        national_code="1.001193",
        name="Thủ tục đăng ký khai sinh",
        legal_basis="Luật Hộ tịch số 60/2014/QH13.\nNghị định số 123/2015/NĐ-CP quy định chi tiết Luật Hộ tịch.",
        results="Giấy khai sinh (bản chính, bản điện tử).",
        conditions="Người đi đăng ký khai sinh là cha, mẹ, ông, bà hoặc người thân thích khác.",
        fee_exemptions="Đăng ký khai sinh đúng hạn được miễn lệ phí.",
        online_level=OnlineLevel.END_TO_END,
        is_postal_return_allowed=True,
        legal_time_amount=Decimal(3),
        legal_time_unit="working_days",
    )
    ComponentRequirementFactory(
        version=birth,
        order=90,
        name="Giấy chứng sinh",
        paper_kind=PaperKind.ORIGINAL,
        is_replaceable_by_state_data=True,
        replacement_note="Khai thác từ cơ sở dữ liệu y tế",
    )
    FeeRuleFactory(
        version=birth,
        order=2,
        label="Phí cấp bản sao Giấy khai sinh",
        kind=FeeKind.PER_PAGE,
        amount=2000,
        first_tier_units=2,
        amount_after=1000,
        cap=200000,
        is_optional=True,
    )
    published_procedure(national_code="1.000894", name="Thủ tục đăng ký kết hôn")
    published_procedure(
        national_code="2.000815",
        name="Thủ tục chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền cấp",
        field=FieldFactory(code="CHUNGTHUC", name="Chứng thực"),
        level=ProcedureLevel.COMMUNE,
        online_level=OnlineLevel.NONE,
        is_postal_intake_allowed=True,
    )
    return birth


def test_search_without_diacritics_then_read_print_and_switch_to_english(
    live_server, page, screenshot, catalogue
):
    page.goto(f"{live_server.url}/thu-tuc/")
    expect(page).to_have_title(re.compile("^Thủ tục hành chính"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_text("Có 3 thủ tục")).to_be_visible()
    screenshot(page, "catalogue-list")

    page.get_by_label("Tìm thủ tục").fill("dang ky khai sinh")
    page.get_by_role("button", name="Tìm kiếm").click()

    expect(page.get_by_text("Tìm thấy 1 thủ tục phù hợp với “dang ky khai sinh”")).to_be_visible()
    expect(page.get_by_label("Tìm thủ tục")).to_have_value("dang ky khai sinh")
    screenshot(page, "catalogue-search")

    page.get_by_role("link", name="Thủ tục đăng ký khai sinh").click()

    expect(page).to_have_url(f"{live_server.url}/thu-tuc/1.001193.000.00.00.H12/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thủ tục đăng ký khai sinh")
    steps = page.get_by_role("region", name="Quy trình giải quyết").get_by_role("table")
    expect(steps.get_by_role("row")).to_have_count(5)
    expect(steps).to_contain_text("Thẩm định")
    expect(steps).to_contain_text("16 giờ làm việc (2 ngày làm việc)")
    expect(page.get_by_text("2.000 đồng/trang (trang 1–2), 1.000 đồng/trang từ trang 3")).to_be_visible()
    # The print button is an enhancement: present because JavaScript runs here.
    expect(page.get_by_role("button", name="In trang này")).to_be_visible()
    screenshot(page, "procedure-page")

    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Menu chính")).to_be_hidden()
    expect(page.get_by_role("button", name="In trang này")).to_be_hidden()
    screenshot(page, "procedure-page-print")
    pdf_path = ARTIFACTS / "procedure-page.pdf"
    page.pdf(path=str(pdf_path), format="A4", print_background=False, prefer_css_page_size=True)
    reader = PdfReader(pdf_path)
    first_page = reader.pages[0]
    assert round(float(first_page.mediabox.width)) == 595  # A4 in points
    text = "".join(p.extract_text() for p in reader.pages)
    assert "Thẩm định" in text
    assert "Căn cứ pháp lý" in text
    page.emulate_media(media="screen")

    page.get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{live_server.url}/thu-tuc/1.001193.000.00.00.H12/")
    expect(page.get_by_role("heading", name="Documents to submit")).to_be_visible()
    expect(page.get_by_role("heading", name="Processing steps")).to_be_visible()
    expect(page.get_by_text("16 working hours (2 working days)")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    screenshot(page, "procedure-page-english")

    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")


def test_small_screen(live_server, new_page, screenshot, catalogue):
    page = new_page(viewport={"width": 375, "height": 812})

    page.goto(f"{live_server.url}/thu-tuc/?q=khai+sinh")
    expect(page.get_by_role("link", name="Thủ tục đăng ký khai sinh")).to_be_visible()
    # Only the results table may scroll sideways, inside its own region; the page itself must not.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "catalogue-search-mobile")

    page.get_by_role("link", name="Thủ tục đăng ký khai sinh").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thủ tục đăng ký khai sinh")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "procedure-page-mobile")


def test_search_and_filters_work_without_javascript(live_server, new_page, screenshot, catalogue):
    page = new_page(java_script_enabled=False)
    page.goto(f"{live_server.url}/thu-tuc/")

    page.get_by_label("Tìm thủ tục").fill("chung thuc")
    page.get_by_label("Bưu chính công ích").select_option(label="Có qua bưu chính")
    page.get_by_role("button", name="Áp dụng bộ lọc").click()

    expect(page.get_by_text("Tìm thấy 1 thủ tục phù hợp với “chung thuc”")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Thủ tục chứng thực bản sao"))).to_be_visible()
    expect(page.get_by_label("Bưu chính công ích")).to_have_value("yes")

    page.get_by_label("Cấp thực hiện").select_option(label="Cấp tỉnh")
    page.get_by_role("button", name="Áp dụng bộ lọc").click()
    expect(page.get_by_role("heading", name="Không tìm thấy thủ tục nào phù hợp")).to_be_visible()
    screenshot(page, "catalogue-empty-no-js")

    page.get_by_role("link", name="Xóa tìm kiếm và bộ lọc").click()
    page.get_by_role("link", name="Thủ tục đăng ký khai sinh").click()
    # Without JavaScript the print button stays hidden and the page says how to print instead.
    expect(page.get_by_role("button", name="In trang này")).to_be_hidden()
    expect(page.get_by_text("Để in trang này, dùng lệnh In của trình duyệt (Ctrl+P).")).to_be_visible()

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Documents to submit")).to_be_visible()
