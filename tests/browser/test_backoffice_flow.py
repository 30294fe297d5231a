"""A dossier's whole life through the officer pages, by keyboard where officers use the keyboard:
counter intake → transfer → assignment and appraisal (forward) → approval → return of the result."""

import re
import time
from datetime import datetime, timedelta

import pytest
import time_machine
from playwright.sync_api import expect

from motcua.dossiers.enums import Status
from motcua.dossiers.models import Dossier
from motcua.workcal.calendar import LOCAL_TZ
from motcua.workcal.selectors import calendar_for_unit
from tests.browser.conftest import needs_chromium
from tests.factories import PASSWORD, dossier_world

pytestmark = [needs_chromium, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def next_working_morning() -> datetime:
    """08:00 on the next working day. In the future on purpose: the browser keeps its own clock, and a
    session cookie issued "in the past" would already have expired for it."""
    calendar = calendar_for_unit(None)
    day = calendar.next_working_day(datetime.now(LOCAL_TZ).date())
    return datetime.combine(day, datetime.min.time(), tzinfo=LOCAL_TZ) + timedelta(hours=8)


@pytest.fixture
def world():
    w = dossier_world()
    with time_machine.travel(next_working_morning(), tick=True):
        yield w


def sign_in(new_page, live_server, username: str, **options):
    page = new_page(**options)
    page.goto(f"{live_server.url}/dang-nhap/?next=/can-bo/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/can-bo/$"))
    return page


def access_key(page, letter: str) -> None:
    """Alt+letter as a keyboard sends it. Playwright's own Alt+key carries no text, which Chromium's
    access-key handling needs, so the event goes through CDP with the text an operating system sends."""
    cdp = page.context.new_cdp_session(page)
    code = {"type": "keyDown", "modifiers": 1, "key": letter, "code": f"Key{letter.upper()}"}
    cdp.send(
        "Input.dispatchKeyEvent",
        {**code, "windowsVirtualKeyCode": ord(letter.upper()), "text": letter, "unmodifiedText": letter},
    )
    cdp.send("Input.dispatchKeyEvent", {**code, "type": "keyUp"})
    cdp.detach()


def open_dossier_from(page, worklist: str, code: str):
    page.get_by_role("navigation", name="Hồ sơ của cán bộ").get_by_role(
        "link", name=re.compile(worklist)
    ).click()
    page.get_by_role("link", name=code).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)


