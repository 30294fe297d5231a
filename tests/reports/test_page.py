import io

import openpyxl

# One scenario for the module (tests/reports/conftest.py): no test here needs an empty database.
SHARED_SCENARIO = True

URL = "/can-bo/bao-cao/"
MARCH = {"tu": "2026-03-01", "den": "2026-03-31"}


def test_page_shows_the_table_with_totals(scenario, client):
    w = scenario.w
    client.force_login(w.supervisor)
    response = client.get(URL, {**MARCH, "nhom": "field"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in html
    assert "Kỳ báo cáo: từ ngày 01/03/2026 đến ngày 31/03/2026" in html
    assert "Đơn vị: UBND tỉnh Cà Mau và các đơn vị trực thuộc" in html
    assert html.index("Chứng thực") < html.index("Hộ tịch") < html.index("Tổng cộng")
    assert "71,4 %" in html  # on-time rate of the totals
    assert '<option value="H12" selected>' in html
    assert 'href="/can-bo/bao-cao/"' in html  # the menu link


def test_page_defaults_to_the_officers_centre_and_exports_excel(scenario, client):
    w = scenario.w
    client.force_login(w.receiver)
    page = client.get(URL)
    assert page.status_code == 200
    assert '<option value="H12.99" selected>' in page.content.decode()
    xlsx = client.get(URL, {**MARCH, "don_vi": "H12.99", "dinh_dang": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A5"].value.startswith("Đơn vị: Trung tâm Phục vụ hành chính công tỉnh Cà Mau")


def test_page_errors_and_refusals(scenario, client):
    w = scenario.w
    client.force_login(w.receiver)
    bad_date = client.get(URL, {"tu": "01/03/2026", "den": "2026-03-31"})
    assert bad_date.status_code == 422
    assert "Ngày không hợp lệ" in bad_date.content.decode()
    reversed_period = client.get(URL, {"tu": "2026-03-31", "den": "2026-03-01"})
    assert reversed_period.status_code == 422
    assert "Ngày bắt đầu phải trước" in reversed_period.content.decode()
    assert client.get(URL, {**MARCH, "don_vi": "H12"}).status_code == 403
    client.force_login(w.citizen)
    assert client.get(URL, MARCH).status_code == 403
