"""The dossier register (sổ theo dõi hồ sơ, Circular 03/2025 Form 07) of one receiving unit over a range of
local dates, as an A4 landscape PDF and as an Excel workbook."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from io import BytesIO

from django.db.models import Prefetch
from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from motcua.core.exceptions import ValidationFailed
from motcua.core.spreadsheet import fit_row_heights
from motcua.dossiers.enums import Action, Outcome, Status, Timeliness
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.workcal.calendar import LOCAL_TZ

from .formatting import agency_lines, local, long_date, person_name, place_name, short_date, short_time
from .pdf import A4_LANDSCAPE, render_pdf

# A register longer than a year is a report, not a printout; this also bounds the PDF rendering time.
MAX_RANGE_DAYS = 366

COLUMNS = (
    ("STT", 5),
    ("Mã hồ sơ", 21),
    ("Tên thủ tục hành chính", 34),
    ("Số lượng hồ sơ (bộ)", 9),
    ("Tên cá nhân, tổ chức", 22),
    ("Địa chỉ, số điện thoại", 30),
    ("Cơ quan chủ trì giải quyết", 22),
    ("Nhận hồ sơ", 16),
    ("Hẹn trả kết quả", 16),
    ("Chuyển hồ sơ đến cơ quan giải quyết", 16),
    ("Nhận kết quả từ cơ quan giải quyết", 16),
    ("Trả kết quả cho cá nhân, tổ chức", 16),
    ("Ghi chú", 30),
)
FIRST_DATE_COLUMN = 8  # 1-based: the five date columns share the "Ngày, tháng, năm" heading
DATE_COLUMNS = 5


@dataclass
class RegisterRow:
    index: int
    code: str
    procedure: str
    sets: int
    applicant: str
    contact: str
    competent_unit: str
    received_at: datetime | None
    due_at: datetime | None
    transferred_at: datetime | None
    result_at: datetime | None
    returned_at: datetime | None
    note: str
    dates: list[datetime | None] = field(init=False)

    def __post_init__(self) -> None:
        self.dates = [self.received_at, self.due_at, self.transferred_at, self.result_at, self.returned_at]

    @property
    def printed_dates(self) -> list[tuple[str, str] | None]:
        return [(short_date(value), short_time(value)) if value else None for value in self.dates]


def _bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    if date_from > date_to:
        raise ValidationFailed(
            "Ngày bắt đầu phải trước hoặc trùng ngày kết thúc.",
            details={"date_from": "Khoảng ngày không hợp lệ."},
        )
    if (date_to - date_from).days >= MAX_RANGE_DAYS:
        raise ValidationFailed(
            f"Sổ theo dõi in tối đa {MAX_RANGE_DAYS} ngày mỗi lần.",
            details={"date_to": "Khoảng ngày quá dài."},
        )
    start = datetime.combine(date_from, time.min, tzinfo=LOCAL_TZ)
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=LOCAL_TZ)
    return start, end


def _note(dossier: Dossier) -> str:
    parts = []
    if dossier.extended_due_at is not None and dossier.original_due_at is not None:
        parts.append(
            f"Đã gia hạn (Mẫu số 04); hẹn trả ban đầu {short_date(dossier.original_due_at)} "
            f"{short_time(dossier.original_due_at)}"
        )
    if dossier.status == Status.STOPPED:
        parts.append(str(Status.STOPPED.label))
    elif dossier.result_ready_at is not None:
        if dossier.timeliness:
            parts.append(str(Timeliness(dossier.timeliness).label))
        if dossier.outcome == Outcome.DENIED:
            parts.append(str(Outcome.DENIED.label))
        if dossier.returned_at is None:
            parts.append(str(Status.RESULT_READY.label))
    else:
        parts.append(str(Status(dossier.status).label))
    return "; ".join(parts)


def register_rows(*, unit, date_from: date, date_to: date) -> list[RegisterRow]:
    """Dossiers received by `unit` on local dates `date_from`..`date_to` inclusive, in order of reception."""
    start, end = _bounds(date_from, date_to)
    dossiers = (
        Dossier.objects.filter(receiving_unit=unit, received_at__gte=start, received_at__lt=end)
        .select_related("procedure_version", "competent_unit")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=DossierEvent.objects.filter(action=Action.TRANSFER).order_by("seq"),
                to_attr="transfers",
            )
        )
        .order_by("received_at", "code")
    )
    rows = []
    for index, dossier in enumerate(dossiers, start=1):
        phone = f"ĐT: {dossier.applicant_phone}" if dossier.applicant_phone else ""
        contact = "; ".join(part for part in (dossier.applicant_address, phone) if part)
        rows.append(
            RegisterRow(
                index=index,
                code=dossier.code,
                procedure=dossier.procedure_version.name,
                sets=dossier.sets,
                applicant=dossier.applicant_name,
                contact=contact,
                competent_unit=dossier.competent_unit.name,
                received_at=dossier.received_at,
                due_at=dossier.due_at,
                transferred_at=dossier.transfers[0].at if dossier.transfers else None,
                result_at=dossier.result_ready_at,
                returned_at=dossier.returned_at,
                note=_note(dossier),
            )
        )
    return rows


def render_register(*, unit, date_from: date, date_to: date, user) -> bytes:
    """Form 07 as an A4 landscape PDF, signed by `user` as the person who drew it up. The caller has already
    checked that `user` may see `unit`'s register."""
    with translation.override("vi"):
        return _render_register(unit=unit, date_from=date_from, date_to=date_to, user=user)


