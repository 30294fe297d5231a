import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict
from django.urls import reverse
from openpyxl import load_workbook

from motcua.catalog.enums import (
    FeeKind,
    OnlineLevel,
    PaperKind,
    ProcedureLevel,
    StepUnitMode,
    TimeUnit,
    VersionStatus,
)
from motcua.catalog.models import (
    ComponentRequirement,
    FeeRule,
    Field,
    Procedure,
    ProcedureVersion,
    ProcessDefinition,
    ProcessStep,
)
from motcua.catalog.selectors import procedure_version_detail
from motcua.catalog.transfer import catalog_export_csv, catalog_export_xlsx, catalog_import
from motcua.core.exceptions import ValidationFailed
from motcua.org.enums import Role, UnitKind
from tests.factories import (
    ComponentRequirementFactory,
    FeeRuleFactory,
    FieldFactory,
    ProcessDefinitionFactory,
    ProcessStepFactory,
    UnitFactory,
    UserFactory,
    published_procedure,
)

BIRTH = "1.001193.000.00.00.H12"
COPY = "2.000635.000.00.00.H12"
CATALOGUE_MODELS = (
    Field,
    Procedure,
    ProcedureVersion,
    ComponentRequirement,
    FeeRule,
    ProcessDefinition,
    ProcessStep,
)


def build_catalogue() -> None:
    """Two procedures in force using every kind of cell: units, dates, enums, per-page fees, unit processes."""
    centre = UnitFactory(
        kind=UnitKind.PROVINCIAL_CENTRE, name="Trung tâm Phục vụ hành chính công", agency_code="H12.1"
    )
    department = UnitFactory(name="Sở Tư pháp", agency_code="H12.20")
    archive = UnitFactory(kind=UnitKind.DIVISION, name="Phòng Lưu trữ", agency_code="H12.20.5")
    birth = published_procedure(
        national_code="1.001193",
        name="Thủ tục đăng ký khai sinh",
        days=3,
        short_name="Đăng ký khai sinh",
        legal_time_amount=Decimal(5),
        legal_time_unit=TimeUnit.WORKING_DAYS,
        online_level=OnlineLevel.END_TO_END,
        is_postal_return_allowed=True,
        competent_body_text="UBND cấp xã",
        results="Giấy khai sinh",
        legal_basis="Luật Hộ tịch 2014;\nNghị định 123/2015/NĐ-CP",
        fee_exemptions="Trẻ em thuộc hộ nghèo",
        fee_note="Miễn lệ phí khi đăng ký đúng hạn",
        decision_reference="1234/QĐ-UBND",
        published_on=date(2025, 7, 1),
    )
    birth.competent_units.set([department])
    birth.receiving_units.set([centre])
    ComponentRequirementFactory(
        version=birth,
        order=50,
        name="Giấy tờ tùy thân của người đi đăng ký",
        paper_kind=PaperKind.CERTIFIED_COPY,
        quantity=2,
        is_required=False,
        condition="Khi nộp qua bưu chính",
        is_replaceable_by_state_data=True,
        replacement_note="Khai thác Cơ sở dữ liệu quốc gia về dân cư",
    )
    FeeRuleFactory(
        version=birth,
        order=2,
        label="Phí cấp bản sao",
        kind=FeeKind.PER_PAGE,
        amount=2000,
        first_tier_units=2,
        amount_after=1000,
        cap=200000,
        unit_label="trang",
        is_optional=True,
        basis="Thông tư 226/2016/TT-BTC",
    )
    process = ProcessDefinitionFactory(version=birth, handling_unit=department, name="Quy trình tại Sở")
    ProcessStepFactory(
        process=process,
        order=1,
        name="Tiếp nhận",
        unit_mode=StepUnitMode.RECEIVING,
        role=Role.RECEIVING_OFFICER,
        budget_hours=Decimal(4),
    )
    ProcessStepFactory(
        process=process, order=2, name="Thẩm định", description="Kiểm tra hồ sơ", budget_hours=Decimal("15.5")
    )
    ProcessStepFactory(
        process=process,
        order=3,
        name="Lưu hồ sơ",
        unit_mode=StepUnitMode.FIXED,
        unit=archive,
        role=Role.SPECIALIST,
        budget_hours=Decimal("4.5"),
    )
    published_procedure(
        national_code="2.000635",
        name="Chứng thực bản sao từ bản chính",
        days=1,
        unit_kind=TimeUnit.SAME_DAY,
        level=ProcedureLevel.PROVINCE,
        field=FieldFactory(code="CHUNGTHUC", name="Chứng thực"),
    )


