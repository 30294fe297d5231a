"""A petition from submission to the petitioner's rating in a real browser (the citizen without JavaScript),
and an Open311 client creating and reading a request over real HTTP; axe on the citizen pages."""

import re

import pytest
import requests
from playwright.sync_api import expect

from motcua.petitions.models import Petition
from tests.browser.conftest import needs_chromium
from tests.browser.test_backoffice_flow import sign_in, world  # noqa: F401 (fixture)

pytestmark = [needs_chromium, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_petition_submitted_answered_published_and_rated(live_server, new_page, screenshot, axe_check, world):  # noqa: F811
    citizen = new_page(java_script_enabled=False, viewport={"width": 390, "height": 844})
    citizen.goto(f"{live_server.url}/phan-anh/")
    citizen.get_by_role("link", name="Gửi phản ánh, kiến nghị").click()
    citizen.get_by_role("button", name="Gửi phản ánh, kiến nghị").click()
    expect(citizen.locator(".error-summary")).to_contain_text("Chọn nội dung phản ánh, kiến nghị về việc gì.")
    screenshot(citizen, "petitions-form-errors")
    citizen.get_by_label("Thái độ, hành vi của cán bộ, công chức").check()
    citizen.get_by_label("Tiêu đề").fill("Cán bộ quầy 3 hướng dẫn thiếu nhiệt tình")
    citizen.get_by_label("Nội dung", exact=True).fill(
        "Sáng nay cán bộ quầy 3 không giải thích giấy tờ cần bổ sung."
    )
    citizen.get_by_label("Cán bộ được phản ánh").fill("Quầy 3")
    citizen.get_by_label("Họ và tên").fill("Trần Thị Bình")
    citizen.get_by_label("Số điện thoại").fill("0912345678")
    citizen.get_by_role("button", name="Gửi phản ánh, kiến nghị").click()
    expect(citizen.locator(".panel__reference")).to_have_text(re.compile(r"PA-\d{6}-0001"))
    code = citizen.locator(".panel__reference").inner_text()
    screenshot(citizen, "petitions-done")

    officer = sign_in(new_page, live_server, "tiepnhan")
    officer.goto(f"{live_server.url}/can-bo/phan-anh/")
    officer.get_by_role("link", name=code).click()
    officer.get_by_label("Đơn vị xử lý").select_option(label="Trung tâm Phục vụ hành chính công tỉnh Cà Mau")
    officer.get_by_role("button", name="Chuyển xử lý").click()
    officer.get_by_label("Nội dung trả lời (gửi cho người phản ánh)").fill(
        "Trung tâm đã nhắc nhở cán bộ quầy 3."
    )
    officer.get_by_label("Công khai câu trả lời").check()
    officer.get_by_label(re.compile("Nội dung công khai")).fill("Phản ánh về việc hướng dẫn tại quầy 3.")
    officer.get_by_role("button", name="Gửi câu trả lời").click()
    expect(officer.locator(".summary-list")).to_contain_text("Đã trả lời")
    screenshot(officer, "petitions-backoffice-answered")

    citizen.goto(f"{live_server.url}/phan-anh/{code}/")
    expect(citizen.locator("body")).not_to_contain_text("Trần Thị Bình")
    citizen.get_by_label("4 số cuối điện thoại").fill("5678")
    citizen.get_by_role("button", name="Tra cứu").click()
    expect(citizen.locator(".summary-list")).to_contain_text("Đã trả lời")
    citizen.get_by_role("link", name="Đánh giá câu trả lời").click()
    citizen.get_by_label("Hài lòng", exact=True).check()
    screenshot(citizen, "petitions-rate")
    citizen.get_by_role("button", name="Gửi đánh giá").click()
    expect(citizen.locator(".panel__title")).to_have_text("Cảm ơn bạn đã đánh giá")
    petition = Petition.objects.get(code=code)
    assert (petition.status, petition.rating, petition.is_published) == ("closed", "satisfied", True)

    with_js = new_page(viewport={"width": 390, "height": 844})
    for path in ("/phan-anh/", "/phan-anh/gui/", f"/phan-anh/{code}/"):
        with_js.goto(f"{live_server.url}{path}")
        axe_check(with_js, name=path)
    screenshot(with_js, "petitions-public-answer")


def test_open311_client_over_http(live_server, world):  # noqa: F811
    base = f"{live_server.url}/open311/v2"
    services = requests.get(f"{base}/services.json", timeout=10).json()
    assert "location" in {s["service_code"] for s in services}
    created = requests.post(
        f"{base}/requests.json",
        data={
            "service_code": "location",
            "lat": "9.1769",
            "long": "105.15",
            "description": "Đèn đường hỏng trước Trung tâm.",
            "first_name": "Cường",
            "phone": "0903111222",
        },
        timeout=10,
    )
    assert created.status_code == 201
    code = created.json()[0]["service_request_id"]
    [read] = requests.get(f"{base}/requests/{code}.json", timeout=10).json()
    assert (read["service_request_id"], read["status"], read["service_code"]) == (code, "open", "location")
    assert read["extended_attributes"]["status_detail"] == "received"
