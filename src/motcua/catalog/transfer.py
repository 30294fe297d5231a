"""Import and export of the procedure catalogue as Excel (.xlsx) or CSV: provinces publish their lists so.

An import is all or nothing: every cell is checked first, every problem is reported with its sheet, row (as
Excel shows it) and column, and only a clean file is written, in one transaction, as new versions. A published
version is never edited (DESIGN §5): a changed row becomes the procedure's next version."""

import csv
import dataclasses
import functools
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models, transaction
from django.db.models import Max, Prefetch
from django.utils import translation
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from motcua.core.exceptions import ValidationFailed
from motcua.core.text import fold
from motcua.org.enums import Role
from motcua.org.models import Unit

from .enums import FeeKind, OnlineLevel, PaperKind, ProcedureLevel, StepUnitMode, TimeUnit, VersionStatus
from .models import (
    ComponentRequirement,
    FeeRule,
    Field,
    Procedure,
    ProcedureVersion,
    ProcessDefinition,
    ProcessStep,
)
from .services import committed_hours, procedure_version_publish

logger = logging.getLogger(__name__)

# Province files often put a title above the table, so the header row is looked for, not assumed.
HEADER_SEARCH_ROWS = 10
# A catalogue is a few MB at most; anything bigger once unzipped is a mistake or a zip bomb.
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")
TRUE_WORDS = {"co", "x", "1", "true", "yes", "dung"}
FALSE_WORDS = {"khong", "0", "false", "no", "sai"}


def _max_length(model: type[models.Model], name: str) -> int:
    return model._meta.get_field(name).max_length


@dataclasses.dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # text | code | agency | agencies | int | decimal | date | bool | enum
    width: int = 18
    required: bool = False
    default: Any = None
    choices: type[models.TextChoices] | None = None
    max_length: int | None = None
    min_value: int = 0
    max_value: int | None = None

    @property
    def empty(self) -> Any:
        if self.default is not None:
            return self.default
        return {"text": "", "code": "", "agency": "", "enum": "", "agencies": ()}.get(self.kind)


@dataclasses.dataclass(frozen=True)
class Sheet:
    name: str
    csv_name: str
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


LOCAL_CODE = Column(
    "local_code", "Mã TTHC địa phương", "code", 28, True, max_length=_max_length(Procedure, "local_code")
)
ORDER = Column("order", "Thứ tự", "int", 8, max_value=32767)
_PV = ProcedureVersion

PROCEDURES = Sheet(
    "Thu tuc",
    "thu_tuc.csv",
    (
        Column(
            "national_code",
            "Mã TTHC quốc gia",
            "code",
            14,
            True,
            max_length=_max_length(Procedure, "national_code"),
        ),
        LOCAL_CODE,
        Column("name", "Tên thủ tục", "text", 60, True),
        Column("short_name", "Tên ngắn", "text", 30, max_length=_max_length(_PV, "short_name")),
        Column("field_code", "Mã lĩnh vực", "code", 14, True, max_length=_max_length(Field, "code")),
        Column("field_name", "Tên lĩnh vực", "text", 24, max_length=_max_length(Field, "name")),
        Column("level", "Cấp thực hiện", "enum", 14, True, choices=ProcedureLevel),
        Column("legal_time_amount", "Thời hạn theo quy định", "decimal", 12),
        Column("legal_time_unit", "Đơn vị thời hạn theo quy định", "enum", 16, choices=TimeUnit),
        Column("committed_time_amount", "Thời hạn cam kết", "decimal", 12),
        Column("committed_time_unit", "Đơn vị thời hạn cam kết", "enum", 16, True, choices=TimeUnit),
        Column(
            "online_level", "Mức độ trực tuyến", "enum", 14, default=OnlineLevel.NONE, choices=OnlineLevel
        ),
        Column("is_counter_intake_allowed", "Nộp trực tiếp", "bool", 10, default=True),
        Column("is_postal_intake_allowed", "Nộp qua bưu chính", "bool", 10, default=False),
        Column("is_postal_return_allowed", "Trả kết quả qua bưu chính", "bool", 12, default=False),
        Column("competent_units", "Cơ quan có thẩm quyền (mã định danh)", "agencies", 24),
        Column(
            "competent_body_text",
            "Cơ quan thực hiện (mô tả)",
            "text",
            30,
            max_length=_max_length(_PV, "competent_body_text"),
        ),
        Column("receiving_units", "Nơi tiếp nhận (mã định danh)", "agencies", 24),
        Column("results", "Kết quả thực hiện", "text", 40),
        Column("conditions", "Yêu cầu, điều kiện", "text", 40),
        Column("legal_basis", "Căn cứ pháp lý", "text", 50),
        Column("fee_exemptions", "Đối tượng miễn, giảm phí, lệ phí", "text", 30),
        Column("fee_note", "Ghi chú phí, lệ phí", "text", 30),
        Column(
            "decision_reference",
            "Quyết định công bố",
            "text",
            24,
            max_length=_max_length(_PV, "decision_reference"),
        ),
        Column("published_on", "Ngày công bố", "date", 12),
    ),
)
COMPONENTS = Sheet(
    "Thanh phan",
    "thanh_phan.csv",
    (
        LOCAL_CODE,
        ORDER,
        Column("name", "Tên giấy tờ", "text", 60, True),
        Column("paper_kind", "Loại bản", "enum", 20, default=PaperKind.ORIGINAL, choices=PaperKind),
        Column("quantity", "Số lượng", "int", 8, default=1, min_value=1, max_value=32767),
        Column("is_required", "Bắt buộc", "bool", 10, default=True),
        Column(
            "condition",
            "Trường hợp áp dụng",
            "text",
            30,
            max_length=_max_length(ComponentRequirement, "condition"),
        ),
        Column("is_replaceable_by_state_data", "Thay thế bằng khai thác dữ liệu", "bool", 14, default=False),
        Column("replacement_note", "Ghi chú khai thác dữ liệu", "text", 30),
    ),
)
_BIG = 2**63 - 1
FEES = Sheet(
    "Phi",
    "phi.csv",
    (
        LOCAL_CODE,
        ORDER,
        Column("label", "Tên khoản phí, lệ phí", "text", 40, True, max_length=_max_length(FeeRule, "label")),
        Column("kind", "Cách tính", "enum", 16, default=FeeKind.FIXED, choices=FeeKind),
        Column("amount", "Mức thu (đồng)", "int", 14, max_value=_BIG),
        Column("first_tier_units", "Số trang/đơn vị tính theo mức đầu", "int", 14, max_value=2**31 - 1),
        Column("amount_after", "Mức thu tiếp theo (đồng)", "int", 14, max_value=_BIG),
        Column("cap", "Mức thu tối đa (đồng)", "int", 14, max_value=_BIG),
        Column("unit_label", "Đơn vị tính", "text", 12, max_length=_max_length(FeeRule, "unit_label")),
        Column("is_optional", "Chỉ thu khi có yêu cầu", "bool", 12, default=False),
        Column("basis", "Căn cứ thu", "text", 30, max_length=_max_length(FeeRule, "basis")),
    ),
)
STEPS = Sheet(
    "Quy trinh",
    "quy_trinh.csv",
    (
        LOCAL_CODE,
        Column("handling_unit", "Cơ quan giải quyết (mã định danh)", "agency", 18),
        Column(
            "process_name", "Tên quy trình", "text", 30, max_length=_max_length(ProcessDefinition, "name")
        ),
        Column("order", "Bước", "int", 8, True, min_value=1, max_value=32767),
        Column("name", "Tên bước", "text", 30, True, max_length=_max_length(ProcessStep, "name")),
        Column(
            "unit_mode", "Đơn vị thực hiện", "enum", 24, default=StepUnitMode.COMPETENT, choices=StepUnitMode
        ),
        Column("unit", "Mã đơn vị cụ thể", "agency", 16),
        Column("role", "Vai trò thực hiện", "enum", 22, True, choices=Role),
        Column("description", "Nội dung công việc", "text", 40),
        Column("budget_hours", "Thời gian (giờ làm việc)", "decimal", 12, True),
    ),
)
SHEETS = (PROCEDURES, COMPONENTS, FEES, STEPS)