def catalogue_content() -> dict:
    """What the catalogue says, independent of the code under test: the versions in force by local code."""
    content = {}
    versions = ProcedureVersion.objects.filter(status=VersionStatus.IN_FORCE).select_related(
        "procedure", "field"
    )
    for version in versions:
        fields = model_to_dict(
            version,
            exclude=[
                "id",
                "procedure",
                "number",
                "status",
                "created_by",
                "effective_from",
                "effective_to",
                "change_note",
                "competent_units",
                "receiving_units",
                "field",
            ],
        )
        processes = []
        for process in version.processes.order_by("handling_unit__agency_code"):
            steps = [
                {
                    **model_to_dict(step, exclude=["id", "process", "unit"]),
                    "unit": step.unit.agency_code if step.unit else None,
                }
                for step in process.steps.all()
            ]
            processes.append(
                (process.handling_unit.agency_code if process.handling_unit else None, process.name, steps)
            )
        content[version.procedure.local_code] = {
            "national_code": version.procedure.national_code,
            "field": (version.field.code, version.field.name),
            **fields,
            "competent_units": sorted(u.agency_code for u in version.competent_units.all()),
            "receiving_units": sorted(u.agency_code for u in version.receiving_units.all()),
            "components": [model_to_dict(c, exclude=["id", "version"]) for c in version.components.all()],
            "fees": [model_to_dict(f, exclude=["id", "version"]) for f in version.fees.all()],
            "processes": processes,
        }
    return content


def wipe_catalogue() -> None:
    Procedure.objects.update(current_version=None)
    ProcedureVersion.objects.all().delete()
    Procedure.objects.all().delete()
    Field.objects.all().delete()


def row_counts() -> dict:
    return {model.__name__: model.objects.count() for model in CATALOGUE_MODELS}


def problems_of(error: ValidationFailed) -> set[tuple]:
    return {(p["sheet"], p["row"], p["column"]) for p in error.details}


def message_at(error: ValidationFailed, sheet: str, row: int | None, column: str | None) -> str:
    return next(
        p["message"] for p in error.details if (p["sheet"], p["row"], p["column"]) == (sheet, row, column)
    )


def column_of(worksheet, header: str) -> int:
    return next(cell.column for cell in worksheet[1] if cell.value == header)


def set_cell(worksheet, row: int, header: str, value) -> None:
    worksheet.cell(row=row, column=column_of(worksheet, header)).value = value  # value=None would be ignored


def row_where(worksheet, **conditions) -> int:
    for row in range(2, worksheet.max_row + 1):
        if all(
            worksheet.cell(row=row, column=column_of(worksheet, h)).value == v for h, v in conditions.items()
        ):
            return row
    raise AssertionError(conditions)


def append_row(worksheet, values: dict) -> int:
    worksheet.append([values.get(cell.value) for cell in worksheet[1]])
    return worksheet.max_row


def row_values(worksheet, row: int) -> dict:
    return {cell.value: worksheet.cell(row=row, column=cell.column).value for cell in worksheet[1]}


def workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- export ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_writes_four_sheets_with_vietnamese_headers_and_labels():
    build_catalogue()

    workbook = load_workbook(io.BytesIO(catalog_export_xlsx()))

    assert workbook.sheetnames == ["Thu tuc", "Thanh phan", "Phi", "Quy trinh"]
    procedures = workbook["Thu tuc"]
    assert procedures.freeze_panes == "C2"
    assert procedures["A1"].value == "Mã TTHC quốc gia"
    assert procedures["A1"].font.bold is True
    assert procedures.column_dimensions["C"].width == 60
    birth = row_values(procedures, 2)
    assert birth["Mã TTHC địa phương"] == BIRTH
    assert birth["Đơn vị thời hạn cam kết"] == "ngày làm việc"
    assert birth["Mức độ trực tuyến"] == "Toàn trình"
    assert birth["Trả kết quả qua bưu chính"] == "Có"
    assert birth["Nộp qua bưu chính"] == "Không"
    assert birth["Cơ quan có thẩm quyền (mã định danh)"] == "H12.20"
    assert birth["Ngày công bố"].date() == date(2025, 7, 1)
    components = workbook["Thanh phan"]
    assert (
        row_values(components, row_where(components, **{"Thứ tự": 50}))["Loại bản"] == "Bản sao có chứng thực"
    )
    steps = workbook["Quy trinh"]
    fixed = row_values(steps, row_where(steps, **{"Tên bước": "Lưu hồ sơ"}))
    assert fixed["Đơn vị thực hiện"] == "Đơn vị cụ thể"
    assert fixed["Mã đơn vị cụ thể"] == "H12.20.5"
    assert fixed["Cơ quan giải quyết (mã định danh)"] == "H12.20"
    assert fixed["Thời gian (giờ làm việc)"] == 4.5
    receive = row_values(steps, row_where(steps, **{"Tên bước": "Tiếp nhận", "Mã TTHC địa phương": COPY}))
    assert receive["Vai trò thực hiện"] == "Cán bộ tiếp nhận"
    assert receive["Cơ quan giải quyết (mã định danh)"] is None


# --- round trips -----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "export, filename", [(catalog_export_xlsx, "danh-muc.xlsx"), (catalog_export_csv, "danh-muc.zip")]
)
def test_round_trip_into_an_empty_catalogue_gives_the_same_content(export, filename):
    build_catalogue()
    before = catalogue_content()
    data = export()
    wipe_catalogue()

    result = catalog_import(data=data, filename=filename)

    assert (result.created, result.new_versions, result.unchanged) == (2, 0, 0)
    assert catalogue_content() == before
    again = catalog_import(data=data, filename=filename)
    assert (again.created, again.new_versions, again.unchanged) == (0, 0, 2)
    assert ProcedureVersion.objects.count() == 2


