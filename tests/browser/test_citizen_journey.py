"""Issue #4, "Done when", browser half: a new citizen's whole journey through the pages, on a phone.

Registration with a code read from what the SMS backend delivered → online submission → returned for
completion once → completed and received → supplement requested and answered from the account → approved,
signed e-result attached and returned → download, verification and rating. The officers use their own pages
on a desktop. The outbox is delivered along the way, with the SMS gateway down for one simulated hour;
every message the story should produce is delivered exactly once. Each citizen page passes axe (WCAG 2.2 A/AA),
does not scroll sideways on a 390 px screen, and leaves a full-page screenshot in test-artifacts/journey-*.png.

Nothing in the story is done through services: the database is only read, for assertions and for the code.
The certificates are installed beforehand (an administrator's job, no page)."""

import json
import re
import types
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from motcua.accounts.models import User
from motcua.dossiers.enums import Status
from motcua.dossiers.models import Dossier
from motcua.notifications import backends
from motcua.notifications.delivery import outbox_deliver_due
from motcua.notifications.models import Message, MessageChannel, MessageStatus
from motcua.paperwork.signing import certificates_demo_create
from motcua.ratings.models import Rating
from tests.browser.conftest import follow, needs_chromium
from tests.browser.test_backoffice_flow import next_working_morning, open_dossier_from
from tests.browser.test_backoffice_flow import sign_in as officer_sign_in
from tests.factories import dossier_world
from tests.online.conftest import EFORM
from tests.results.helpers import plain_pdf

pytestmark = [needs_chromium, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 1,
}
CITIZEN_PHONE = "0987654321"
CITIZEN_EMAIL = "le.thi.thu@example.vn"
CITIZEN_PASSWORD = "Hoa-sen-2026!"
OUTAGE = timedelta(hours=1)
# 1×1 PNG, a real image (checked by content on upload).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201f5c1c5"
    "9d0000000049454e44ae426082"
)


# --- the SMS gateway and the worker -----------------------------------------------------------------------
@pytest.fixture
def gateway(settings, monkeypatch, tmp_path):
    """The SMS provider: the file backend (sms.jsonl), refusing with a retryable error while `down`."""
    state = types.SimpleNamespace(down=False, refused=[], path=tmp_path / "outbox" / "sms.jsonl")

    class GatewayWithOutage(backends.FileSmsBackend):
        def send(self, message):
            if state.down:
                state.refused.append(message.delivery_key)
                raise backends.DeliveryError("Cổng SMS: HTTP 503")
            return super().send(message)

    monkeypatch.setitem(backends.SMS_BACKENDS, "journey", GatewayWithOutage)
    settings.MOTCUA_SMS_BACKEND = "journey"
    settings.MOTCUA_OUTBOX_DIR = tmp_path / "outbox"
    state.delivered = lambda: [json.loads(line) for line in state.path.read_text().splitlines()]
    return state


class Worker:
    """`motcua worker` on simulated time: one outbox pass per simulated minute. The simulated clock runs ahead
    of the (travelled) wall clock once an outage has been waited out; rows written later are due at once."""

    def __init__(self, gateway):
        self.gateway = gateway
        self.clock: datetime | None = None
        self.outage: tuple[datetime, datetime] | None = None

    def now(self) -> datetime:
        return max(self.clock or timezone.now(), timezone.now())

    def gateway_goes_down(self, *, for_: timedelta) -> None:
        start = self.now()
        self.outage = (start, start + for_)

    def run(self, *, minutes: int = 0) -> None:
        now = self.now()
        end = now + timedelta(minutes=minutes)
        while True:
            self.gateway.down = bool(self.outage) and self.outage[0] <= now < self.outage[1]
            outbox_deliver_due(now=now)
            if now >= end:
                break
            now = min(now + timedelta(minutes=1), end)
        self.clock = now


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    w = dossier_world()
    w.version.eform_fields = EFORM
    w.version.save(update_fields=["eform_fields"])
    certificates_demo_create(units=[w.justice])
    with time_machine.travel(next_working_morning(), tick=True):
        yield w


# --- the citizen's phone ------------------------------------------------------------------------------------
@pytest.fixture
def visit(axe_check, screenshot):
    """visit(page, "name"): axe on what the page shows, no sideways scrolling, and a full-page screenshot."""
    seen = []

    def check(page, name: str) -> None:
        page.wait_for_load_state()
        axe_check(page, name=name)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["viewport"]["width"], f"{name}: {width}px wide on a 390px screen"
        screenshot(page, f"journey-{len(seen) + 1:02d}-{name}")
        seen.append(name)

    check.seen = seen
    return check