VERSION_KEYS = (
    "name",
    "short_name",
    "level",
    "legal_time_amount",
    "legal_time_unit",
    "committed_time_amount",
    "committed_time_unit",
    "online_level",
    "is_counter_intake_allowed",
    "is_postal_intake_allowed",
    "is_postal_return_allowed",
    "competent_body_text",
    "results",
    "conditions",
    "legal_basis",
    "fee_exemptions",
    "fee_note",
    "decision_reference",
    "published_on",
)


# --- The catalogue as plain data: what a file holds and what a version holds compare equal when equal. ---


@dataclasses.dataclass
class _Component:
    order: int
    name: str
    paper_kind: str
    quantity: int
    is_required: bool
    condition: str
    is_replaceable_by_state_data: bool
    replacement_note: str


@dataclasses.dataclass
class _Fee:
    order: int
    label: str
    kind: str
    amount: int | None
    first_tier_units: int | None
    amount_after: int | None
    cap: int | None
    unit_label: str
    is_optional: bool
    basis: str


@dataclasses.dataclass
class _Step:
    order: int | None
    name: str
    unit_mode: str
    unit: str
    role: str
    description: str
    budget_hours: Decimal | None


@dataclasses.dataclass
class _Process:
    handling_unit: str
    name: str = ""
    steps: list[_Step] = dataclasses.field(default_factory=list)
    rows: list[int] = dataclasses.field(default_factory=list, compare=False)


@dataclasses.dataclass
class _Procedure:
    national_code: str
    local_code: str
    field_code: str
    version: dict[str, Any]
    competent_units: tuple[str, ...]
    receiving_units: tuple[str, ...]
    components: list[_Component] = dataclasses.field(default_factory=list)
    fees: list[_Fee] = dataclasses.field(default_factory=list)
    processes: list[_Process] = dataclasses.field(default_factory=list)
    field_name: str = dataclasses.field(default="", compare=False)
    row: int = dataclasses.field(default=0, compare=False)
    has_errors: bool = dataclasses.field(default=False, compare=False)


def _keys(cls) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


def _clean_text(value: str) -> str:
    return unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _clean(value: Any) -> Any:
    return _clean_text(value) if isinstance(value, str) else value


def _snapshot(version: ProcedureVersion) -> _Procedure:
    """A version (prefetched as by `_versions_queryset`) in the same shape a file row is parsed into."""
    processes = []
    for process in version.processes.all():
        steps = [
            _Step(
                **{k: _clean(getattr(s, k)) for k in _keys(_Step) if k != "unit"},
                unit=s.unit.agency_code if s.unit_id else "",
            )
            for s in process.steps.all()
        ]
        code = process.handling_unit.agency_code if process.handling_unit_id else ""
        processes.append(_Process(handling_unit=code, name=_clean(process.name), steps=steps))
    return _Procedure(
        national_code=version.procedure.national_code,
        local_code=version.procedure.local_code,
        field_code=version.field.code,
        field_name=version.field.name,
        version={k: _clean(getattr(version, k)) for k in VERSION_KEYS},
        competent_units=tuple(sorted(u.agency_code for u in version.competent_units.all())),
        receiving_units=tuple(sorted(u.agency_code for u in version.receiving_units.all())),
        components=[
            _Component(**{k: _clean(getattr(c, k)) for k in _keys(_Component)})
            for c in version.components.all()
        ],
        fees=[_Fee(**{k: _clean(getattr(f, k)) for k in _keys(_Fee)}) for f in version.fees.all()],
        processes=sorted(processes, key=lambda p: p.handling_unit),
    )


def _versions_queryset():
    return ProcedureVersion.objects.select_related("procedure", "field").prefetch_related(
        "components",
        "fees",
        "competent_units",
        "receiving_units",
        Prefetch("processes", queryset=ProcessDefinition.objects.select_related("handling_unit")),
        Prefetch("processes__steps", queryset=ProcessStep.objects.select_related("unit")),
    )


# --- Cell values in and out -------------------------------------------------------------------------------