@pytest.mark.django_db
def test_zip_holds_four_utf8_csv_files_with_bom():
    build_catalogue()

    archive = zipfile.ZipFile(io.BytesIO(catalog_export_csv()))

    assert archive.namelist() == ["thu_tuc.csv", "thanh_phan.csv", "phi.csv", "quy_trinh.csv"]
    raw = archive.read("thu_tuc.csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0]["Tên thủ tục"] == "Thủ tục đăng ký khai sinh"
    assert rows[0]["Ngày công bố"] == "01/07/2025"
    assert rows[1]["Đơn vị thời hạn cam kết"] == "trong ngày"


# --- a bad file is refused whole, with every problem named ------------------------------------------------


@pytest.mark.django_db
def test_bad_rows_are_all_reported_by_row_and_column_and_nothing_is_written():
    build_catalogue()
    workbook = load_workbook(io.BytesIO(catalog_export_xlsx()))
    procedures, components, fees, steps = (workbook[n] for n in ("Thu tuc", "Thanh phan", "Phi", "Quy trinh"))
    assert procedures.cell(row=2, column=2).value == BIRTH
    duplicate = append_row(procedures, row_values(procedures, 2))
    new_procedure = append_row(
        procedures,
        {
            **row_values(procedures, 3),
            "Mã TTHC quốc gia": "3.000001",
            "Mã TTHC địa phương": "3.000001.H12",
            "Cấp thực hiện": "Cấp huyện",
            "Thời hạn cam kết": -2,
            "Đơn vị thời hạn cam kết": "ngày làm việc",
        },
    )
    set_cell(procedures, 2, "Tên thủ tục", None)
    set_cell(procedures, 2, "Ngày công bố", "31/02/2025")
    set_cell(procedures, 2, "Nơi tiếp nhận (mã định danh)", "H12.1; H99.99")
    orphan = append_row(components, {"Mã TTHC địa phương": "9.999999.H12", "Tên giấy tờ": "Tờ khai"})
    bad_fee = append_row(
        fees,
        {
            "Mã TTHC địa phương": "3.000001.H12",
            "Tên khoản phí, lệ phí": "Lệ phí",
            "Mức thu (đồng)": "hai nghìn",
        },
    )
    repeated_step = append_row(
        steps,
        {
            "Mã TTHC địa phương": BIRTH,
            "Tên quy trình": "Quy trình nội bộ",
            "Bước": 1,
            "Tên bước": "Tiếp nhận lại",
            "Vai trò thực hiện": "Cán bộ tiếp nhận",
            "Thời gian (giờ làm việc)": 0,
        },
    )
    fixed_without_unit = append_row(
        steps,
        {
            "Mã TTHC địa phương": BIRTH,
            "Cơ quan giải quyết (mã định danh)": "H12.20",
            "Tên quy trình": "Quy trình tại Sở",
            "Bước": 9,
            "Tên bước": "Lưu trữ",
            "Đơn vị thực hiện": "Đơn vị cụ thể",
            "Vai trò thực hiện": "specialist",
            "Thời gian (giờ làm việc)": 0,
        },
    )
    set_cell(
        steps, row_where(steps, **{"Mã TTHC địa phương": COPY, "Bước": 2}), "Thời gian (giờ làm việc)", 3
    )
    counts = row_counts()

    with pytest.raises(ValidationFailed) as caught:
        catalog_import(data=workbook_bytes(workbook), filename="sai.xlsx")

    error = caught.value
    assert problems_of(error) == {
        ("Thu tuc", 2, "Tên thủ tục"),
        ("Thu tuc", 2, "Nơi tiếp nhận (mã định danh)"),
        ("Thu tuc", 2, "Ngày công bố"),
        ("Thu tuc", 3, "Thời hạn cam kết"),
        ("Thu tuc", duplicate, "Mã TTHC địa phương"),
        ("Thu tuc", new_procedure, "Cấp thực hiện"),
        ("Thu tuc", new_procedure, "Thời hạn cam kết"),
        ("Thanh phan", orphan, "Mã TTHC địa phương"),
        ("Phi", bad_fee, "Mức thu (đồng)"),
        ("Quy trinh", repeated_step, "Bước"),
        ("Quy trinh", fixed_without_unit, "Mã đơn vị cụ thể"),
    }
    assert len(error.details) == 11
    assert error.message.startswith("Tệp “sai.xlsx” có 11 lỗi")
    assert message_at(error, "Thu tuc", 2, "Tên thủ tục") == "Ô này bắt buộc, không được để trống."
    assert "H99.99" in message_at(error, "Thu tuc", 2, "Nơi tiếp nhận (mã định danh)")
    assert "31/02/2025" in message_at(error, "Thu tuc", 2, "Ngày công bố")
    assert message_at(error, "Thu tuc", 3, "Thời hạn cam kết").endswith("thừa 3 giờ.")
    assert message_at(error, "Thu tuc", duplicate, "Mã TTHC địa phương") == f"Mã “{BIRTH}” trùng với dòng 2."
    assert "Cấp huyện" in message_at(error, "Thu tuc", new_procedure, "Cấp thực hiện")
    assert message_at(error, "Thu tuc", new_procedure, "Thời hạn cam kết") == "Không được là số âm."
    assert "9.999999.H12" in message_at(error, "Thanh phan", orphan, "Mã TTHC địa phương")
    assert "không phải là số nguyên" in message_at(error, "Phi", bad_fee, "Mức thu (đồng)")
    assert "Bước 1 đã có ở dòng" in message_at(error, "Quy trinh", repeated_step, "Bước")
    assert [(p["sheet"], p["row"]) for p in error.details][:3] == [("Thu tuc", 2)] * 3
    assert row_counts() == counts
    assert not Field.objects.filter(code="3.000001").exists()
    assert set(ProcedureVersion.objects.values_list("status", flat=True)) == {VersionStatus.IN_FORCE}


@pytest.mark.django_db
def test_rows_are_numbered_as_excel_shows_them_below_a_title():
    build_catalogue()
    workbook = load_workbook(io.BytesIO(catalog_export_xlsx()))
    procedures = workbook["Thu tuc"]
    procedures.insert_rows(1, amount=2)
    procedures["A1"] = "DANH MỤC THỦ TỤC HÀNH CHÍNH TỈNH"
    header = next(cell.column for cell in procedures[3] if cell.value == "Thời hạn cam kết")
    procedures.cell(row=5, column=header).value = "1 ngày"

    with pytest.raises(ValidationFailed) as caught:
        catalog_import(data=workbook_bytes(workbook), filename="co-tieu-de.xlsx")

    assert caught.value.details == [
        {"sheet": "Thu tuc", "row": 5, "column": "Thời hạn cam kết", "message": "“1 ngày” không phải là số."}
    ]


@pytest.mark.django_db
def test_accepts_code_values_and_labels_in_any_case():
    build_catalogue()
    workbook = load_workbook(io.BytesIO(catalog_export_xlsx()))
    procedures = workbook["Thu tuc"]
    set_cell(procedures, 2, "Mức độ trực tuyến", "  partial ")
    set_cell(procedures, 2, "Cấp thực hiện", "CẤP XÃ")
    set_cell(procedures, 2, "Nộp trực tiếp", "không")

    catalog_import(data=workbook_bytes(workbook), filename="a.xlsx")

    version = Procedure.objects.get(local_code=BIRTH).current_version
    assert (version.online_level, version.level, version.is_counter_intake_allowed) == (
        OnlineLevel.PARTIAL,
        ProcedureLevel.COMMUNE,
        False,
    )


@pytest.mark.django_db
def test_missing_sheet_and_missing_column_are_named():
    build_catalogue()
    workbook = load_workbook(io.BytesIO(catalog_export_xlsx()))
    del workbook["Phi"]
    workbook["Thu tuc"].delete_cols(column_of(workbook["Thu tuc"], "Tên thủ tục"))

    with pytest.raises(ValidationFailed) as caught:
        catalog_import(data=workbook_bytes(workbook), filename="thieu.xlsx")

    assert problems_of(caught.value) == {("Thu tuc", 1, "Tên thủ tục"), ("Phi", None, None)}
    assert message_at(caught.value, "Phi", None, None) == "Tệp Excel thiếu sheet “Phi”."


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, expected",
    [
        (b"", "Tệp rỗng."),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "không phải bảng tính Excel"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "không phải bảng tính Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Excel 97–2003 (.xls)"),
        (b"PK\x03\x04 not really a zip", "Tệp nén bị hỏng"),
    ],
)
def test_content_that_is_not_a_spreadsheet_is_refused(data, expected):
    with pytest.raises(ValidationFailed) as caught:
        catalog_import(data=data, filename="tep.xlsx")

    assert expected in caught.value.message
    assert caught.value.details == [
        {"sheet": "tep.xlsx", "row": None, "column": None, "message": caught.value.message}
    ]
    assert Procedure.objects.count() == 0