def open_mine(page, reference: str) -> None:
    """From "Hồ sơ của tôi", the dossier whose code (or reference) is `reference`."""
    item = page.locator(".dossier-list__item").filter(
        has=page.locator("dd", has_text=re.compile(rf"^{re.escape(reference)}$"))
    )
    item.get_by_role("link").click()
    expect(page.locator(".caption")).to_contain_text(reference)


@pytest.mark.usefixtures("world")
def test_a_new_citizen_from_registration_to_rating(live_server, new_page, gateway, visit, tmp_path):
    worker = Worker(gateway)
    url = live_server.url

    # --- 1. registration with a phone number, the code read from the delivered SMS ------------------------
    citizen = new_page(**PHONE)
    citizen.goto(f"{url}/dang-nhap/")
    visit(citizen, "sign-in")
    citizen.get_by_role("link", name="Chưa có tài khoản? Đăng ký").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Đăng ký tài khoản")
    visit(citizen, "register-contact")
    citizen.get_by_label("Số điện thoại di động hoặc thư điện tử").fill(CITIZEN_PHONE)
    citizen.get_by_role("button", name="Gửi mã xác minh").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Nhập mã xác minh")
    visit(citizen, "register-code")
    worker.run()
    [sms] = gateway.delivered()
    assert sms["to"] == "84987654321"
    code = re.search(r"\b(\d{6})\b", sms["text"]).group(1)
    citizen.get_by_label("Mã xác minh").fill(code)
    citizen.get_by_role("button", name="Tiếp tục").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Họ tên và mật khẩu")
    visit(citizen, "register-details")
    citizen.get_by_label("Họ và tên").fill("Lê Thị Thu")
    citizen.get_by_label("Mật khẩu", exact=True).fill(CITIZEN_PASSWORD)
    citizen.get_by_label("Nhập lại mật khẩu").fill(CITIZEN_PASSWORD)
    citizen.get_by_role("button", name="Tạo tài khoản").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Đã tạo tài khoản")
    visit(citizen, "registered")
    account = User.objects.get(full_name="Lê Thị Thu")
    assert account.phone == CITIZEN_PHONE and account.check_password(CITIZEN_PASSWORD)
    citizen.get_by_role("button", name="Đăng xuất").click()

    # --- 2. finds the procedure, signs in on the way, fills the e-form and submits -------------------------
    citizen.goto(f"{url}/thu-tuc/")
    citizen.get_by_label("Tìm thủ tục").fill("hôn nhân")
    follow(citizen, citizen.get_by_role("button", name="Tìm kiếm"))
    visit(citizen, "procedures")
    follow(
        citizen,
        citizen.get_by_role("link", name=re.compile("Thủ tục cấp Giấy xác nhận tình trạng hôn nhân")).first,
    )
    visit(citizen, "procedure")
    citizen.get_by_role("link", name="Nộp trực tuyến").click()
    citizen.get_by_label("Tên đăng nhập").fill(CITIZEN_PHONE)
    citizen.get_by_label("Mật khẩu").fill(CITIZEN_PASSWORD)
    citizen.get_by_role("button", name="Đăng nhập").click()
    expect(citizen).to_have_url(re.compile(r"/nop-truc-tuyen/1\.004873/$"))
    visit(citizen, "submit-start")
    citizen.get_by_role("button", name="Bắt đầu").click()

    expect(citizen.get_by_label("Họ và tên (hoặc tên tổ chức)")).to_have_value("Lê Thị Thu")
    citizen.get_by_label("Số định danh cá nhân (số CCCD) hoặc mã số doanh nghiệp").fill("096199001234")
    citizen.get_by_label("Số điện thoại").fill(CITIZEN_PHONE)
    citizen.get_by_label("Thư điện tử").fill(CITIZEN_EMAIL)
    visit(citizen, "submit-applicant")
    citizen.get_by_role("button", name="Lưu và tiếp tục").click()
    citizen.get_by_label("Tình trạng hôn nhân hiện tại").select_option("Chưa kết hôn")
    visit(citizen, "submit-eform-1")
    citizen.get_by_role("button", name="Lưu và tiếp tục").click()
    citizen.get_by_label("Mục đích sử dụng giấy xác nhận").fill("Đăng ký kết hôn")
    visit(citizen, "submit-eform-2")
    citizen.get_by_role("button", name="Lưu và tiếp tục").click()
    citizen.get_by_label("Tôi cam đoan nội dung khai là đúng sự thật").check()
    visit(citizen, "submit-eform-3")
    citizen.get_by_role("button", name="Lưu và tiếp tục").click()

    declaration = tmp_path / "to-khai.pdf"
    declaration.write_bytes(plain_pdf("To khai xac nhan tinh trang hon nhan"))
    expect(citizen.get_by_role("heading", level=1)).to_contain_text("Tờ khai cấp Giấy xác nhận")
    visit(citizen, "submit-component-1")
    # The browser's own file button is the thing to tap on this page: thumb-sized, not 20 px.
    button_height = citizen.evaluate(
        "getComputedStyle(document.querySelector('input[type=file]'), '::file-selector-button').minHeight"
    )
    assert button_height == "44px"
    citizen.get_by_label("Tải lên bản quét (PDF, JPG hoặc PNG, tối đa 20 MB)").set_input_files(
        str(declaration)
    )
    citizen.get_by_role("button", name="Lưu và tiếp tục").click()
    expect(citizen.get_by_role("heading", level=1)).to_contain_text("Giấy tờ chứng minh nơi cư trú")
    visit(citizen, "submit-component-2")
    citizen.get_by_label("Không nộp giấy tờ này").check()
    citizen.get_by_role("button", name="Lưu và tiếp tục").click()

    visit(citizen, "submit-return")
    citizen.get_by_label("Nhận bản điện tử trên tài khoản này (có chữ ký số, giá trị như bản giấy)").check()
    citizen.get_by_role("button", name="Lưu và tiếp tục").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Kiểm tra hồ sơ trước khi gửi")
    visit(citizen, "submit-check")
    citizen.get_by_role("button", name="Gửi hồ sơ").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Đã gửi hồ sơ")
    dossier = Dossier.objects.get()
    reference = dossier.reference
    expect(citizen.locator(".panel__reference")).to_have_text(reference)
    visit(citizen, "submit-done")
    assert (dossier.status, dossier.owner_id, dossier.applicant_email) == (
        Status.SUBMITTED,
        account.pk,
        CITIZEN_EMAIL,
    )

    # --- 3. the receiving officer: the online worklist with its 8-working-hour clock; returned once --------
    desk = officer_sign_in(new_page, live_server, "tiepnhan")
    desk.get_by_role("link", name=re.compile("Trực tuyến chờ tiếp nhận")).click()
    row = desk.get_by_role("row").filter(has=desk.get_by_role("link", name=reference))
    reply_due = timezone.localtime(dossier.reply_due_at)
    assert dossier.reply_due_at is not None
    expect(row).to_contain_text(reply_due.strftime("%H:%M"))
    expect(row).to_contain_text(reply_due.strftime("%d/%m/%Y"))
    # Submitted a moment ago, at 08:00 on a working day: the whole 8 working hours are left.
    expect(row).to_contain_text(re.compile(r"còn (1 ngày|7 giờ 5\d phút)"))
    desk.get_by_role("link", name=reference).click()
    completion = desk.locator("#thao-tac-return_for_completion")
    completion.get_by_text("Hướng dẫn bổ sung, hoàn thiện").first.click()
    completion.get_by_label("Nội dung cần bổ sung (mỗi dòng một nội dung)").fill(
        "Giấy tờ chứng minh nơi cư trú (bản chụp)"
    )
    completion.get_by_role("button", name="Hướng dẫn bổ sung, hoàn thiện").click()
    expect(desk.get_by_role("status")).to_contain_text("Hướng dẫn bổ sung, hoàn thiện")
    assert Dossier.objects.get().status == Status.INCOMPLETE

    # The SMS gateway goes down for an hour; e-mail still works.
    worker.gateway_goes_down(for_=OUTAGE)
    worker.run()
    assert gateway.refused, "the returned-for-completion SMS met the outage"

    # --- 4. the citizen sees what is missing, uploads it and sends the dossier again -----------------------
    citizen.get_by_role("link", name="Hồ sơ của tôi").first.click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Hồ sơ của tôi")
    visit(citizen, "mine-incomplete")
    open_mine(citizen, reference)
    expect(citizen.locator(".status-panel")).to_contain_text("Giấy tờ chứng minh nơi cư trú (bản chụp)")
    visit(citizen, "dossier-incomplete")
    citizen.get_by_role("link", name="Sửa và gửi lại hồ sơ").click()
    expect(citizen.locator(".warning-panel")).to_contain_text("Giấy tờ chứng minh nơi cư trú (bản chụp)")
    visit(citizen, "resubmit-check")
    citizen.get_by_role("link", name="Thay đổi Giấy tờ chứng minh nơi cư trú").click()
    residence = tmp_path / "noi-cu-tru.png"
    residence.write_bytes(PNG)
    citizen.get_by_label("Tải lên tệp mới").check()
    citizen.get_by_label("Tải lên bản quét (PDF, JPG hoặc PNG, tối đa 20 MB)").set_input_files(str(residence))
    visit(citizen, "resubmit-component")
    citizen.get_by_role("button", name="Lưu và tiếp tục").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Kiểm tra hồ sơ trước khi gửi")
    citizen.get_by_role("button", name="Gửi lại hồ sơ").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Đã gửi hồ sơ")
    assert Dossier.objects.get().status == Status.SUBMITTED

    # --- 5. received, transferred, assigned; the specialist asks for a supplement -------------------------
    desk.get_by_role("link", name=re.compile("Trực tuyến chờ tiếp nhận")).click()
    desk.get_by_role("link", name=reference).click()
    desk.locator("#thao-tac-receive").get_by_role("button", name="Tiếp nhận").click()
    dossier = Dossier.objects.get()
    code = dossier.code
    assert dossier.status == Status.RECEIVED and code
    expect(desk.get_by_role("status")).to_contain_text(f"Đã tiếp nhận hồ sơ {code}")
    desk.get_by_role("button", name="Chuyển xử lý").click()
    expect(desk.get_by_role("status")).to_contain_text("“Phân công xử lý”")
    worker.run(minutes=30)  # still down

    head = officer_sign_in(new_page, live_server, "truongphong")
    head.get_by_role("link", name=code).click()
    forward = head.locator("#thao-tac-forward")
    forward.get_by_label("Người xử lý bước tiếp theo").select_option("chuyenvien")
    forward.get_by_role("button", name="Chuyển bước tiếp theo").click()
    expect(head.get_by_role("status")).to_contain_text("“Thẩm định hồ sơ”")

    specialist = officer_sign_in(new_page, live_server, "chuyenvien")
    open_dossier_from(specialist, "Được giao cho tôi", code)
    supplement = specialist.locator("#thao-tac-request_supplement")
    supplement.get_by_text("Yêu cầu bổ sung").first.click()
    supplement.get_by_label("Nội dung cần bổ sung (mỗi dòng một nội dung)").fill(
        "Bản sao trích lục ly hôn (nếu đã từng kết hôn)"
    )
    supplement.get_by_role("button", name="Yêu cầu bổ sung").click()
    expect(specialist.get_by_role("status")).to_contain_text(f"Đã “Yêu cầu bổ sung” hồ sơ {code}")
    assert Dossier.objects.get().status == Status.AWAITING_SUPPLEMENT
    worker.run(minutes=45)  # the gateway comes back during these 45 minutes

    # --- 6. the citizen answers from the account; processing resumes to approval and the e-result ---------
    follow(citizen, citizen.get_by_role("link", name="Hồ sơ của tôi").first)
    visit(citizen, "mine-supplement")
    open_mine(citizen, code)
    expect(citizen.locator(".status-panel")).to_contain_text("Bản sao trích lục ly hôn")
    visit(citizen, "dossier-supplement")
    citizen.get_by_role("link", name="Nộp giấy tờ bổ sung").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Nộp giấy tờ bổ sung")
    extract = tmp_path / "trich-luc.pdf"
    extract.write_bytes(plain_pdf("Trich luc ly hon"))
    citizen.get_by_label("Tải lên tệp").set_input_files(str(extract))
    citizen.get_by_label("Ghi chú cho cán bộ (không bắt buộc)").fill("Tôi gửi bản sao trích lục.")
    visit(citizen, "supplement")
    citizen.get_by_role("button", name="Gửi giấy tờ bổ sung").click()
    expect(citizen.get_by_role("status")).to_be_visible()
    visit(citizen, "dossier-supplemented")
    dossier = Dossier.objects.get()
    assert dossier.status == Status.PROCESSING
    assert dossier.documents.filter(is_supplement=True).count() == 1

    specialist.reload()
    specialist.get_by_role("button", name="Chuyển bước tiếp theo").click()
    expect(specialist.get_by_role("status")).to_contain_text("Lấy ý kiến Sở Xây dựng")
    builder = officer_sign_in(new_page, live_server, "chuyenvien_xd")
    open_dossier_from(builder, "Việc cần làm", code)
    builder.get_by_role("button", name="Chuyển bước tiếp theo").click()
    expect(builder.get_by_role("status")).to_contain_text("“Ký duyệt”")
    leader = officer_sign_in(new_page, live_server, "lanhdao")
    open_dossier_from(leader, "Việc cần làm", code)
    leader.get_by_role("button", name="Phê duyệt").click()
    expect(leader.get_by_role("status")).to_contain_text("hồ sơ có kết quả")
    leader.get_by_role("link", name="Kết quả điện tử (ký số)").click()
    leader.get_by_role("button", name="Ký số và đính kèm").click()
    expect(leader.get_by_role("status")).to_contain_text(f"Đã ký số kết quả điện tử của hồ sơ {code}")
    expect(leader.locator(".bo-facts")).to_contain_text("Hợp lệ")

    open_dossier_from(desk, "Việc cần làm", code)
    desk.get_by_role("button", name="Trả kết quả").click()
    expect(desk.get_by_role("status")).to_contain_text(f"Đã trả kết quả hồ sơ {code}")
    assert Dossier.objects.get().status == Status.RETURNED

    # --- 7. download, verify, rate ------------------------------------------------------------------------
    citizen.get_by_role("link", name="Hồ sơ của tôi").first.click()
    open_mine(citizen, code)
    expect(citizen.locator(".status-panel")).to_contain_text("Đã trả kết quả")
    visit(citizen, "dossier-returned")
    with citizen.expect_download() as download:
        citizen.get_by_role("link", name="Tải kết quả điện tử").click()
    signed = tmp_path / "ket-qua.pdf"
    download.value.save_as(signed)
    assert signed.read_bytes().startswith(b"%PDF-")

    citizen.goto(f"{url}/ket-qua/kiem-tra/")
    visit(citizen, "verify")
    citizen.get_by_label("Tệp kết quả (PDF, tối đa 20 MB)").set_input_files(str(signed))
    citizen.get_by_role("button", name="Kiểm tra").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Chữ ký số hợp lệ")
    expect(citizen.locator(".summary-list")).to_contain_text(
        f"Trùng khớp với kết quả điện tử của hồ sơ {code}"
    )
    expect(citizen.locator(".summary-list")).to_contain_text("Sở Tư pháp")
    visit(citizen, "verify-valid")

    citizen.go_back()
    citizen.go_back()
    citizen.get_by_role("link", name="Đánh giá mức độ hài lòng").click()
    expect(citizen.get_by_role("link", name="Quay lại hồ sơ")).to_have_attribute(
        "href", f"/ho-so-cua-toi/{code}/"
    )
    visit(citizen, "rating")
    citizen.get_by_label("Rất hài lòng").check()
    citizen.get_by_role("button", name="Gửi đánh giá").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Đã ghi nhận đánh giá")
    visit(citizen, "rating-done")
    rating = Rating.objects.get()
    assert (rating.dossier_id, rating.overall, rating.channel) == (dossier.pk, "very_satisfied", "online")

    # --- 8. every message delivered exactly once, the outage included -------------------------------------
    worker.run(minutes=5)
    messages = list(Message.objects.order_by("id"))
    assert {m.status for m in messages} == {MessageStatus.SENT}, [
        (m.event, m.channel, m.status, m.last_error) for m in messages
    ]
    expected = [("verification_code", MessageChannel.SMS)] + [
        (event, channel)
        for event in (
            "returned_for_completion",
            "received",
            "supplement_requested",
            "result_ready",
            "returned",
        )
        for channel in (MessageChannel.EMAIL, MessageChannel.SMS)
    ]
    assert sorted((m.event, m.channel) for m in messages) == sorted(expected)
    assert all(m.dossier_id == dossier.pk for m in messages if m.event != "verification_code")

    sms_rows = {str(m.delivery_key): m for m in messages if m.channel == MessageChannel.SMS}
    delivered = gateway.delivered()
    assert sorted(line["id"] for line in delivered) == sorted(sms_rows), "each SMS reached the gateway once"
    assert {line["to"] for line in delivered} == {"84987654321"}
    start, end = worker.outage
    assert not [m for m in sms_rows.values() if start <= m.sent_at < end], "nothing accepted while down"
    # The SMS written before and during the outage waited and went out after it, once.
    waited = [m for m in sms_rows.values() if m.attempts > 1]
    assert {m.event for m in waited} == {"returned_for_completion", "received", "supplement_requested"}
    assert all(m.sent_at >= end for m in waited)
    assert {str(key) for key in gateway.refused} == {str(m.delivery_key) for m in waited}

    email_ids = [email.extra_headers["Message-ID"] for email in mail.outbox]
    assert len(email_ids) == len(set(email_ids)) == 5
    assert sorted(email_ids) == sorted(
        f"<{m.delivery_key}@localhost>" for m in messages if m.channel == MessageChannel.EMAIL
    )
    assert {tuple(email.to) for email in mail.outbox} == {(CITIZEN_EMAIL,)}

    assert len(visit.seen) >= 20
    print(f"\nCitizen pages checked with axe and shot at 390×844: {', '.join(visit.seen)}")