@pytest.mark.usefixtures("world")
def test_counter_intake_to_return_of_the_result(live_server, new_page, screenshot):
    typed = {"chars": 0, "keys": 0}

    def type_text(page, text):
        page.keyboard.type(text)
        typed["chars"] += len(text)

    def press(page, key):
        page.keyboard.press(key)
        typed["keys"] += 1

    # --- counter intake, keyboard only --------------------------------------------------------------------
    desk = sign_in(new_page, live_server, "tiepnhan")
    started = time.perf_counter()
    access_key(desk, "n")  # Alt+N: the menu's "Tiếp nhận hồ sơ"
    typed["keys"] += 1
    expect(desk.get_by_role("heading", name="Chọn thủ tục hành chính")).to_be_visible()
    expect(desk.get_by_label("Tên hoặc mã thủ tục")).to_be_focused()
    type_text(desk, "hon nhan")
    option = desk.get_by_role("link", name=re.compile("Thủ tục cấp Giấy xác nhận tình trạng hôn nhân"))
    expect(option).to_be_visible()  # fetched as you type
    press(desk, "ArrowDown")
    expect(option).to_be_focused()
    press(desk, "Enter")

    expect(desk.get_by_role("heading", level=1)).to_have_text("Thủ tục cấp Giấy xác nhận tình trạng hôn nhân")
    id_number = desk.get_by_label("Số định danh cá nhân / mã số doanh nghiệp")
    expect(id_number).to_be_focused()
    preview = desk.locator("#intake-preview")
    expect(preview).to_contain_text("Ngày hẹn trả kết quả")
    expect(preview).to_contain_text("10.000 đồng")
    expect(desk.get_by_role("checkbox", name="Tờ khai cấp Giấy xác nhận tình trạng hôn nhân")).to_be_checked()

    type_text(desk, "096123456789")
    press(desk, "Enter")  # looks the applicant up; unknown, so the name field is next
    expect(desk.locator("#lookup-status")).to_contain_text("Chưa có người nộp nào")
    expect(desk.get_by_label("Họ tên người nộp / tên tổ chức")).to_be_focused()
    type_text(desk, "Nguyễn Thị Hoa")
    press(desk, "Tab")
    expect(desk.get_by_label("Số điện thoại", exact=True)).to_be_focused()
    type_text(desk, "0912345678")
    filled = time.perf_counter() - started

    # The live preview follows the number of sets.
    desk.get_by_label("Số bộ hồ sơ").fill("2")
    expect(preview).to_contain_text("20.000 đồng")
    desk.get_by_label("Số bộ hồ sơ").fill("1")
    expect(preview).to_contain_text("10.000 đồng")
    screenshot(desk, "backoffice-intake")

    desk.get_by_label("Số điện thoại", exact=True).focus()
    submit_started = time.perf_counter()
    press(desk, "Enter")  # Enter in a field receives the dossier
    expect(desk.get_by_role("heading", level=1)).to_contain_text(re.compile(r"H12\.99-\d{6}-0001"))
    round_trip = time.perf_counter() - submit_started
    # Typing at machine speed plus the page loads; the live-preview check and the screenshot are left out.
    whole_intake = filled + round_trip

    dossier = Dossier.objects.get()
    code = dossier.code
    assert dossier.applicant_name == "Nguyễn Thị Hoa"
    assert dossier.status == Status.RECEIVED
    print_link = desk.get_by_role("link", name="In phiếu hẹn (Mẫu 01)")
    expect(print_link).to_be_visible()
    expect(print_link).to_be_focused()
    expect(print_link).to_have_attribute("href", f"/can-bo/ho-so/{code}/mau/01.pdf")
    pdf = desk.request.get(f"{live_server.url}/can-bo/ho-so/{code}/mau/01.pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF-")
    expect(desk.get_by_role("status")).to_contain_text(f"Đã tiếp nhận hồ sơ {code}")
    screenshot(desk, "backoffice-receipt")

    print(
        f"\nMinimal counter intake: 4 fields (procedure search, ID number, name, phone), "
        f"{typed['chars']} characters + {typed['keys']} other keys = {typed['chars'] + typed['keys']} keystrokes; "
        f"submit → receipt page {round_trip:.2f} s; menu → receipt at machine typing speed {whole_intake:.2f} s"
    )

    desk.get_by_role("button", name="Chuyển xử lý").click()
    expect(desk.get_by_role("status")).to_contain_text(
        "hồ sơ chuyển đến bước “Phân công xử lý” tại Sở Tư pháp"
    )

    # --- head of division: assigns while forwarding to appraisal -----------------------------------------
    head = sign_in(new_page, live_server, "truongphong")
    expect(head.get_by_role("link", name=code)).to_be_visible()
    screenshot(head, "backoffice-worklist")
    head.get_by_role("link", name=code).click()
    forward = head.locator("#thao-tac-forward")
    forward.get_by_label("Người xử lý bước tiếp theo").select_option("chuyenvien")
    forward.get_by_label("Ý kiến (không bắt buộc)").fill("Đề nghị thẩm định, trình ký trong ngày.")
    forward.get_by_role("button", name="Chuyển bước tiếp theo").click()
    expect(head.get_by_role("status")).to_contain_text("“Thẩm định hồ sơ” tại Sở Tư pháp")

    # --- specialist: appraises, then the Department of Construction gives its opinion --------------------
    specialist = sign_in(new_page, live_server, "chuyenvien")
    open_dossier_from(specialist, "Được giao cho tôi", code)
    specialist.get_by_role("button", name="Chuyển bước tiếp theo").click()
    expect(specialist.get_by_role("status")).to_contain_text("Lấy ý kiến Sở Xây dựng")

    builder = sign_in(new_page, live_server, "chuyenvien_xd")
    open_dossier_from(builder, "Việc cần làm", code)
    builder.get_by_role("button", name="Chuyển bước tiếp theo").click()
    expect(builder.get_by_role("status")).to_contain_text("“Ký duyệt”")

    # --- signing leader approves ----------------------------------------------------------------------------
    leader = sign_in(new_page, live_server, "lanhdao")
    open_dossier_from(leader, "Việc cần làm", code)
    leader.get_by_role("button", name="Phê duyệt").click()
    expect(leader.get_by_role("status")).to_contain_text("hồ sơ có kết quả")

    # --- back at the counter: the result is handed over ------------------------------------------------------
    open_dossier_from(desk, "Việc cần làm", code)
    expect(desk.get_by_text("Có kết quả, chờ trả").first).to_be_visible()
    desk.get_by_role("button", name="Trả kết quả").click()
    expect(desk.get_by_role("status")).to_contain_text(f"Đã trả kết quả hồ sơ {code}")
    expect(desk.get_by_role("heading", level=1)).to_contain_text("Đã trả kết quả")
    timeline = desk.locator(".bo-timeline")
    for label in ("Tiếp nhận", "Chuyển xử lý", "Chuyển bước tiếp theo", "Phê duyệt", "Trả kết quả"):
        expect(timeline).to_contain_text(label)
    expect(timeline).to_contain_text("Đề nghị thẩm định, trình ký trong ngày.")
    screenshot(desk, "backoffice-dossier-returned")
    assert Dossier.objects.get().status == Status.RETURNED


