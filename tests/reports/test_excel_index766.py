"""The Decision 766 index as an Excel workbook, downloaded from the 766 page on the March 2026 scenario."""

import io
from datetime import date

import openpyxl

from motcua.reports.index766 import State, index766

# One scenario for the module (tests/reports/conftest.py): no test here needs an empty database.
SHARED_SCENARIO = True

PAGE = "/can-bo/bao-cao/766/"
MARCH = {"don_vi": "H12", "tu": "2026-03-01", "den": "2026-03-31"}


def test_the_766_page_exports_the_index_to_excel(client, scenario, w):
    client.force_login(w.supervisor)
    response = client.get(PAGE, {**MARCH, "dinh_dang": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="chi-so-766-H12-20260301-20260331.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Chỉ số 766", "Đơn vị trực thuộc"]
    sheet = book["Chỉ số 766"]
    assert sheet["A4"].value.startswith("BỘ CHỈ SỐ CHỈ ĐẠO, ĐIỀU HÀNH VÀ ĐÁNH GIÁ CHẤT LƯỢNG PHỤC VỤ")
    assert sheet["A5"].value == "Đơn vị: UBND tỉnh Cà Mau và các đơn vị trực thuộc"
    assert sheet["A6"].value == "Kỳ đánh giá: từ ngày 01/03/2026 đến ngày 31/03/2026"
    assert [c.value for c in sheet[8]] == [
        "Mã", "Chỉ số", "Công thức và nguồn", "Tử số", "Mẫu số", "Tỷ lệ", "Điểm", "Tối đa", "Ghi chú",
    ]  # fmt: skip

    result = index766(
        date_from=date(2026, 3, 1), date_to=date(2026, 3, 31), unit=w.province, with_children=True
    )
    rows = {row[0].value: [c.value for c in row] for row in sheet.iter_rows(min_row=9) if row[0].value}
    for group in result.groups:
        assert rows[group.group.code][1] == str(group.group.name)
        assert rows[group.group.code][6:8] == [group.points, group.max_computed]
        for item in group.indicators:
            row = rows[item.indicator.code]
            assert row[1] == str(item.indicator.name)
            if item.state == State.COMPUTED:
                assert row[3:8] == [
                    item.numerator,
                    item.denominator,
                    item.ratio,
                    item.points,
                    item.indicator.maximum,
                ]
            elif item.state == State.NOT_COMPUTED:
                assert row[6] == "–" and row[8].startswith("Chưa tính được.")
    progress = rows["PROGRESS_ON_TIME"]
    assert progress[3:7] == [7, 11, 0.6364, 12.73]
    assert sheet.cell(row=list(rows).index("PROGRESS_ON_TIME") + 9, column=6).number_format == "0.0%"
    total = next(
        r for r in sheet.iter_rows(min_row=9, values_only=True) if r[1] == "Tổng cộng (chỉ số đã tính)"
    )
    assert total[6:8] == (result.points, result.max_computed)

    children = book["Đơn vị trực thuộc"]
    names = [r[1] for r in children.iter_rows(min_row=9, values_only=True)]
    assert [unit.name for unit, _ in result.children] == names and names


def test_a_unit_out_of_reach_gets_no_workbook(client, scenario, w):
    client.force_login(w.receiver)  # the provincial centre's receiving officer: not the province
    response = client.get(PAGE, {**MARCH, "dinh_dang": "xlsx"})
    assert response.status_code == 403
    assert "spreadsheetml" not in response["Content-Type"]