def _render_register(*, unit, date_from: date, date_to: date, user) -> bytes:
    rows = register_rows(unit=unit, date_from=date_from, date_to=date_to)
    today = timezone.now()
    context = {
        "document_title": f"Mẫu số 07 – Sổ theo dõi hồ sơ – {unit.name} – {short_date(date_from)}–{short_date(date_to)}",
        "author": unit.name,
        "body_class": "register",
        "agency_lines": agency_lines(unit),
        "is_reception": True,
        "place_date": f"{place_name(unit)}, {long_date(today)}",
        "date_from": short_date(date_from),
        "date_to": short_date(date_to),
        "rows": rows,
        "column_numbers": range(1, len(COLUMNS) + 1),
        "signers": [
            {"blank": True},
            {"role": "NGƯỜI LẬP SỔ", "hint": "(Ký và ghi rõ họ tên)", "name": person_name(user)},
        ],
    }
    return render_pdf(
        template="paperwork/register.html", context=context, page_size=A4_LANDSCAPE, numbered=True
    )


# --- Excel ---------------------------------------------------------------------------------------------------
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="top", wrap_text=True)
_DATE_FORMAT = "dd/mm/yyyy hh:mm"
HEADER_ROW = 7  # first of the two heading rows; a row of column numbers follows, then the data
FIRST_DATA_ROW = HEADER_ROW + 3


def _excel_time(value: datetime | None):
    # Excel has no time zones: write the local wall-clock time the officers read on the paper forms.
    return local(value).replace(tzinfo=None) if value is not None else None


def register_xlsx(*, unit, date_from: date, date_to: date) -> bytes:
    """Form 07 as an .xlsx workbook with the same columns as the PDF, ready to print on A4 landscape."""
    with translation.override("vi"):
        rows = register_rows(unit=unit, date_from=date_from, date_to=date_to)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sổ theo dõi hồ sơ"
    last_column = len(COLUMNS)
    last_letter = get_column_letter(last_column)

    lines = agency_lines(unit)
    _merged(sheet, 1, 1, 6, lines[0] if len(lines) > 1 else "", Font(size=11))
    _merged(sheet, 2, 1, 6, lines[-1], Font(size=11, bold=True))
    _merged(sheet, 3, 1, 6, "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", Font(size=11, bold=True))
    _merged(sheet, 1, 8, last_column, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", Font(size=11, bold=True))
    _merged(sheet, 2, 8, last_column, "Độc lập - Tự do - Hạnh phúc", Font(size=11, bold=True))
    _merged(
        sheet,
        3,
        8,
        last_column,
        f"{place_name(unit)}, {long_date(timezone.now())}",
        Font(size=11, italic=True),
    )
    _merged(sheet, 4, 1, last_column, "SỔ THEO DÕI HỒ SƠ", Font(size=14, bold=True))
    _merged(
        sheet,
        5,
        1,
        last_column,
        f"Từ ngày {short_date(date_from)} đến ngày {short_date(date_to)}",
        Font(size=11, italic=True),
    )

    bold = Font(bold=True)
    for column, (title, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
        is_date = FIRST_DATE_COLUMN <= column < FIRST_DATE_COLUMN + DATE_COLUMNS
        top = sheet.cell(row=HEADER_ROW, column=column)
        sub = sheet.cell(row=HEADER_ROW + 1, column=column)
        if is_date:
            sub.value = title
        else:
            top.value = title
            sheet.merge_cells(
                start_row=HEADER_ROW, start_column=column, end_row=HEADER_ROW + 1, end_column=column
            )
        number = sheet.cell(row=HEADER_ROW + 2, column=column, value=f"({column})")
        number.font = Font(italic=True, size=9)
        for cell in (top, sub, number):
            cell.border = _BORDER
            cell.alignment = _CENTRE
        for cell in (top, sub):
            cell.font = bold
            cell.fill = _HEADER_FILL
    sheet.cell(row=HEADER_ROW, column=FIRST_DATE_COLUMN, value="Ngày, tháng, năm")
    sheet.merge_cells(
        start_row=HEADER_ROW,
        start_column=FIRST_DATE_COLUMN,
        end_row=HEADER_ROW,
        end_column=FIRST_DATE_COLUMN + DATE_COLUMNS - 1,
    )
    sheet.row_dimensions[HEADER_ROW + 1].height = 45

    for offset, row in enumerate(rows):
        values = [
            row.index,
            row.code,
            row.procedure,
            row.sets,
            row.applicant,
            row.contact,
            row.competent_unit,
            *(_excel_time(value) for value in row.dates),
            row.note,
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=FIRST_DATA_ROW + offset, column=column, value=value)
            cell.border = _BORDER
            cell.alignment = _WRAP
            if isinstance(value, datetime):
                cell.number_format = _DATE_FORMAT
                cell.alignment = Alignment(horizontal="center", vertical="top")
            elif column in (1, 4):
                cell.alignment = Alignment(horizontal="center", vertical="top")

    fit_row_heights(sheet, range(FIRST_DATA_ROW, FIRST_DATA_ROW + len(rows)))
    total_row = FIRST_DATA_ROW + len(rows) + 1
    sheet.cell(row=total_row, column=1, value=f"Tổng số: {len(rows)} hồ sơ.").font = bold

    sheet.freeze_panes = sheet.cell(row=FIRST_DATA_ROW, column=1)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW + 2}"
    sheet.print_area = f"A1:{last_letter}{total_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    workbook.properties.title = f"Sổ theo dõi hồ sơ – {unit.name}"
    workbook.properties.creator = unit.name

    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _merged(sheet, row: int, first: int, last: int, value: str, font: Font) -> None:
    sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    cell = sheet.cell(row=row, column=first, value=value)
    cell.font = font
    cell.alignment = Alignment(horizontal="center", vertical="center")