@functools.cache
def _labels(choices: type[models.TextChoices]) -> dict[str, str]:
    # Files are in Vietnamese whatever language the exporting officer's browser asks for.
    with translation.override("vi"):
        return {value: str(label) for value, label in choices.choices}


def _choice_key(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().casefold()


@functools.cache
def _choice_lookup(choices: type[models.TextChoices]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    folded: dict[str, set[str]] = {}
    for value, label in _labels(choices).items():
        for text in (label, value):
            lookup[_choice_key(text)] = value
            folded.setdefault(fold(text), set()).add(value)
    # Without diacritics only where that stays unambiguous ("Toan trinh" is fine, "ngay" is not "ngày làm việc").
    for text, values in folded.items():
        if len(values) == 1:
            lookup.setdefault(text, next(iter(values)))
    return lookup


class _CellError(Exception):
    pass


def _is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _as_text(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    elif isinstance(raw, datetime | date):
        raw = raw.strftime("%d/%m/%Y")
    return _clean_text(str(raw))


def _parse_text(column: Column, raw: Any) -> str:
    text = _as_text(raw)
    if column.max_length and len(text) > column.max_length:
        raise _CellError(f"Dài {len(text)} ký tự, tối đa {column.max_length} ký tự.")
    return text


def _parse_code(column: Column, raw: Any) -> str:
    if isinstance(raw, float):
        raise _CellError(
            "Mã đang ở dạng số nên Excel có thể đã bỏ các chữ số 0 ở cuối: hãy định dạng ô là "
            "Văn bản (Text) rồi nhập lại mã."
        )
    text = _parse_text(column, raw)
    if re.search(r"\s", text):
        raise _CellError(f"Mã “{text}” không được chứa khoảng trắng.")
    return text.upper() if column.kind == "agency" else text


def _parse_agencies(column: Column, raw: Any) -> tuple[str, ...]:
    codes = [c for c in re.split(r"[;,\s]+", _as_text(raw).upper()) if c]
    return tuple(sorted(set(codes)))


def _parse_int(column: Column, raw: Any) -> int:
    if isinstance(raw, bool):
        raise _CellError(f"“{raw}” không phải là số nguyên.")
    if isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    elif isinstance(raw, int):
        value = raw
    else:
        text = _as_text(raw).replace(" ", "")
        # Vietnamese writes thousands with dots (50.000 đồng), English with commas.
        if re.fullmatch(r"-?\d{1,3}([.,]\d{3})+", text):
            text = re.sub(r"[.,]", "", text)
        if not re.fullmatch(r"-?\d+", text):
            raise _CellError(f"“{_as_text(raw)}” không phải là số nguyên.")
        value = int(text)
    if value < column.min_value:
        raise _CellError("Không được là số âm." if value < 0 else f"Phải từ {column.min_value} trở lên.")
    if column.max_value is not None and value > column.max_value:
        raise _CellError(f"Quá lớn: tối đa {column.max_value}.")
    return value


def _parse_decimal(column: Column, raw: Any) -> Decimal:
    if isinstance(raw, bool):
        raise _CellError(f"“{raw}” không phải là số.")
    if isinstance(raw, int | float):
        value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    else:
        text = _as_text(raw).replace(" ", "")
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise _CellError(f"“{_as_text(raw)}” không phải là số.") from None
    if not value.is_finite():
        raise _CellError(f"“{_as_text(raw)}” không phải là số.")
    if value < 0:
        raise _CellError("Không được là số âm.")
    if value.normalize().as_tuple().exponent < -2:
        raise _CellError("Chỉ được có tối đa 2 chữ số thập phân.")
    if value >= 100000:
        raise _CellError("Quá lớn: tối đa 99999,99.")
    return value


def _parse_date(column: Column, raw: Any) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = _as_text(raw)
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise _CellError(f"“{text}” không phải là ngày hợp lệ: ghi theo dạng ngày/tháng/năm, ví dụ 15/03/2025.")


def _parse_bool(column: Column, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    word = fold(_as_text(raw))
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise _CellError(f"“{_as_text(raw)}” không hợp lệ: ghi Có hoặc Không.")


def _parse_enum(column: Column, raw: Any) -> str:
    text = _as_text(raw)
    lookup = _choice_lookup(column.choices)
    value = lookup.get(_choice_key(text)) or lookup.get(fold(text))
    if value is None:
        allowed = ", ".join(_labels(column.choices).values())
        raise _CellError(f"“{text}” không phải giá trị hợp lệ; chọn một trong: {allowed}.")
    return value


_PARSERS = {
    "text": _parse_text,
    "code": _parse_code,
    "agency": _parse_code,
    "agencies": _parse_agencies,
    "int": _parse_int,
    "decimal": _parse_decimal,
    "date": _parse_date,
    "bool": _parse_bool,
    "enum": _parse_enum,
}


def _parse_cell(column: Column, raw: Any) -> tuple[Any, str | None]:
    if _is_blank(raw):
        return column.empty, ("Ô này bắt buộc, không được để trống." if column.required else None)
    try:
        return _PARSERS[column.kind](column, raw), None
    except _CellError as error:
        return column.empty, str(error)


def _number_text(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}"


def _cell_out(column: Column, value: Any, *, as_text: bool) -> Any:
    if value is None or value == "" or value == ():
        return "" if as_text else None
    if column.kind == "bool":
        return "Có" if value else "Không"
    if column.kind == "enum":
        return _labels(column.choices).get(value, value)
    if column.kind == "agencies":
        return "; ".join(value)
    if column.kind == "decimal":
        value = Decimal(value)
        if as_text:
            return _number_text(value)
        return int(value) if value == value.to_integral_value() else float(value)
    if column.kind == "date":
        return value.strftime("%d/%m/%Y") if as_text else value
    if column.kind == "int":
        return str(value) if as_text else value
    return value if as_text else ILLEGAL_CHARACTERS_RE.sub("", value)


# --- Export -----------------------------------------------------------------------------------------------


def _export_items(versions: Iterable[ProcedureVersion] | None) -> list[_Procedure]:
    queryset = _versions_queryset()
    if versions is None:
        queryset = queryset.filter(status=VersionStatus.IN_FORCE)
    else:
        queryset = queryset.filter(pk__in=[v.pk for v in versions])
    latest: dict[int, ProcedureVersion] = {}
    # One row per procedure, or the file could not be imported back: keep its newest version.
    for version in queryset:
        if version.procedure_id not in latest or version.number > latest[version.procedure_id].number:
            latest[version.procedure_id] = version
    items = [_snapshot(v) for v in latest.values()]
    return sorted(items, key=lambda p: (p.national_code, p.local_code))


def _export_rows(items: list[_Procedure]) -> dict[Sheet, list[dict[str, Any]]]:
    rows: dict[Sheet, list[dict[str, Any]]] = {sheet: [] for sheet in SHEETS}
    for item in items:
        rows[PROCEDURES].append(
            {
                "national_code": item.national_code,
                "local_code": item.local_code,
                "field_code": item.field_code,
                "field_name": item.field_name,
                "competent_units": item.competent_units,
                "receiving_units": item.receiving_units,
                **item.version,
            }
        )
        for component in item.components:
            rows[COMPONENTS].append({"local_code": item.local_code, **dataclasses.asdict(component)})
        for fee in item.fees:
            rows[FEES].append({"local_code": item.local_code, **dataclasses.asdict(fee)})
        for process in item.processes:
            for step in process.steps:
                rows[STEPS].append(
                    {
                        "local_code": item.local_code,
                        "handling_unit": process.handling_unit,
                        "process_name": process.name,
                        **dataclasses.asdict(step),
                    }
                )
    return rows


def catalog_export_xlsx(*, versions: Iterable[ProcedureVersion] | None = None) -> bytes:
    """The catalogue (the versions in force, or `versions`) as a workbook of four sheets."""
    rows = _export_rows(_export_items(versions))
    workbook = Workbook()
    workbook.remove(workbook.active)
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    header_alignment = Alignment(wrap_text=True, vertical="top")
    for sheet in SHEETS:
        worksheet = workbook.create_sheet(sheet.name)
        last_row = len(rows[sheet]) + 1
        for index, column in enumerate(sheet.columns, start=1):
            cell = worksheet.cell(row=1, column=index, value=column.header)
            cell.font, cell.fill, cell.alignment = header_font, header_fill, header_alignment
            letter = get_column_letter(index)
            worksheet.column_dimensions[letter].width = column.width
            for row_number, row in enumerate(rows[sheet], start=2):
                cell = worksheet.cell(
                    row=row_number, column=index, value=_cell_out(column, row[column.key], as_text=False)
                )
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text that only looks like a formula
                if column.kind in {"code", "agency", "agencies"}:
                    cell.number_format = "@"
                elif column.kind == "date":
                    cell.number_format = "DD/MM/YYYY"
            _add_dropdown(worksheet, column, letter, last_row + 500)
        worksheet.freeze_panes = "C2" if sheet is PROCEDURES else "B2"
        worksheet.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{last_row}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _add_dropdown(worksheet, column: Column, letter: str, last_row: int) -> None:
    if column.kind == "bool":
        options = ["Có", "Không"]
    elif column.kind == "enum":
        options = list(_labels(column.choices).values())
    else:
        return
    formula = '"' + ",".join(options) + '"'
    if any("," in o or '"' in o for o in options) or len(formula) > 255:
        return
    # A suggestion only: the code values are accepted too, so Excel must not refuse other text.
    validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=False)
    validation.add(f"{letter}2:{letter}{last_row}")
    worksheet.add_data_validation(validation)


def _csv_bytes(sheet: Sheet, rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.header for c in sheet.columns])
    for row in rows:
        writer.writerow([_cell_out(c, row[c.key], as_text=True) for c in sheet.columns])
    # The BOM makes Excel read the file as UTF-8, so Vietnamese letters survive a double click.
    return buffer.getvalue().encode("utf-8-sig")


def catalog_export_csv(
    *, versions: Iterable[ProcedureVersion] | None = None, procedures_only: bool = False
) -> bytes:
    """A ZIP of four CSV files with the workbook's columns; or, with `procedures_only`, the one CSV of
    procedures (importing that keeps each procedure's components, fees and processes)."""
    rows = _export_rows(_export_items(versions))
    if procedures_only:
        return _csv_bytes(PROCEDURES, rows[PROCEDURES])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for sheet in SHEETS:
            archive.writestr(sheet.csv_name, _csv_bytes(sheet, rows[sheet]))
    return buffer.getvalue()


# --- Import: reading the file -----------------------------------------------------------------------------


@dataclasses.dataclass
class _Table:
    sheet: Sheet
    label: str  # the sheet or file name the report names
    rows: list[tuple[int, dict[str, Any]]]


class _Report:
    """Problems in the order a reader fixes them: by sheet, row, then column."""

    def __init__(self) -> None:
        self._items: list[tuple[tuple, dict]] = []

    def add(self, sheet: Sheet | None, label: str, row: int | None, key: str | None, message: str) -> None:
        sheet_rank = SHEETS.index(sheet) if sheet else -1
        header, column_rank = None, -1
        if sheet and key:
            header = sheet.column(key).header
            column_rank = [c.key for c in sheet.columns].index(key)
        problem = {"sheet": label, "row": row, "column": header, "message": message}
        self._items.append(((sheet_rank, row or 0, column_rank), problem))

    def add_at(self, table: _Table, row: int | None, key: str | None, message: str) -> None:
        self.add(table.sheet, table.label, row, key, message)

    def __bool__(self) -> bool:
        return bool(self._items)

    def raise_if_any(self, filename: str) -> None:
        if self._items:
            problems = [problem for _, problem in sorted(self._items, key=lambda item: item[0])]
            raise ValidationFailed(
                f"Tệp “{filename}” có {len(problems)} lỗi nên chưa nhập dữ liệu nào; sửa các lỗi dưới đây "
                "rồi nhập lại.",
                details=problems,
            )


def format_problem(problem: dict) -> str:
    """One line of an import report: `Thu tuc, dòng 5, cột “Thời hạn cam kết”: …`."""
    where = [problem["sheet"]] if problem.get("sheet") else []
    if problem.get("row"):
        where.append(f"dòng {problem['row']}")
    if problem.get("column"):
        where.append(f"cột “{problem['column']}”")
    return f"{', '.join(where)}: {problem['message']}" if where else problem["message"]


Grid = list[tuple[int, list[Any]]]


def _refuse(filename: str, message: str) -> ValidationFailed:
    return ValidationFailed(
        message, details=[{"sheet": filename, "row": None, "column": None, "message": message}]
    )


def _read_grids(*, data: bytes, filename: str) -> tuple[str, dict[Sheet, tuple[str, Grid]]]:
    """("xlsx" | "zip" | "csv", sheets), by what the content is, not by the file name."""
    if not data:
        raise _refuse(filename, "Tệp rỗng.")
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            raise _refuse(filename, "Tệp nén bị hỏng, không mở được.") from None
        if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED_BYTES:
            raise _refuse(filename, "Tệp quá lớn sau khi giải nén.")
        names = archive.namelist()
        if "xl/workbook.xml" in names:
            return "xlsx", _xlsx_grids(data, filename)
        if any(name.lower().endswith(".csv") for name in names):
            return "zip", _zip_grids(archive)
        if "mimetype" in names and b"spreadsheet" in archive.read("mimetype"):
            raise _refuse(
                filename, "Tệp OpenDocument (.ods) chưa được hỗ trợ: hãy lưu lại dưới dạng Excel (.xlsx)."
            )
        raise _refuse(filename, "Tệp nén không phải bảng tính Excel (.xlsx) và không chứa tệp CSV nào.")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise _refuse(
            filename,
            "Tệp Excel 97–2003 (.xls) hoặc tệp Excel có đặt mật khẩu chưa được hỗ trợ: hãy "
            "lưu lại dưới dạng Excel (.xlsx), không đặt mật khẩu.",
        )
    text = _decode_text(data)
    if text is None:
        raise _refuse(
            filename,
            "Tệp không phải bảng tính Excel (.xlsx), tệp CSV (UTF-8) hoặc tệp ZIP chứa các tệp "
            "CSV của danh mục thủ tục.",
        )
    return "csv", {PROCEDURES: (filename, _csv_grid(text, PROCEDURES))}


def _decode_text(data: bytes) -> str | None:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text" is UTF-16
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    if b"\x00" in data[:4096]:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _xlsx_grids(data: bytes, filename: str) -> dict[Sheet, tuple[str, Grid]]:
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file; all mean the same to the user
        logger.info("catalogue import: unreadable workbook", exc_info=True)
        raise _refuse(
            filename, "Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng .xlsx."
        ) from None
    by_name = {fold(ws.title): ws for ws in workbook.worksheets}
    grids = {}
    for sheet in SHEETS:
        worksheet = by_name.get(fold(sheet.name))
        if worksheet is not None:
            rows = worksheet.iter_rows(min_row=1, min_col=1, values_only=True)
            grids[sheet] = (
                worksheet.title,
                [(number, list(values)) for number, values in enumerate(rows, start=1)],
            )
    return grids


def _zip_grids(archive: zipfile.ZipFile) -> dict[Sheet, tuple[str, Grid]]:
    def stem(name: str) -> str:
        base = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        return fold(re.sub(r"[_\-]+", " ", base))

    members = {
        stem(n): n for n in archive.namelist() if n.lower().endswith(".csv") and not n.startswith("__MACOSX/")
    }
    grids = {}
    for sheet in SHEETS:
        name = members.get(fold(sheet.name))
        if name is None:
            continue
        label = name.rsplit("/", 1)[-1]
        text = _decode_text(archive.read(name))
        if text is None:
            raise _refuse(label, f"Tệp {label} không phải văn bản CSV mã hoá UTF-8.")
        grids[sheet] = (label, _csv_grid(text, sheet))
    return grids


def _csv_grid(text: str, sheet: Sheet) -> Grid:
    """Rows numbered as Excel numbers them; the delimiter is whichever makes the header readable (Excel in
    a Vietnamese locale saves with semicolons)."""
    known = {fold(c.header) for c in sheet.columns}
    first_line = text.split("\n", 1)[0]

    def score(delimiter: str) -> int:
        header = next(csv.reader([first_line], delimiter=delimiter), [])
        return sum(fold(cell) in known for cell in header)

    delimiter = max([",", ";", "\t"], key=score)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return list(enumerate(reader, start=1))


def _table(sheet: Sheet, label: str, grid: Grid, report: _Report) -> _Table | None:
    target = fold(LOCAL_CODE.header)
    header_at = next(
        (
            i
            for i, (_, cells) in enumerate(grid[:HEADER_SEARCH_ROWS])
            if any(isinstance(c, str) and fold(c) == target for c in cells)
        ),
        None,
    )
    if header_at is None:
        report.add(
            sheet,
            label,
            None,
            None,
            f"Không tìm thấy dòng tiêu đề: {HEADER_SEARCH_ROWS} dòng đầu không có "
            f"ô nào ghi “{LOCAL_CODE.header}”.",
        )
        return None
    header_number, header_cells = grid[header_at]
    positions: dict[str, int] = {}
    by_header = {fold(c.header): c for c in sheet.columns}
    for index, cell in enumerate(header_cells):
        column = by_header.get(fold(cell)) if isinstance(cell, str) else None
        if column is None:
            continue
        if column.key in positions:
            report.add(
                sheet,
                label,
                header_number,
                column.key,
                f"Cột “{column.header}” có hai lần trong dòng tiêu đề.",
            )
        positions[column.key] = index
    for column in sheet.columns:
        if column.key not in positions:
            report.add(
                sheet, label, header_number, column.key, f"Thiếu cột “{column.header}” trong dòng tiêu đề."
            )
    rows = []
    for number, cells in grid[header_at + 1 :]:
        values = {key: cells[i] if i < len(cells) else None for key, i in positions.items()}
        if not all(_is_blank(v) for v in values.values()):
            rows.append((number, values))
    return _Table(sheet, label, rows)


def _read_tables(*, data: bytes, filename: str, report: _Report) -> dict[Sheet, _Table]:
    kind, grids = _read_grids(data=data, filename=filename)
    tables = {}
    for sheet in SHEETS:
        if sheet in grids:
            label, grid = grids[sheet]
            table = _table(sheet, label, grid, report)
            if table is not None:
                tables[sheet] = table
        elif kind == "xlsx":
            report.add(sheet, sheet.name, None, None, f"Tệp Excel thiếu sheet “{sheet.name}”.")
        elif kind == "zip":
            report.add(sheet, sheet.csv_name, None, None, f"Tệp nén thiếu tệp {sheet.csv_name}.")
        # A lone CSV holds the procedures only, by design.
    if PROCEDURES in tables and not tables[PROCEDURES].rows:
        report.add(PROCEDURES, tables[PROCEDURES].label, None, None, "Không có dòng thủ tục nào để nhập.")
    return tables


# --- Import: parsing and checking ------------------------------------------------------------------------


def _rows(table: _Table | None, report: _Report) -> Iterator[tuple[int, dict[str, Any], set[str]]]:
    for number, raw in table.rows if table else ():
        values, failed = {}, set()
        for column in table.sheet.columns:
            values[column.key], message = _parse_cell(column, raw[column.key])
            if message:
                failed.add(column.key)
                report.add_at(table, number, column.key, message)
        yield number, values, failed


@dataclasses.dataclass
class _Parsed:
    procedures: list[_Procedure] = dataclasses.field(default_factory=list)
    by_code: dict[str, _Procedure] = dataclasses.field(default_factory=dict)
    # (table, row, column key, agency code, procedure it belongs to): looked up once all rows are read
    unit_references: list[tuple[_Table, int, str, str, _Procedure]] = dataclasses.field(default_factory=list)


def _parse(tables: dict[Sheet, _Table], report: _Report) -> _Parsed:
    parsed = _Parsed()
    table = tables[PROCEDURES]
    for number, values, failed in _rows(table, report):
        code = values["local_code"]
        if code in parsed.by_code:
            report.add_at(
                table, number, "local_code", f"Mã “{code}” trùng với dòng {parsed.by_code[code].row}."
            )
            continue
        version = {key: values[key] for key in VERSION_KEYS}
        if version["committed_time_amount"] is None and "committed_time_amount" not in failed:
            if version["committed_time_unit"] == TimeUnit.SAME_DAY:
                version["committed_time_amount"] = Decimal(0)
            else:
                failed.add("committed_time_amount")
                report.add_at(table, number, "committed_time_amount", "Ô này bắt buộc, không được để trống.")
        if (
            version["legal_time_amount"] is not None
            and not version["legal_time_unit"]
            and "legal_time_unit" not in failed
        ):
            failed.add("legal_time_unit")
            report.add_at(
                table, number, "legal_time_unit", "Có thời hạn theo quy định thì phải ghi đơn vị thời hạn."
            )
        procedure = _Procedure(
            national_code=values["national_code"],
            local_code=code,
            field_code=values["field_code"],
            field_name=values["field_name"],
            version=version,
            competent_units=values["competent_units"],
            receiving_units=values["receiving_units"],
            row=number,
            has_errors=bool(failed),
        )
        if not code:
            continue
        parsed.procedures.append(procedure)
        parsed.by_code[code] = procedure
        for key in ("competent_units", "receiving_units"):
            for unit_code in getattr(procedure, key):
                parsed.unit_references.append((table, number, key, unit_code, procedure))

    def owner_of(child_table: _Table, number: int, values: dict, failed: set) -> _Procedure | None:
        code = values["local_code"]
        owner = parsed.by_code.get(code)
        if code and owner is None:
            report.add_at(
                child_table, number, "local_code", f"Không có thủ tục mã “{code}” trong {table.label}."
            )
        if owner is not None and failed:
            owner.has_errors = True
        return owner

    for sheet, target, cls in ((COMPONENTS, "components", _Component), (FEES, "fees", _Fee)):
        for number, values, failed in _rows(tables.get(sheet), report):
            owner = owner_of(tables[sheet], number, values, failed)
            if owner is None:
                continue
            items = getattr(owner, target)
            if values["order"] is None:
                values["order"] = len(items) + 1
            items.append(cls(**{k: values[k] for k in _keys(cls)}))
    _parse_steps(tables.get(STEPS), parsed, report, owner_of)
    for procedure in parsed.procedures:
        procedure.components.sort(key=lambda c: c.order)
        procedure.fees.sort(key=lambda f: f.order)
        procedure.processes.sort(key=lambda p: p.handling_unit)
        for process in procedure.processes:
            process.steps.sort(key=lambda s: s.order or 0)
    return parsed


def _parse_steps(table: _Table | None, parsed: _Parsed, report: _Report, owner_of) -> None:
    processes: dict[tuple[str, str], _Process] = {}
    first_row: dict[
        tuple[str, str, Any], int
    ] = {}  # the row that first gave a process its name or a step order
    for number, values, failed in _rows(table, report):
        owner = owner_of(table, number, values, failed)
        if owner is None:
            continue
        handling_unit = values["handling_unit"]
        key = (owner.local_code, handling_unit)
        process = processes.get(key)
        if process is None:
            process = processes[key] = _Process(handling_unit=handling_unit)
            owner.processes.append(process)
        process.rows.append(number)
        for column_key in ("handling_unit", "unit"):
            if values[column_key]:
                parsed.unit_references.append((table, number, column_key, values[column_key], owner))
        name = values["process_name"]
        if name and not process.name:
            process.name = name
            first_row[(*key, "name")] = number
        elif name and name != process.name:
            owner.has_errors = True
            report.add_at(
                table,
                number,
                "process_name",
                f"Khác tên quy trình đã ghi ở dòng {first_row[(*key, 'name')]} cho cùng thủ tục và cơ quan.",
            )
        order = values["order"]
        if order is not None:
            if (*key, order) in first_row:
                owner.has_errors = True
                report.add_at(
                    table,
                    number,
                    "order",
                    f"Bước {order} đã có ở dòng {first_row[(*key, order)]} của cùng quy trình.",
                )
            else:
                first_row[(*key, order)] = number
        if values["unit_mode"] == StepUnitMode.FIXED and not values["unit"] and "unit" not in failed:
            owner.has_errors = True
            report.add_at(
                table,
                number,
                "unit",
                f"Đơn vị thực hiện là “{_labels(StepUnitMode)[StepUnitMode.FIXED]}” thì phải ghi mã đơn vị.",
            )
        process.steps.append(_Step(**{k: values[k] for k in _keys(_Step)}))


def _budget_problems(procedure: _Procedure, steps_label: str) -> list[str]:
    """The rule of `services.process_budget_problems`, on a file's rows, so a mismatch is named with its row
    before anything is written rather than found by the publish step afterwards."""
    amount = procedure.version["committed_time_amount"]
    unit = procedure.version["committed_time_unit"]
    target = committed_hours(amount=amount, unit=unit)
    problems = []
    for process in procedure.processes:
        label = f"của cơ quan {process.handling_unit}" if process.handling_unit else "chung"
        if process.name:
            label += f" “{process.name}”"
        if process.rows:
            first, last = min(process.rows), max(process.rows)
            label += (
                f" ({steps_label}, dòng {first}–{last})"
                if last > first
                else f" ({steps_label}, dòng {first})"
            )
        if not process.steps:
            problems.append(f"Quy trình {label} chưa có bước xử lý nào.")
            continue
        total = sum((s.budget_hours for s in process.steps), Decimal(0))
        difference = total - target
        if unit == TimeUnit.CALENDAR_DAYS:
            if difference > 0:
                problems.append(
                    f"Quy trình {label}: tổng thời gian các bước {_number_text(total)} giờ vượt thời hạn cam kết "
                    f"{_number_text(target)} giờ làm việc {_number_text(difference)} giờ."
                )
        elif difference != 0:
            direction = "thừa" if difference > 0 else "thiếu"
            problems.append(
                f"Quy trình {label}: tổng thời gian các bước là {_number_text(total)} giờ làm việc, thời hạn cam kết "
                f"là {_number_text(target)} giờ ({_number_text(amount)} {_labels(TimeUnit)[unit]}): "
                f"{direction} {_number_text(abs(difference))} giờ."
            )
    return problems


@dataclasses.dataclass
class _Planned:
    data: _Procedure
    procedure: Procedure | None
    draft: ProcedureVersion | None
    unchanged_version: ProcedureVersion | None = None


@dataclasses.dataclass
class _Plan:
    items: list[_Planned]
    units: dict[str, Unit]
    fields: dict[str, Field]
    new_fields: dict[str, str]


def _plan(parsed: _Parsed, tables: dict[Sheet, _Table], report: _Report, *, publish: bool) -> _Plan:
    """The checks that need the database. Runs inside the import's transaction, so what it saw still holds
    when the rows are written."""
    procedures_table = tables[PROCEDURES]
    items = parsed.procedures

    codes = {ref[3] for ref in parsed.unit_references}
    units = {u.agency_code: u for u in Unit.objects.filter(agency_code__in=codes)}
    for table, number, key, code, owner in parsed.unit_references:
        if code not in units:
            owner.has_errors = True
            report.add_at(table, number, key, f"Không có đơn vị nào có mã định danh “{code}”.")

    fields = {f.code: f for f in Field.objects.filter(code__in={p.field_code for p in items if p.field_code})}
    new_fields: dict[str, str] = {}
    new_field_rows: dict[str, int] = {}
    wanted_names = {p.field_name for p in items if p.field_name}
    name_owner = dict(Field.objects.filter(name__in=wanted_names).values_list("name", "code"))
    for item in items:
        code, name = item.field_code, item.field_name
        if not code:
            continue
        problem = None
        if code in fields:
            if name and name != fields[code].name:
                problem = (
                    f"Lĩnh vực mã “{code}” đang có tên “{fields[code].name}”: để trống ô này hoặc ghi "
                    "đúng tên đó."
                )
        elif not name:
            problem = f"Lĩnh vực mã “{code}” chưa có trong hệ thống: phải ghi tên lĩnh vực để tạo mới."
        elif code in new_fields and new_fields[code] != name:
            problem = f"Lĩnh vực mã “{code}” đã được ghi tên khác ở dòng {new_field_rows[code]}."
        elif name_owner.get(name, code) != code:
            problem = f"Tên lĩnh vực “{name}” đã dùng cho mã lĩnh vực “{name_owner[name]}”."
        else:
            new_fields[code], new_field_rows[code] = name, item.row
            name_owner[name] = code
        if problem:
            item.has_errors = True
            report.add_at(procedures_table, item.row, "field_name", problem)

    # Lock what is about to get a new version, so two imports of one procedure queue rather than collide.
    existing = {
        p.local_code: p
        for p in Procedure.objects.select_for_update()
        .filter(local_code__in=[p.local_code for p in items])
        .order_by("pk")
    }
    current: dict[int, ProcedureVersion] = {}
    drafts: dict[int, ProcedureVersion] = {}
    for version in _versions_queryset().filter(
        procedure__in=existing.values(), status__in=[VersionStatus.IN_FORCE, VersionStatus.DRAFT]
    ):
        (current if version.status == VersionStatus.IN_FORCE else drafts)[version.procedure_id] = version

    procedures_only = set(tables) == {PROCEDURES}
    plan = _Plan(items=[], units=units, fields=fields, new_fields=new_fields)
    kept_units: set[str] = set()
    steps_label = tables[STEPS].label if STEPS in tables else STEPS.name
    for item in items:
        procedure = existing.get(item.local_code)
        if procedure is not None and item.national_code and item.national_code != procedure.national_code:
            item.has_errors = True
            report.add_at(
                procedures_table,
                item.row,
                "national_code",
                f"Thủ tục mã địa phương “{item.local_code}” đang có mã quốc gia “{procedure.national_code}”; "
                "không đổi mã quốc gia bằng tệp nhập được.",
            )
        if item.has_errors:
            continue
        in_force = current.get(procedure.pk) if procedure else None
        draft = drafts.get(procedure.pk) if procedure else None
        base = draft or in_force
        if procedures_only and base is not None:
            # A procedures-only CSV changes what it holds and keeps the rest of the procedure.
            kept = _snapshot(base)
            item.components, item.fees, item.processes = kept.components, kept.fees, kept.processes
            kept_units.update(p.handling_unit for p in kept.processes)
            kept_units.update(s.unit for p in kept.processes for s in p.steps)
        planned = _Planned(data=item, procedure=procedure, draft=draft)
        if in_force is not None and _snapshot(in_force) == item:
            planned.unchanged_version = in_force
        elif publish:
            for problem in _budget_problems(item, steps_label):
                report.add_at(procedures_table, item.row, "committed_time_amount", problem)
        plan.items.append(planned)
    kept_units -= {"", *units}
    units.update({u.agency_code: u for u in Unit.objects.filter(agency_code__in=kept_units)})
    return plan


# --- Import: writing --------------------------------------------------------------------------------------


class ImportOutcome(models.TextChoices):
    CREATED = "created", "thủ tục mới"
    NEW_VERSION = "new_version", "phiên bản mới"
    DRAFT_UPDATED = "draft_updated", "cập nhật bản nháp"
    UNCHANGED = "unchanged", "không thay đổi"


@dataclasses.dataclass(frozen=True)
class ImportedRow:
    row: int
    local_code: str
    outcome: str
    version_number: int
    status: str

    @property
    def outcome_label(self) -> str:
        return ImportOutcome(self.outcome).label

    @property
    def status_label(self) -> str:
        return _labels(VersionStatus)[self.status]


@dataclasses.dataclass(frozen=True)
class ImportResult:
    rows: tuple[ImportedRow, ...]

    def _count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)

    @property
    def created(self) -> int:
        return self._count(ImportOutcome.CREATED)

    @property
    def new_versions(self) -> int:
        return self._count(ImportOutcome.NEW_VERSION)

    @property
    def drafts_updated(self) -> int:
        return self._count(ImportOutcome.DRAFT_UPDATED)

    @property
    def unchanged(self) -> int:
        return self._count(ImportOutcome.UNCHANGED)

    @property
    def summary(self) -> str:
        text = (
            f"Đã nhập {len(self.rows)} thủ tục: {self.created} thủ tục mới, {self.new_versions} phiên bản mới, "
            f"{self.unchanged} không thay đổi"
        )
        if self.drafts_updated:
            text += f", {self.drafts_updated} bản nháp được cập nhật"
        return text + "."


def _write(planned: _Planned, plan: _Plan, *, user, publish: bool, filename: str) -> ImportedRow:
    data = planned.data
    procedure, version = planned.procedure, planned.draft
    outcome = ImportOutcome.NEW_VERSION
    if procedure is None:
        procedure = Procedure.objects.create(national_code=data.national_code, local_code=data.local_code)
        outcome = ImportOutcome.CREATED
    attributes = {
        **data.version,
        "field": plan.fields[data.field_code],
        "change_note": f"Nhập từ tệp {filename}",
    }
    if version is not None:
        # Drafts are the one editable kind of version; replacing its content keeps its number.
        for name, value in attributes.items():
            setattr(version, name, value)
        if user is not None:
            version.created_by = user
        version.save()
        version.components.all().delete()
        version.fees.all().delete()
        version.processes.all().delete()
        if not publish:
            outcome = ImportOutcome.DRAFT_UPDATED
    else:
        number = (procedure.versions.aggregate(last=Max("number"))["last"] or 0) + 1
        version = ProcedureVersion.objects.create(
            procedure=procedure, number=number, status=VersionStatus.DRAFT, created_by=user, **attributes
        )
    version.competent_units.set([plan.units[c] for c in data.competent_units])
    version.receiving_units.set([plan.units[c] for c in data.receiving_units])
    ComponentRequirement.objects.bulk_create(
        ComponentRequirement(version=version, **dataclasses.asdict(c)) for c in data.components
    )
    FeeRule.objects.bulk_create(FeeRule(version=version, **dataclasses.asdict(f)) for f in data.fees)
    for process_data in data.processes:
        process = ProcessDefinition.objects.create(
            version=version,
            name=process_data.name,
            handling_unit=plan.units[process_data.handling_unit] if process_data.handling_unit else None,
        )
        ProcessStep.objects.bulk_create(
            ProcessStep(
                process=process,
                **{k: v for k, v in dataclasses.asdict(step).items() if k != "unit"},
                unit=plan.units[step.unit] if step.unit else None,
            )
            for step in process_data.steps
        )
    if publish:
        version = procedure_version_publish(version=version)
    return ImportedRow(data.row, data.local_code, outcome, version.number, version.status)


def catalog_import(*, data: bytes, filename: str, user=None, publish: bool = True) -> ImportResult:
    """Import a catalogue file (.xlsx, a ZIP of CSV files, or one CSV of procedures) all or nothing.

    Every problem is collected first and raised as `ValidationFailed` whose `details` are
    `{"sheet", "row", "column", "message"}` dicts; then each procedure row becomes the procedure's next version
    (or replaces its draft) and, with `publish`, is put in force. A row equal to the version in force is left
    alone."""
    report = _Report()
    tables = _read_tables(data=data, filename=filename, report=report)
    report.raise_if_any(filename)
    parsed = _parse(tables, report)
    with transaction.atomic():
        plan = _plan(parsed, tables, report, publish=publish)
        report.raise_if_any(filename)
        for code, name in plan.new_fields.items():
            plan.fields[code] = Field.objects.create(code=code, name=name)
        rows = []
        for planned in plan.items:
            if planned.unchanged_version is not None:
                version = planned.unchanged_version
                rows.append(
                    ImportedRow(
                        planned.data.row,
                        planned.data.local_code,
                        ImportOutcome.UNCHANGED,
                        version.number,
                        version.status,
                    )
                )
            else:
                rows.append(_write(planned, plan, user=user, publish=publish, filename=filename))
    result = ImportResult(rows=tuple(rows))
    logger.info(
        "catalogue import %s: %d created, %d new versions, %d drafts updated, %d unchanged",
        filename,
        result.created,
        result.new_versions,
        result.drafts_updated,
        result.unchanged,
    )
    return result


__all__ = [
    "SHEETS",
    "ImportOutcome",
    "ImportResult",
    "ImportedRow",
    "catalog_export_csv",
    "catalog_export_xlsx",
    "catalog_import",
    "format_problem",
]