@pytest.mark.django_db
def test_a_zip_that_is_no_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")

    with pytest.raises(ValidationFailed) as caught:
        catalog_import(data=buffer.getvalue(), filename="van-ban.docx")

    assert "không chứa tệp CSV" in caught.value.message


@pytest.mark.django_db
def test_text_without_the_header_row_is_refused():
    with pytest.raises(ValidationFailed) as caught:
        catalog_import(data="Xin chào\nđây không phải danh mục".encode(), filename="ghi-chu.txt")

    assert problems_of(caught.value) == {("ghi-chu.txt", None, None)}
    assert "Không tìm thấy dòng tiêu đề" in caught.value.details[0]["message"]


# --- versions --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_reimporting_a_changed_row_makes_version_2_and_keeps_version_1_readable():
    build_catalogue()
    first = Procedure.objects.get(local_code=BIRTH).current_version
    workbook = load_workbook(io.BytesIO(catalog_export_xlsx()))
    set_cell(workbook["Thu tuc"], 2, "Tên thủ tục", "Thủ tục đăng ký khai sinh (sửa đổi)")
    user = UserFactory()

    result = catalog_import(data=workbook_bytes(workbook), filename="sua.xlsx", user=user)

    assert (result.created, result.new_versions, result.unchanged) == (0, 1, 1)
    assert [(r.row, r.outcome, r.version_number) for r in result.rows] == [
        (2, "new_version", 2),
        (3, "unchanged", 1),
    ]
    procedure = Procedure.objects.get(local_code=BIRTH)
    second = procedure.current_version
    assert (second.number, second.status, second.name) == (
        2,
        VersionStatus.IN_FORCE,
        "Thủ tục đăng ký khai sinh (sửa đổi)",
    )
    assert second.created_by == user
    assert second.change_note == "Nhập từ tệp sua.xlsx"
    old = procedure_version_detail(version_id=first.pk)
    assert (old.status, old.name) == (VersionStatus.REPLACED, "Thủ tục đăng ký khai sinh")
    assert old.components.count() == second.components.count() == 2
    assert old.processes.count() == second.processes.count() == 2
    assert sorted(
        s.budget_hours for s in second.processes.get(handling_unit__agency_code="H12.20").steps.all()
    ) == [Decimal(4), Decimal("4.5"), Decimal("15.5")]


