"""The wizard in a real browser on a phone-sized screen, every page checked with axe (WCAG 2.2 A/AA rules).
axe needs JavaScript; that the pages work without it is shown by tests/online/test_wizard.py, whose client
runs none."""

import pytest

from motcua.dossiers.enums import Status
from motcua.dossiers.models import Dossier
from tests.browser.conftest import follow, needs_chromium
from tests.factories import PASSWORD
from tests.online.conftest import EFORM, PNG

pytestmark = [needs_chromium, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 375, "height": 740}


@pytest.fixture
def axe():
    sync_axe = pytest.importorskip(
        "axe_playwright_python.sync_playwright", reason="needs axe-playwright-python"
    )
    runner = sync_axe.Axe()

    def check(page, name: str) -> None:
        results = runner.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        violations = results.response.get("violations", [])
        assert not violations, f"{name}: " + "; ".join(
            f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:3])})"
            for v in violations
        )

    return check


@pytest.fixture
def world(settings, tmp_path):
    from tests.factories import dossier_world

    settings.MEDIA_ROOT = tmp_path / "media"
    w = dossier_world()
    w.version.eform_fields = EFORM
    w.version.save(update_fields=["eform_fields"])
    return w


def test_a_citizen_submits_on_a_phone(live_server, world, new_page, screenshot, axe, tmp_path):
    w = world
    page = new_page(viewport=PHONE)
    page.goto(f"{live_server.url}/thu-tuc/1.004873/")
    follow(page, page.get_by_role("link", name="Nộp trực tuyến"))
    # Signing in brings the person back to the start page.
    page.get_by_label("Tên đăng nhập").fill(w.citizen.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    follow(page, page.get_by_role("button", name="Đăng nhập"))
    assert "/nop-truc-tuyen/1.004873/" in page.url
    axe(page, "start")
    follow(page, page.get_by_role("button", name="Bắt đầu"))

    axe(page, "applicant")
    page.get_by_label("Số định danh cá nhân (số CCCD) hoặc mã số doanh nghiệp").fill("")
    follow(page, page.get_by_role("button", name="Lưu và tiếp tục"))
    # The error summary takes the focus, so a screen reader reads it first.
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    axe(page, "applicant with errors")
    screenshot(page, "online-applicant-errors")
    page.get_by_role("link", name="Nhập số định danh cá nhân hoặc mã số doanh nghiệp.").click()
    page.locator("#id_id_number").fill("096199001234")
    page.locator("#id_phone").fill("0987654321")
    follow(page, page.get_by_role("button", name="Lưu và tiếp tục"))

    page.get_by_label("Tình trạng hôn nhân hiện tại").select_option("Chưa kết hôn")
    axe(page, "e-form 1")
    follow(page, page.get_by_role("button", name="Lưu và tiếp tục"))
    page.locator("#id_muc_dich").fill("Đăng ký kết hôn")
    axe(page, "e-form 2")
    follow(page, page.get_by_role("button", name="Lưu và tiếp tục"))
    page.get_by_label("Tôi cam đoan nội dung khai là đúng sự thật").check()
    follow(page, page.get_by_role("button", name="Lưu và tiếp tục"))

    scan = tmp_path / "to-khai.png"
    scan.write_bytes(PNG)
    axe(page, "component")
    screenshot(page, "online-component")
    page.locator("#id_file").set_input_files(str(scan))
    follow(page, page.get_by_role("button", name="Lưu và tiếp tục"))
    page.get_by_label("Không nộp giấy tờ này").check()
    follow(page, page.get_by_role("button", name="Lưu và tiếp tục"))

    axe(page, "return mode")
    page.get_by_label("Nhận trực tiếp tại nơi nộp hồ sơ").check()
    follow(page, page.get_by_role("button", name="Lưu và tiếp tục"))

    axe(page, "check answers")
    screenshot(page, "online-check")
    follow(page, page.get_by_role("button", name="Gửi hồ sơ"))
    assert page.get_by_role("heading", name="Đã gửi hồ sơ").is_visible()
    axe(page, "confirmation")
    screenshot(page, "online-done")
    dossier = Dossier.objects.get()
    assert dossier.status == Status.SUBMITTED

    follow(page, page.get_by_role("link", name="Xem hồ sơ"))
    axe(page, "dossier page")
    page.goto(f"{live_server.url}/ho-so-cua-toi/")
    axe(page, "my dossiers")
    screenshot(page, "online-mine")
    page.goto(f"{live_server.url}/kho-du-lieu/")
    axe(page, "store")
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