@pytest.mark.usefixtures("world")
def test_counter_intake_without_javascript(live_server, new_page, screenshot):
    desk = sign_in(new_page, live_server, "tiepnhan", java_script_enabled=False)
    desk.get_by_role("link", name=re.compile("Tiếp nhận hồ sơ")).click()
    desk.get_by_label("Tên hoặc mã thủ tục").fill("1.004873")
    desk.get_by_role("button", name="Tìm thủ tục").click()
    desk.get_by_role("link", name=re.compile("Thủ tục cấp Giấy xác nhận tình trạng hôn nhân")).click()

    desk.get_by_label("Họ tên người nộp / tên tổ chức").fill("Trần Văn Bình")
    desk.get_by_label("Số bộ hồ sơ").fill("3")
    desk.get_by_role("button", name="Xem ngày hẹn").click()
    expect(desk.locator("#intake-preview")).to_contain_text("30.000 đồng")
    expect(desk.get_by_label("Họ tên người nộp / tên tổ chức")).to_have_value("Trần Văn Bình")

    desk.get_by_label("Nhận kết quả", exact=True).select_option("postal")
    desk.get_by_role("button", name="Tiếp nhận và in phiếu hẹn").click()
    summary = desk.locator(".error-summary")
    expect(summary).to_contain_text("Nhập địa chỉ nhận kết quả qua bưu chính.")
    screenshot(desk, "backoffice-intake-error-no-js")
    summary.get_by_role("link", name="Nhập địa chỉ nhận kết quả qua bưu chính.").click()
    desk.get_by_label("Địa chỉ nhận kết quả qua bưu chính").fill("Số 1 Lý Thường Kiệt, phường An Xuyên")
    desk.get_by_role("button", name="Tiếp nhận và in phiếu hẹn").click()
    expect(desk.get_by_role("link", name="In phiếu hẹn (Mẫu 01)")).to_be_visible()
    dossier = Dossier.objects.get()
    assert (dossier.sets, dossier.fee_amount, dossier.return_mode) == (3, 30000, "postal")