@pytest.mark.django_db
def test_draft_import_replaces_the_draft_then_publishes_it():
    build_catalogue()
    workbook = load_workbook(io.BytesIO(catalog_export_xlsx()))
    set_cell(workbook["Thu tuc"], 2, "Tên ngắn", "Khai sinh")

    first = catalog_import(data=workbook_bytes(workbook), filename="a.xlsx", publish=False)
    set_cell(workbook["Thu tuc"], 2, "Tên ngắn", "Khai sinh (dự thảo 2)")
    second = catalog_import(data=workbook_bytes(workbook), filename="a.xlsx", publish=False)

    procedure = Procedure.objects.get(local_code=BIRTH)
    assert [(r.outcome, r.version_number, r.status) for r in first.rows][0] == ("new_version", 2, "draft")
    assert [(r.outcome, r.version_number, r.status) for r in second.rows][0] == ("draft_updated", 2, "draft")
    assert procedure.current_version.number == 1
    draft = procedure.versions.get(status=VersionStatus.DRAFT)
    assert (draft.number, draft.short_name, draft.components.count()) == (2, "Khai sinh (dự thảo 2)", 2)

    published = catalog_import(data=workbook_bytes(workbook), filename="a.xlsx")

    assert [(r.outcome, r.version_number, r.status) for r in published.rows][0] == (
        "new_version",
        2,
        "in_force",
    )
    assert procedure.versions.count() == 2
    procedure.refresh_from_db()
    assert procedure.current_version.short_name == "Khai sinh (dự thảo 2)"


# --- CSV -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_procedures_only_csv_updates_rows_and_keeps_their_components_fees_and_processes():
    build_catalogue()
    rows = list(csv.reader(io.StringIO(catalog_export_csv(procedures_only=True).decode("utf-8-sig"))))
    header = rows[0]
    birth = dict(zip(header, rows[1], strict=True))
    birth["Thời hạn cam kết"] = "3"
    birth["Trả kết quả qua bưu chính"] = "Không"
    new = {h: "" for h in header} | {
        "Mã TTHC quốc gia": "1.000894",
        "Mã TTHC địa phương": "1.000894.000.00.00.H12",
        "Tên thủ tục": "Đăng ký kết hôn",
        "Mã lĩnh vực": "HOTICH",
        "Cấp thực hiện": "Cấp xã",
        "Thời hạn cam kết": "0,5",
        "Đơn vị thời hạn cam kết": "ngày làm việc",
        "Ngày công bố": "2025-07-01",
    }
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")  # as Excel saves it in a Vietnamese locale
    writer.writerows([header, [birth[h] for h in header], [new[h] for h in header]])

    result = catalog_import(data=buffer.getvalue().encode("utf-8-sig"), filename="thu-tuc.csv")

    assert (result.created, result.new_versions, result.unchanged) == (1, 1, 0)
    birth_version = Procedure.objects.get(local_code=BIRTH).current_version
    assert (birth_version.number, birth_version.is_postal_return_allowed) == (2, False)
    assert birth_version.components.count() == 2
    assert birth_version.fees.count() == 2
    assert birth_version.processes.count() == 2
    assert ProcessStep.objects.filter(process__version=birth_version).count() == 6
    marriage = Procedure.objects.get(local_code="1.000894.000.00.00.H12").current_version
    assert (marriage.status, marriage.committed_time_amount, marriage.published_on) == (
        VersionStatus.IN_FORCE,
        Decimal("0.5"),
        date(2025, 7, 1),
    )
    assert marriage.processes.count() == 0
    assert marriage.field.code == "HOTICH"


@pytest.mark.django_db
def test_procedures_only_csv_checks_kept_processes_against_a_new_committed_time():
    build_catalogue()
    rows = list(csv.reader(io.StringIO(catalog_export_csv(procedures_only=True).decode("utf-8-sig"))))
    rows[1][rows[0].index("Thời hạn cam kết")] = "2"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)

    with pytest.raises(ValidationFailed) as caught:
        catalog_import(data=buffer.getvalue().encode(), filename="thu-tuc.csv")

    assert problems_of(caught.value) == {("thu-tuc.csv", 2, "Thời hạn cam kết")}
    assert [p["message"][:20] for p in caught.value.details] == [
        "Quy trình chung “Quy",
        "Quy trình của cơ qua",
    ]
    assert all(p["message"].endswith("thừa 8 giờ.") for p in caught.value.details)


@pytest.mark.django_db
def test_zip_without_one_csv_file_is_refused():
    build_catalogue()
    source = zipfile.ZipFile(io.BytesIO(catalog_export_csv()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in source.namelist():
            if name != "quy_trinh.csv":
                archive.writestr(name, source.read(name))

    with pytest.raises(ValidationFailed) as caught:
        catalog_import(data=buffer.getvalue(), filename="danh-muc.zip")

    assert problems_of(caught.value) == {("quy_trinh.csv", None, None)}
    assert caught.value.details[0]["message"] == "Tệp nén thiếu tệp quy_trinh.csv."


@pytest.mark.django_db
def test_zip_row_errors_carry_the_csv_file_name_and_line():
    build_catalogue()
    source = zipfile.ZipFile(io.BytesIO(catalog_export_csv()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in source.namelist():
            text = source.read(name).decode("utf-8-sig")
            if name == "phi.csv":
                line = len(text.splitlines()) + 1
                text += f"{BIRTH},3,Lệ phí mới,Theo trang,-5,,,,,Không,\r\n"
            archive.writestr(name, text.encode("utf-8-sig"))

    with pytest.raises(ValidationFailed) as caught:
        catalog_import(data=buffer.getvalue(), filename="danh-muc.zip")

    assert problems_of(caught.value) == {("phi.csv", line, "Mức thu (đồng)")}
    assert caught.value.details[0]["message"] == "Không được là số âm."


# --- admin -----------------------------------------------------------------------------------------------


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.mark.django_db
def test_admin_changelist_links_to_export_and_import(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(reverse("admin:catalog_procedureversion_changelist"))

    assert response.status_code == 200
    assert reverse("admin:catalog_procedureversion_export").encode() in response.content
    assert reverse("admin:catalog_procedureversion_import").encode() in response.content
    assert "Xuất Excel" in response.content.decode()
    assert "Nhập từ Excel/CSV" in response.content.decode()


@pytest.mark.django_db
def test_admin_export_downloads_the_workbook(client):
    build_catalogue()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(reverse("admin:catalog_procedureversion_export"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="danh-muc-tthc-')
    assert load_workbook(io.BytesIO(response.content))["Thu tuc"].max_row == 3
    zipped = client.get(reverse("admin:catalog_procedureversion_export"), {"dinh-dang": "zip"})
    assert zipfile.ZipFile(io.BytesIO(zipped.content)).namelist()[0] == "thu_tuc.csv"


@pytest.mark.django_db
def test_admin_import_shows_every_error_and_writes_nothing(client):
    build_catalogue()
    workbook = load_workbook(io.BytesIO(catalog_export_xlsx()))
    set_cell(workbook["Thu tuc"], 2, "Thời hạn cam kết", "ba")
    set_cell(workbook["Thu tuc"], 3, "Cấp thực hiện", "Cấp huyện")
    counts = row_counts()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.post(
        reverse("admin:catalog_procedureversion_import"),
        {"file": upload(workbook_bytes(workbook), "sai.xlsx")},
    )

    assert response.status_code == 200
    problems = response.context["problems"]
    assert [(p["sheet"], p["row"], p["column"]) for p in problems] == [
        ("Thu tuc", 2, "Thời hạn cam kết"),
        ("Thu tuc", 3, "Cấp thực hiện"),
    ]
    page = response.content.decode()
    assert 'id="bao-cao-loi"' in page
    assert "<td>Thu tuc</td>" in page
    assert "“ba” không phải là số." in page
    assert row_counts() == counts


@pytest.mark.django_db
def test_admin_import_of_a_good_file_shows_the_counts(client):
    build_catalogue()
    data = catalog_export_xlsx()
    wipe_catalogue()
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)

    response = client.post(
        reverse("admin:catalog_procedureversion_import"),
        {"file": upload(data, "danh-muc.xlsx"), "is_draft_only": "on"},
    )

    assert response.status_code == 200
    result = response.context["result"]
    assert (result.created, result.new_versions, result.unchanged) == (2, 0, 0)
    assert "Đã nhập 2 thủ tục: 2 thủ tục mới" in response.content.decode()
    assert set(ProcedureVersion.objects.values_list("status", "created_by")) == {
        (VersionStatus.DRAFT, user.pk)
    }


@pytest.mark.django_db
def test_admin_import_and_export_need_catalogue_permissions(client):
    url_import = reverse("admin:catalog_procedureversion_import")
    url_export = reverse("admin:catalog_procedureversion_export")
    assert client.get(url_import).status_code == 302  # anonymous: to the admin login
    assert client.get(url_export).status_code == 302

    officer = UserFactory(is_staff=True)
    client.force_login(officer)
    assert client.get(url_import).status_code == 403
    assert client.get(url_export).status_code == 403
    assert client.post(url_import, {"file": upload(b"x", "a.csv")}).status_code == 403

    officer.user_permissions.add(Permission.objects.get(codename="view_procedureversion"))
    assert client.get(url_export).status_code == 200
    assert client.get(url_import).status_code == 403

    officer.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_procedureversion", "add_procedure"])
    )
    assert client.get(url_import).status_code == 200
    assert Procedure.objects.count() == 0


# --- management commands ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_commands_export_then_import(tmp_path):
    build_catalogue()
    before = catalogue_content()
    path = tmp_path / "danh-muc.xlsx"
    call_command("catalog_export", str(path), stdout=io.StringIO())
    wipe_catalogue()
    out = io.StringIO()

    call_command("catalog_import", str(path), stdout=out)

    assert catalogue_content() == before
    assert f"Dòng 2: {BIRTH} — thủ tục mới, phiên bản 1 (Đang hiệu lực)" in out.getvalue()
    assert "Đã nhập 2 thủ tục: 2 thủ tục mới, 0 phiên bản mới, 0 không thay đổi." in out.getvalue()


@pytest.mark.django_db
def test_import_command_prints_each_error_and_fails(tmp_path):
    build_catalogue()
    workbook = load_workbook(io.BytesIO(catalog_export_xlsx()))
    set_cell(workbook["Thu tuc"], 3, "Ngày công bố", "hôm qua")
    path = tmp_path / "sai.xlsx"
    path.write_bytes(workbook_bytes(workbook))
    err = io.StringIO()

    with pytest.raises(CommandError, match="có 1 lỗi"):
        call_command("catalog_import", str(path), "--draft", stderr=err)

    assert err.getvalue().startswith(
        "Thu tuc, dòng 3, cột “Ngày công bố”: “hôm qua” không phải là ngày hợp lệ"
    )
    assert ProcedureVersion.objects.count() == 2


@pytest.mark.django_db
def test_commands_zip_csv_and_draft(tmp_path):
    build_catalogue()
    call_command("catalog_export", str(tmp_path / "a.zip"), stdout=io.StringIO())
    call_command("catalog_export", str(tmp_path / "a.csv"), stdout=io.StringIO())
    wipe_catalogue()

    call_command("catalog_import", str(tmp_path / "a.zip"), "--draft", stdout=io.StringIO())

    assert set(ProcedureVersion.objects.values_list("status", flat=True)) == {VersionStatus.DRAFT}
    assert (tmp_path / "a.csv").read_bytes().startswith(b"\xef\xbb\xbfM")
    with pytest.raises(CommandError, match=r"\.xlsx, \.zip hoặc \.csv"):
        call_command("catalog_export", str(tmp_path / "a.pdf"))
    with pytest.raises(CommandError, match="Không đọc được tệp"):
        call_command("catalog_import", str(tmp_path / "khong-co.xlsx"))
