"""Demo data: one real province (Cà Mau, H12) after the 1 July 2025 two-tier reform, its staff, and the 24
real procedures of `data/catalogue.yaml` with illustrative internal processes.

The organisation and the staff are data (literals below); the code only walks them. Loading is idempotent:
units, counters, users and roles are keyed on their stable codes, and a procedure that already has a version
in force is left alone, so a second run adds no row and no version.
"""

from __future__ import annotations

import re
from datetime import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth.hashers import make_password
from django.db import transaction

from motcua.accounts.models import User
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
from motcua.catalog.services import procedure_version_publish
from motcua.core.text import fold
from motcua.demo.eforms import demo_eform_fields
from motcua.org.enums import Role, UnitKind
from motcua.org.models import Counter, StaffRole, Unit

PROVINCE_CODE = "H12"
DEMO_PASSWORD = "motcua-demo"
CATALOGUE_PATH = Path(__file__).resolve().parent / "data" / "catalogue.yaml"

# Only H12 (Cà Mau) is a real agency code (legal-spec §2.3). Every code below it is made up for the demo:
# the province's real list was re-issued after the 2025 merger and was not at hand.
AGENCY_CODES_NOTE = (
    "Mã định danh H12 (tỉnh Cà Mau) là mã thật; mã của các đơn vị trực thuộc là mã minh họa "
    "cho dữ liệu trình diễn."
)

STANDARD_HOURS = ((time(7, 0), time(11, 0)), (time(13, 0), time(17, 0)))
# One ward keeps different hours to show that office hours are per unit (DESIGN §7).
LATE_HOURS = ((time(7, 30), time(11, 30)), (time(13, 30), time(17, 0)))

PROVINCIAL_COUNTERS = [
    (1, "Tư pháp"),
    (2, "Xây dựng"),
    (3, "Nông nghiệp và Môi trường"),
    (4, "Tài chính — Đăng ký kinh doanh"),
    (5, "Văn hóa, Thể thao và Du lịch"),
    (6, "Nội vụ — Lao động, việc làm"),
]
COMMUNE_COUNTERS = [
    (1, "Hộ tịch — Chứng thực"),
    (2, "Đất đai — Xây dựng — Hộ kinh doanh"),
    (3, "Bảo trợ xã hội — Văn hóa — Cư trú"),
]

# The province's tree. Names are real where known (the province, its centre, the departments as reorganised
# in 2025, the wards and communes); division names follow the usual pattern and are illustrative.
# Units without "hours" inherit their parent's office hours (Unit.office_periods).
ORG_TREE: dict[str, Any] = {
    "code": "H12",
    "kind": UnitKind.PROVINCE,
    "name": "Ủy ban nhân dân tỉnh Cà Mau",
    "short_name": "UBND tỉnh Cà Mau",
    "hours": STANDARD_HOURS,
    "children": [
        {
            "code": "H12.01",
            "kind": UnitKind.PROVINCIAL_CENTRE,
            "name": "Trung tâm Phục vụ hành chính công tỉnh Cà Mau",
            "short_name": "TTPVHCC tỉnh",
            "counters": PROVINCIAL_COUNTERS,
        },
        {
            "code": "H12.02",
            "kind": UnitKind.DEPARTMENT,
            "name": "Sở Tư pháp tỉnh Cà Mau",
            "short_name": "Sở Tư pháp",
            "children": [
                {"code": "H12.02.01", "kind": UnitKind.DIVISION, "name": "Phòng Hành chính tư pháp"},
                {"code": "H12.02.02", "kind": UnitKind.DIVISION, "name": "Phòng Bổ trợ tư pháp"},
            ],
        },
        {
            "code": "H12.03",
            "kind": UnitKind.DEPARTMENT,
            "name": "Sở Xây dựng tỉnh Cà Mau",
            "short_name": "Sở Xây dựng",
            "children": [
                {"code": "H12.03.01", "kind": UnitKind.DIVISION, "name": "Phòng Quản lý hoạt động xây dựng"},
            ],
        },
        {
            "code": "H12.04",
            "kind": UnitKind.DEPARTMENT,
            "name": "Sở Nông nghiệp và Môi trường tỉnh Cà Mau",
            "short_name": "Sở Nông nghiệp và Môi trường",
            "children": [
                {"code": "H12.04.01", "kind": UnitKind.DIVISION, "name": "Phòng Quản lý đất đai"},
                # The one legacy right-to-left code (Circular 10/2016 style): units that kept a pre-2025 code
                # still occur and must be accepted (DESIGN §4).
                {
                    "code": "000.00.15.H12",
                    "kind": UnitKind.OTHER,
                    "name": "Văn phòng Đăng ký đất đai tỉnh Cà Mau",
                    "short_name": "VPĐKĐĐ",
                },
            ],
        },
        {
            "code": "H12.05",
            "kind": UnitKind.DEPARTMENT,
            "name": "Sở Tài chính tỉnh Cà Mau",
            "short_name": "Sở Tài chính",
            "children": [
                {"code": "H12.05.01", "kind": UnitKind.DIVISION, "name": "Phòng Đăng ký kinh doanh"},
            ],
        },
        {
            "code": "H12.06",
            "kind": UnitKind.DEPARTMENT,
            "name": "Sở Văn hóa, Thể thao và Du lịch tỉnh Cà Mau",
            "short_name": "Sở VHTTDL",
            "children": [
                {"code": "H12.06.01", "kind": UnitKind.DIVISION, "name": "Phòng Quản lý văn hóa"},
            ],
        },
        {
            "code": "H12.07",
            "kind": UnitKind.DEPARTMENT,
            "name": "Sở Nội vụ tỉnh Cà Mau",
            "short_name": "Sở Nội vụ",
            "children": [
                {"code": "H12.07.01", "kind": UnitKind.DIVISION, "name": "Phòng Lao động — Việc làm"},
            ],
        },
        {
            "code": "H12.20",
            "kind": UnitKind.COMMUNE,
            "name": "Ủy ban nhân dân phường An Xuyên",
            "short_name": "UBND phường An Xuyên",
            "address": "Phường An Xuyên, tỉnh Cà Mau",
            "children": [
                {
                    "code": "H12.20.01",
                    "kind": UnitKind.COMMUNE_CENTRE,
                    "name": "Trung tâm Phục vụ hành chính công phường An Xuyên",
                    "short_name": "TTPVHCC phường An Xuyên",
                    "address": "Phường An Xuyên, tỉnh Cà Mau",
                    "counters": COMMUNE_COUNTERS,
                },
            ],
        },
        {
            "code": "H12.21",
            "kind": UnitKind.COMMUNE,
            "name": "Ủy ban nhân dân phường Tân Thành",
            "short_name": "UBND phường Tân Thành",
            "address": "Phường Tân Thành, tỉnh Cà Mau",
            "children": [
                {
                    "code": "H12.21.01",
                    "kind": UnitKind.COMMUNE_CENTRE,
                    "name": "Trung tâm Phục vụ hành chính công phường Tân Thành",
                    "short_name": "TTPVHCC phường Tân Thành",
                    "address": "Phường Tân Thành, tỉnh Cà Mau",
                    "counters": COMMUNE_COUNTERS,
                },
            ],
        },
        {
            "code": "H12.22",
            "kind": UnitKind.COMMUNE,
            "name": "Ủy ban nhân dân phường Bạc Liêu",
            "short_name": "UBND phường Bạc Liêu",
            "address": "Phường Bạc Liêu, tỉnh Cà Mau",
            "hours": LATE_HOURS,
            "children": [
                {
                    "code": "H12.22.01",
                    "kind": UnitKind.COMMUNE_CENTRE,
                    "name": "Trung tâm Phục vụ hành chính công phường Bạc Liêu",
                    "short_name": "TTPVHCC phường Bạc Liêu",
                    "address": "Phường Bạc Liêu, tỉnh Cà Mau",
                    "hours": LATE_HOURS,
                    "counters": COMMUNE_COUNTERS,
                },
            ],
        },
        {
            "code": "H12.23",
            "kind": UnitKind.COMMUNE,
            "name": "Ủy ban nhân dân xã Đầm Dơi",
            "short_name": "UBND xã Đầm Dơi",
            "address": "Xã Đầm Dơi, tỉnh Cà Mau",
            "children": [
                {
                    "code": "H12.23.01",
                    "kind": UnitKind.COMMUNE_CENTRE,
                    "name": "Trung tâm Phục vụ hành chính công xã Đầm Dơi",
                    "short_name": "TTPVHCC xã Đầm Dơi",
                    "address": "Xã Đầm Dơi, tỉnh Cà Mau",
                    "counters": COMMUNE_COUNTERS,
                },
            ],
        },
        {
            "code": "H12.24",
            "kind": UnitKind.COMMUNE,
            "name": "Ủy ban nhân dân xã Năm Căn",
            "short_name": "UBND xã Năm Căn",
            "address": "Xã Năm Căn, tỉnh Cà Mau",
            "children": [
                {
                    "code": "H12.24.01",
                    "kind": UnitKind.COMMUNE_CENTRE,
                    "name": "Trung tâm Phục vụ hành chính công xã Năm Căn",
                    "short_name": "TTPVHCC xã Năm Căn",
                    "address": "Xã Năm Căn, tỉnh Cà Mau",
                    "counters": COMMUNE_COUNTERS,
                },
            ],
        },
        # Permanent-residence registration (1.004222) is decided by the commune police, not by the UBND xã;
        # the police sit in the tree so that procedure has a competent unit.
        {
            "code": "H12.30",
            "kind": UnitKind.OTHER,
            "name": "Công an tỉnh Cà Mau",
            "children": [
                {"code": "H12.30.01", "kind": UnitKind.OTHER, "name": "Công an phường An Xuyên"},
                {"code": "H12.30.02", "kind": UnitKind.OTHER, "name": "Công an phường Tân Thành"},
                {"code": "H12.30.03", "kind": UnitKind.OTHER, "name": "Công an phường Bạc Liêu"},
                {"code": "H12.30.04", "kind": UnitKind.OTHER, "name": "Công an xã Đầm Dơi"},
                {"code": "H12.30.05", "kind": UnitKind.OTHER, "name": "Công an xã Năm Căn"},
            ],
        },
    ],
}

COMMUNE_CODES = ["H12.20", "H12.21", "H12.22", "H12.23", "H12.24"]
COMMUNE_CENTRE_CODES = [f"{code}.01" for code in COMMUNE_CODES]
COMMUNE_POLICE_CODES = ["H12.30.01", "H12.30.02", "H12.30.03", "H12.30.04", "H12.30.05"]

# The accounts shown by `motcua demo`, in this order.
DEMO_ACCOUNTS = [
    "admin",
    "tiepnhan",
    "tiepnhan_xa",
    "chuyenvien",
    "truongphong",
    "lanhdao",
    "giamsat",
    "congdan",
]
SUPERUSERS = {"admin"}

_RO, _SP, _HD, _SL = Role.RECEIVING_OFFICER, Role.SPECIALIST, Role.HEAD_OF_DIVISION, Role.SIGNING_LEADER

# (username, full name, unit code, role, title). People are fictional. A commune's officers hold their roles in
# the UBND xã itself because commune procedures name the UBND xã as the competent unit; province
# specialists and heads sit in their division, which the processes name explicitly.
# fmt: off
STAFF: list[tuple[str, str, str, str, str]] = [
    ("admin", "Trần Quốc Bảo", "H12", Role.ADMINISTRATOR, "Quản trị hệ thống một cửa điện tử tỉnh"),
    ("giamsat", "Đặng Thanh Tùng", "H12", Role.SUPERVISOR, "Giám sát giải quyết thủ tục hành chính toàn tỉnh"),
    ("tiepnhan", "Nguyễn Thị Thu Hà", "H12.01", _RO, "Cán bộ tiếp nhận, Trung tâm PVHCC tỉnh"),
    ("tiepnhan2", "Trần Thị Mỹ Linh", "H12.01", _RO, "Cán bộ tiếp nhận, Trung tâm PVHCC tỉnh"),
    ("chuyenvien", "Phạm Minh Tuấn", "H12.02.01", _SP, "Chuyên viên Phòng Hành chính tư pháp"),
    ("truongphong", "Võ Thị Kim Loan", "H12.02.01", _HD, "Trưởng phòng Hành chính tư pháp"),
    ("lanhdao", "Huỳnh Văn Dũng", "H12.02", _SL, "Phó Giám đốc Sở Tư pháp"),
    ("xd_chuyenvien", "Lâm Quốc Việt", "H12.03.01", _SP, "Chuyên viên Phòng Quản lý hoạt động xây dựng"),
    ("dd_chuyenvien", "Ngô Thị Bích Trâm", "000.00.15.H12", _SP, "Viên chức Văn phòng Đăng ký đất đai"),
    ("vh_chuyenvien", "Châu Minh Khoa", "H12.06.01", _SP, "Chuyên viên Phòng Quản lý văn hóa"),
    ("vh_truongphong", "Tạ Thị Hồng Nhung", "H12.06.01", _HD, "Trưởng phòng Quản lý văn hóa"),
    ("vh_lanhdao", "Dương Văn Hiếu", "H12.06", _SL, "Phó Giám đốc Sở Văn hóa, Thể thao và Du lịch"),
    ("nv_chuyenvien", "Kiều Thị Thanh Tâm", "H12.07.01", _SP, "Chuyên viên Phòng Lao động — Việc làm"),
    ("nv_truongphong", "Mai Văn Thắng", "H12.07.01", _HD, "Trưởng phòng Lao động — Việc làm"),
    ("nv_lanhdao", "Tô Thị Diễm", "H12.07", _SL, "Phó Giám đốc Sở Nội vụ"),
    ("ca_tinh", "Thái Hoàng Nam", "H12.30", _SP, "Cán bộ Công an tỉnh, thành viên Đoàn thẩm định liên ngành"),
    # Phường An Xuyên
    ("tiepnhan_xa", "Lê Thị Ngọc Hân", "H12.20.01", _RO, "Công chức tiếp nhận, TTPVHCC phường An Xuyên"),
    ("anxuyen_hotich", "Trương Văn Phúc", "H12.20", _SP, "Công chức Tư pháp — Hộ tịch"),
    ("anxuyen_vhxh", "Lý Thị Cẩm Tú", "H12.20", _SP, "Công chức Phòng Văn hóa — Xã hội"),
    ("anxuyen_kinhte", "Hồ Minh Trí", "H12.20", _SP, "Công chức Phòng Kinh tế, Hạ tầng và Đô thị"),
    ("anxuyen_truongphong", "Phan Thị Yến", "H12.20", _HD, "Trưởng phòng Văn hóa — Xã hội"),
    ("anxuyen_lanhdao", "Nguyễn Hoàng Sơn", "H12.20", _SL, "Phó Chủ tịch UBND phường An Xuyên"),
    ("anxuyen_ca", "Đỗ Quang Huy", "H12.30.01", _SP, "Cán bộ đăng ký cư trú, Công an phường An Xuyên"),
    ("anxuyen_ca_truong", "Bùi Văn Lực", "H12.30.01", _SL, "Trưởng Công an phường An Xuyên"),
    # Phường Tân Thành
    ("tanthanh_tiepnhan", "Vũ Thị Thanh Thảo", "H12.21.01", _RO, "Công chức tiếp nhận, TTPVHCC phường Tân Thành"),
    ("tanthanh_hotich", "Lê Văn Hậu", "H12.21", _SP, "Công chức Tư pháp — Hộ tịch"),
    ("tanthanh_vhxh", "Nguyễn Thị Bảo Ngọc", "H12.21", _SP, "Công chức Phòng Văn hóa — Xã hội"),
    ("tanthanh_kinhte", "Trần Văn Khải", "H12.21", _SP, "Công chức Phòng Kinh tế, Hạ tầng và Đô thị"),
    ("tanthanh_truongphong", "Huỳnh Thị Mai", "H12.21", _HD, "Trưởng phòng Văn hóa — Xã hội"),
    ("tanthanh_lanhdao", "Phạm Văn Lộc", "H12.21", _SL, "Phó Chủ tịch UBND phường Tân Thành"),
    ("tanthanh_ca", "Cao Minh Đức", "H12.30.02", _SP, "Cán bộ đăng ký cư trú, Công an phường Tân Thành"),
    ("tanthanh_ca_truong", "La Văn Toàn", "H12.30.02", _SL, "Trưởng Công an phường Tân Thành"),
    # Phường Bạc Liêu
    ("baclieu_tiepnhan", "Quách Thị Kim Chi", "H12.22.01", _RO, "Công chức tiếp nhận, TTPVHCC phường Bạc Liêu"),
    ("baclieu_hotich", "Lưu Văn Nghĩa", "H12.22", _SP, "Công chức Tư pháp — Hộ tịch"),
    ("baclieu_vhxh", "Tăng Thị Thúy", "H12.22", _SP, "Công chức Phòng Văn hóa — Xã hội"),
    ("baclieu_kinhte", "Diệp Minh Hoàng", "H12.22", _SP, "Công chức Phòng Kinh tế, Hạ tầng và Đô thị"),
    ("baclieu_truongphong", "Mã Thị Ánh", "H12.22", _HD, "Trưởng phòng Văn hóa — Xã hội"),
    ("baclieu_lanhdao", "Trịnh Văn Tài", "H12.22", _SL, "Phó Chủ tịch UBND phường Bạc Liêu"),
    ("baclieu_ca", "Lâm Hữu Phước", "H12.30.03", _SP, "Cán bộ đăng ký cư trú, Công an phường Bạc Liêu"),
    ("baclieu_ca_truong", "Kha Văn Bình", "H12.30.03", _SL, "Trưởng Công an phường Bạc Liêu"),
    # Xã Đầm Dơi
    ("damdoi_tiepnhan", "Nguyễn Thị Hồng Gấm", "H12.23.01", _RO, "Công chức tiếp nhận, TTPVHCC xã Đầm Dơi"),
    ("damdoi_hotich", "Trần Văn Sang", "H12.23", _SP, "Công chức Tư pháp — Hộ tịch"),
    ("damdoi_vhxh", "Lê Thị Diệu", "H12.23", _SP, "Công chức Phòng Văn hóa — Xã hội"),
    ("damdoi_kinhte", "Võ Văn Tâm", "H12.23", _SP, "Công chức Phòng Kinh tế"),
    ("damdoi_truongphong", "Đoàn Thị Thu", "H12.23", _HD, "Trưởng phòng Văn hóa — Xã hội"),
    ("damdoi_lanhdao", "Huỳnh Văn Nhân", "H12.23", _SL, "Phó Chủ tịch UBND xã Đầm Dơi"),
    ("damdoi_ca", "Phạm Quốc Cường", "H12.30.04", _SP, "Cán bộ đăng ký cư trú, Công an xã Đầm Dơi"),
    ("damdoi_ca_truong", "Tô Văn Hùng", "H12.30.04", _SL, "Trưởng Công an xã Đầm Dơi"),
    # Xã Năm Căn
    ("namcan_tiepnhan", "Dương Thị Kiều", "H12.24.01", _RO, "Công chức tiếp nhận, TTPVHCC xã Năm Căn"),
    ("namcan_hotich", "Nguyễn Văn Thành", "H12.24", _SP, "Công chức Tư pháp — Hộ tịch"),
    ("namcan_vhxh", "Châu Thị Lan", "H12.24", _SP, "Công chức Phòng Văn hóa — Xã hội"),
    ("namcan_kinhte", "Lê Hoàng Phong", "H12.24", _SP, "Công chức Phòng Kinh tế"),
    ("namcan_truongphong", "Trần Thị Bích", "H12.24", _HD, "Trưởng phòng Văn hóa — Xã hội"),
    ("namcan_lanhdao", "Võ Minh Hải", "H12.24", _SL, "Phó Chủ tịch UBND xã Năm Căn"),
    ("namcan_ca", "Nguyễn Quốc Thái", "H12.30.05", _SP, "Cán bộ đăng ký cư trú, Công an xã Năm Căn"),
    ("namcan_ca_truong", "Huỳnh Văn Mến", "H12.30.05", _SL, "Trưởng Công an xã Năm Căn"),
]
# fmt: on
# Citizens hold no staff role.
CITIZENS: list[tuple[str, str]] = [("congdan", "Nguyễn Văn An")]

_R, _C, _F = StepUnitMode.RECEIVING, StepUnitMode.COMPETENT, StepUnitMode.FIXED
_RECEIVE = "Tiếp nhận, kiểm tra hồ sơ; cấp Phiếu hẹn"
_RECEIVE_WORK = (
    "Kiểm tra thành phần hồ sơ; tra cứu CSDLQG về dân cư bằng số định danh cá nhân; số hóa giấy tờ; "
    "hồ sơ chưa đủ thì hướng dẫn bổ sung một lần; chuyển hồ sơ cho cơ quan có thẩm quyền."
)
_RETURN = "Trả kết quả"
_RETURN_WORK = (
    "Trả kết quả tại nơi nộp hồ sơ, qua bưu chính công ích hoặc bản điện tử; cập nhật trạng thái hồ sơ."
)

# Internal processes. The catalogue gives the national role sequences but no time budgets (catalogue.md,
# "What is uncertain" 1), so every budget here is an illustrative split that adds up exactly to the committed
# time (1 working day = 8 working hours). Steps: (name, role, unit mode, fixed unit code, hours, work).
# fmt: off
PROCESS_TEMPLATES: dict[str, dict[str, Any]] = {
    "ho_tich_1d": {
        "name": "Quy trình hộ tịch cấp xã — 01 ngày làm việc",
        "steps": [
            (_RECEIVE, _RO, _R, None, 1, _RECEIVE_WORK),
            ("Thẩm tra; ghi Sổ hộ tịch, cập nhật phần mềm hộ tịch điện tử", _SP, _C, None, 4,
             "Công chức tư pháp — hộ tịch thẩm tra tính hợp lệ, tra cứu CSDL hộ tịch điện tử; ghi Sổ hộ tịch, "
             "cập nhật Phần mềm đăng ký, quản lý hộ tịch điện tử dùng chung; in giấy tờ hộ tịch, trình ký."),
            ("Ký giấy tờ hộ tịch", _SL, _C, None, 2,
             "Lãnh đạo UBND xã xem xét, ký; đóng dấu; chuyển Trung tâm Phục vụ hành chính công."),
            (_RETURN, _RO, _R, None, 1, _RETURN_WORK),
        ],
    },
    "ho_tich_3d": {
        "name": "Quy trình hộ tịch cấp xã — 03 ngày làm việc",
        "steps": [
            (_RECEIVE, _RO, _R, None, 2, _RECEIVE_WORK),
            ("Thẩm tra, xác minh; ghi Sổ hộ tịch, cập nhật phần mềm hộ tịch điện tử", _SP, _C, None, 14,
             "Công chức tư pháp — hộ tịch thẩm tra, tra cứu CSDL hộ tịch điện tử và CSDLQG về dân cư, xác minh "
             "khi cần; ghi Sổ hộ tịch, cập nhật phần mềm; dự thảo kết quả, trình ký."),
            ("Ký giấy tờ hộ tịch", _SL, _C, None, 6,
             "Lãnh đạo UBND xã xem xét, ký; đóng dấu; chuyển Trung tâm Phục vụ hành chính công."),
            (_RETURN, _RO, _R, None, 2, _RETURN_WORK),
        ],
    },
    "chung_thuc_trong_ngay": {
        "name": "Quy trình chứng thực tại Trung tâm PVHCC cấp xã — trong ngày",
        "steps": [
            ("Tiếp nhận, đối chiếu giấy tờ; ký dưới lời chứng", _RO, _R, None, 3,
             "Kiểm tra giấy tờ, đối chiếu bản sao với bản chính hoặc chứng kiến người yêu cầu ký; người tiếp nhận "
             "tại Trung tâm ký dưới lời chứng; thu phí."),
            ("Ký chứng thực, đóng dấu, ghi sổ chứng thực", _SL, _C, None, 4,
             "Chủ tịch hoặc Phó Chủ tịch UBND xã ghi lời chứng, ký, đóng dấu; ghi sổ chứng thực; đóng dấu giáp "
             "lai nếu từ 02 tờ trở lên."),
            (_RETURN, _RO, _R, None, 1,
             "Trả kết quả tại nơi nộp; tiếp nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo."),
        ],
    },
    "chung_thuc_1d": {
        "name": "Quy trình chứng thực hợp đồng, giao dịch cấp xã — 01 ngày làm việc",
        "steps": [
            ("Tiếp nhận; các bên ký trước mặt người tiếp nhận", _RO, _R, None, 2,
             "Kiểm tra giấy tờ; các bên ký hoặc điểm chỉ trước mặt người tiếp nhận; người tiếp nhận ký từng trang "
             "và dưới lời chứng; thu phí."),
            ("Kiểm tra dự thảo hợp đồng, giấy tờ về tài sản", _SP, _C, None, 2,
             "Tra cứu CSDL đất đai, CSDLQG về dân cư; kiểm tra năng lực hành vi dân sự, tính tự nguyện."),
            ("Ký chứng thực, đóng dấu, ghi sổ chứng thực", _SL, _C, None, 3,
             "Chủ tịch hoặc Phó Chủ tịch UBND xã ghi lời chứng, ký, đóng dấu, đóng dấu giáp lai; ghi sổ."),
            (_RETURN, _RO, _R, None, 1, _RETURN_WORK),
        ],
    },
    "ban_sao_so_goc_1d": {
        # The 2 + 3 + 2 + 1 hour split is the Hà Nội 2026 example reported in the catalogue (confidence M).
        "name": "Quy trình cấp bản sao từ sổ gốc cấp xã — 01 ngày làm việc",
        "steps": [
            ("Tiếp nhận hồ sơ", _RO, _R, None, 2, _RECEIVE_WORK),
            ("Đối chiếu sổ gốc, dự thảo bản sao", _SP, _C, None, 3,
             "Tra cứu sổ gốc và CSDL hộ tịch điện tử; dự thảo bản sao hoặc văn bản trả lời nếu sổ gốc không còn."),
            ("Ký bản sao", _SL, _C, None, 2, "Lãnh đạo cơ quan quản lý sổ gốc ký, đóng dấu."),
            (_RETURN, _RO, _R, None, 1, _RETURN_WORK),
        ],
    },
    "so_tu_phap_1d": {
        "name": "Quy trình tại Sở Tư pháp — 01 ngày làm việc",
        "steps": [
            ("Tiếp nhận hồ sơ, chuyển Sở Tư pháp", _RO, _R, None, 1, _RECEIVE_WORK),
            ("Tra cứu CSDL hộ tịch điện tử, sổ gốc; dự thảo bản sao", _SP, _F, "H12.02.01", 3,
             "Chuyên viên Phòng Hành chính tư pháp tra cứu, đối chiếu; dự thảo bản sao hoặc văn bản từ chối."),
            ("Kiểm tra, trình Lãnh đạo Sở", _HD, _F, "H12.02.01", 1,
             "Trưởng phòng Hành chính tư pháp kiểm tra dự thảo, trình ký."),
            ("Ký bản sao", _SL, _C, None, 2, "Lãnh đạo Sở Tư pháp ký, đóng dấu."),
            (_RETURN, _RO, _R, None, 1, _RETURN_WORK),
        ],
    },
    "ho_kinh_doanh_3d": {
        "name": "Quy trình đăng ký hộ kinh doanh cấp xã — 03 ngày làm việc",
        "steps": [
            ("Tiếp nhận hồ sơ, thu lệ phí; cấp Giấy biên nhận", _RO, _R, None, 2, _RECEIVE_WORK),
            ("Xem xét tính hợp lệ; cập nhật Hệ thống thông tin về đăng ký hộ kinh doanh", _SP, _C, None, 14,
             "Công chức Phòng Kinh tế (cơ quan đăng ký kinh doanh cấp xã) kiểm tra hồ sơ; dự thảo Giấy chứng "
             "nhận hoặc thông báo sửa đổi, bổ sung, từ chối nêu rõ lý do."),
            ("Ký Giấy chứng nhận đăng ký hộ kinh doanh", _SL, _C, None, 6,
             "Lãnh đạo ký; thông tin đăng ký được chia sẻ cho cơ quan thuế."),
            (_RETURN, _RO, _R, None, 2, _RETURN_WORK),
        ],
    },
    "bao_tro_10d": {
        "name": "Quy trình bảo trợ xã hội cấp xã — 10 ngày làm việc",
        "steps": [
            ("Tiếp nhận, số hóa hồ sơ, chuyển xử lý", _RO, _R, None, 4, _RECEIVE_WORK),
            ("Xác thực thông tin, thẩm tra; dự thảo quyết định", _SP, _C, None, 48,
             "Công chức Phòng Văn hóa — Xã hội xác thực thông tin với CSDLQG về dân cư và CSDL chuyên ngành, "
             "thẩm tra điều kiện hưởng, dự thảo quyết định hoặc văn bản trả lời nêu lý do."),
            ("Lãnh đạo phòng xem xét, trình ký", _HD, _C, None, 8,
             "Trưởng phòng Văn hóa — Xã hội kiểm tra dự thảo, trình Chủ tịch UBND xã."),
            ("Quyết định hưởng và chi trả", _SL, _C, None, 16, "Chủ tịch (Phó Chủ tịch) UBND xã ký quyết định."),
            (_RETURN, _RO, _R, None, 4, _RETURN_WORK),
        ],
    },
    "bao_tro_3d": {
        "name": "Quy trình hỗ trợ chi phí mai táng cấp xã — 03 ngày làm việc",
        "steps": [
            ("Tiếp nhận, số hóa hồ sơ, chuyển xử lý", _RO, _R, None, 2, _RECEIVE_WORK),
            ("Thẩm tra, dự thảo quyết định hỗ trợ", _SP, _C, None, 12,
             "Công chức Phòng Văn hóa — Xã hội thẩm tra đối tượng, tra cứu CSDL hộ tịch điện tử (khai tử)."),
            ("Quyết định hỗ trợ và chi trả", _SL, _C, None, 8, "Chủ tịch (Phó Chủ tịch) UBND xã ký quyết định."),
            (_RETURN, _RO, _R, None, 2, _RETURN_WORK),
        ],
    },
    "khuyet_tat_25d": {
        # Legal split in the national record: 20 working days for the assessment, 5 for posting and issuing.
        "name": "Quy trình xác định mức độ khuyết tật cấp xã — 25 ngày làm việc",
        "steps": [
            ("Tiếp nhận đơn", _RO, _R, None, 4, _RECEIVE_WORK),
            ("Hội đồng xác định mức độ khuyết tật đánh giá", _SP, _C, None, 156,
             "Chủ tịch UBND xã triệu tập Hội đồng; Hội đồng đánh giá trực tiếp tại UBND xã, trạm y tế hoặc tại "
             "nhà (cùng bước tiếp nhận: 20 ngày làm việc theo quy định)."),
            ("Niêm yết công khai kết quả; dự thảo Giấy xác nhận khuyết tật", _SP, _C, None, 20,
             "Niêm yết kết quả tại trụ sở UBND xã; dự thảo Giấy xác nhận khuyết tật."),
            ("Cấp Giấy xác nhận khuyết tật", _SL, _C, None, 16, "Chủ tịch (Phó Chủ tịch) UBND xã ký."),
            (_RETURN, _RO, _R, None, 4, _RETURN_WORK),
        ],
    },
    "le_hoi_15d": {
        "name": "Quy trình tiếp nhận đăng ký lễ hội cấp xã — 15 ngày làm việc",
        "steps": [
            (_RECEIVE, _RO, _R, None, 4, _RECEIVE_WORK),
            ("Thẩm định hồ sơ đăng ký lễ hội", _SP, _C, None, 88,
             "Công chức Phòng Văn hóa — Xã hội thẩm định tính đầy đủ, hợp pháp; phương án an ninh trật tự, phòng "
             "chống cháy nổ, bảo vệ môi trường; nội dung nghi lễ truyền thống."),
            ("Lãnh đạo phòng xem xét, trình ký", _HD, _C, None, 8,
             "Trưởng phòng Văn hóa — Xã hội kiểm tra dự thảo văn bản chấp thuận hoặc từ chối."),
            ("Ký văn bản chấp thuận hoặc trả lời", _SL, _C, None, 16, "Chủ tịch (Phó Chủ tịch) UBND xã ký."),
            (_RETURN, _RO, _R, None, 4, _RETURN_WORK),
        ],
    },
    "tuyen_sinh_30d": {
        "name": "Quy trình tuyển sinh trung học cơ sở — 30 ngày làm việc",
        "steps": [
            ("Tiếp nhận hồ sơ đăng ký tuyển sinh", _RO, _R, None, 8, _RECEIVE_WORK),
            ("Xét tuyển; đề xuất danh sách trúng tuyển", _SP, _C, None, 200,
             "Hội đồng tuyển sinh trường trung học cơ sở xét tuyển theo kế hoạch đã phê duyệt; đề xuất danh "
             "sách trúng tuyển qua Hiệu trưởng."),
            ("Phê duyệt danh sách trúng tuyển", _SL, _C, None, 24, "Chủ tịch UBND xã phê duyệt."),
            ("Thông báo kết quả", _RO, _R, None, 8, _RETURN_WORK),
        ],
    },
    "cu_tru_7d": {
        "name": "Quy trình đăng ký thường trú tại Công an cấp xã — 07 ngày làm việc",
        "steps": [
            (_RECEIVE, _RO, _R, None, 4, _RECEIVE_WORK),
            ("Thẩm định hồ sơ; cập nhật CSDL về cư trú", _SP, _C, None, 36,
             "Cán bộ đăng ký cư trú kiểm tra chỗ ở hợp pháp, điều kiện đăng ký; cập nhật CSDL về cư trú."),
            ("Phê duyệt", _SL, _C, None, 12, "Trưởng Công an xã phê duyệt hoặc từ chối nêu rõ lý do."),
            ("Thông báo kết quả", _RO, _R, None, 4, _RETURN_WORK),
        ],
    },
    # Inter-agency (liên thông): the commune consults the Department of Construction. The national record
    # gives 3 days of appraisal and 2 days of consultation within the 7 working days for individual houses.
    "gpxd_7d": {
        "name": "Quy trình liên thông cấp giấy phép xây dựng nhà ở riêng lẻ — 07 ngày làm việc",
        "steps": [
            ("Tiếp nhận hồ sơ trực tuyến, kiểm tra thành phần", _RO, _R, None, 4, _RECEIVE_WORK),
            ("Thẩm định hồ sơ, kiểm tra thực địa", _SP, _C, None, 24,
             "Công chức Phòng Kinh tế (Kinh tế, Hạ tầng và Đô thị) thẩm định hồ sơ, đối chiếu quy hoạch, kiểm "
             "tra thực địa (03 ngày theo quy định)."),
            ("Lấy ý kiến Sở Xây dựng", _SP, _F, "H12.03.01", 16,
             "Phòng Quản lý hoạt động xây dựng, Sở Xây dựng cho ý kiến trong trường hợp cần lấy ý kiến cơ quan "
             "liên quan (02 ngày theo quy định)."),
            ("Tổng hợp, trình ký", _HD, _C, None, 4, "Lãnh đạo phòng tổng hợp ý kiến, dự thảo giấy phép, trình ký."),
            ("Ký Giấy phép xây dựng", _SL, _C, None, 6, "Chủ tịch (Phó Chủ tịch) UBND xã ký, đóng dấu."),
            (_RETURN, _RO, _R, None, 2, _RETURN_WORK),
        ],
    },
    # Inter-agency: the commune confirms and posts, the land registration office updates the cadastre.
    "dat_dai_20d": {
        "name": "Quy trình liên thông đăng ký đất đai, cấp Giấy chứng nhận lần đầu — 20 ngày làm việc",
        "steps": [
            (_RECEIVE, _RO, _R, None, 4, _RECEIVE_WORK),
            ("Kiểm tra, xác nhận hiện trạng, nguồn gốc sử dụng đất; niêm yết công khai", _SP, _C, None, 56,
             "Công chức địa chính kiểm tra, xác nhận hiện trạng, nguồn gốc, thời điểm sử dụng đất, tình trạng "
             "tranh chấp, sự phù hợp quy hoạch; niêm yết công khai tại trụ sở UBND xã và khu dân cư."),
            ("Cập nhật hồ sơ địa chính; gửi thông tin cho cơ quan thuế", _SP, _F, "000.00.15.H12", 64,
             "Văn phòng Đăng ký đất đai kiểm tra hồ sơ, trích lục hoặc trích đo bản đồ địa chính, cập nhật hồ sơ "
             "địa chính và CSDL đất đai; gửi thông tin địa chính cho cơ quan thuế xác định nghĩa vụ tài chính."),
            ("Tổng hợp, trình ký", _HD, _C, None, 8, "Lãnh đạo phòng kiểm tra, trình ký Giấy chứng nhận."),
            ("Ký Giấy chứng nhận", _SL, _C, None, 24, "Chủ tịch UBND xã ký cấp Giấy chứng nhận."),
            ("Trả kết quả sau khi hoàn thành nghĩa vụ tài chính", _RO, _R, None, 4, _RETURN_WORK),
        ],
    },
    # Inter-agency, with the legal step budgets of the national record: 3 days appraisal, 4 days on-site
    # inspection by the inter-agency team (police among its members), 3 days to grant or refuse.
    "karaoke_10d": {
        "name": "Quy trình liên thông cấp giấy phép kinh doanh karaoke — 10 ngày làm việc",
        "steps": [
            ("Tiếp nhận hồ sơ, chuyển Sở Văn hóa, Thể thao và Du lịch", _RO, _R, None, 4, _RECEIVE_WORK),
            ("Thẩm định hồ sơ; đề nghị thành lập Đoàn thẩm định", _SP, _F, "H12.06.01", 20,
             "Chuyên viên Phòng Quản lý văn hóa thẩm định hồ sơ, đề nghị thành lập Đoàn thẩm định liên ngành "
             "(cùng bước tiếp nhận: 03 ngày làm việc)."),
            ("Đoàn thẩm định kiểm tra thực tế tại địa điểm kinh doanh", _SP, _F, "H12.06.01", 16,
             "Đoàn thẩm định kiểm tra phòng hát, điều kiện kinh doanh tại địa điểm."),
            ("Công an tỉnh cho ý kiến về an ninh, trật tự và phòng cháy, chữa cháy", _SP, _F, "H12.30", 16,
             "Thành viên Đoàn thẩm định thuộc Công an tỉnh cho ý kiến (cùng bước trước: 04 ngày làm việc)."),
            ("Tổng hợp kết quả thẩm định, trình ký", _HD, _F, "H12.06.01", 8,
             "Trưởng phòng Quản lý văn hóa tổng hợp, dự thảo giấy phép hoặc văn bản từ chối nêu rõ lý do."),
            ("Ký Giấy phép", _SL, _C, None, 12,
             "Lãnh đạo Sở ký giấy phép theo phân cấp, ủy quyền của UBND tỉnh (cùng bước trình ký và trả kết quả: "
             "03 ngày làm việc)."),
            (_RETURN, _RO, _R, None, 4, _RETURN_WORK),
        ],
    },
    "lao_dong_5d": {
        "name": "Quy trình tại Sở Nội vụ — 05 ngày làm việc",
        "steps": [
            ("Tiếp nhận hồ sơ, chuyển Sở Nội vụ", _RO, _R, None, 4, _RECEIVE_WORK),
            ("Thẩm định hồ sơ; dự thảo giấy xác nhận", _SP, _F, "H12.07.01", 20,
             "Chuyên viên Phòng Lao động — Việc làm kiểm tra trường hợp không thuộc diện cấp giấy phép lao động, "
             "dự thảo giấy xác nhận hoặc văn bản từ chối nêu rõ lý do."),
            ("Kiểm tra, trình ký", _HD, _F, "H12.07.01", 4, "Trưởng phòng kiểm tra dự thảo, trình Lãnh đạo Sở."),
            ("Ký giấy xác nhận", _SL, _C, None, 8, "Lãnh đạo Sở Nội vụ ký, đóng dấu."),
            (_RETURN, _RO, _R, None, 4, _RETURN_WORK),
        ],
    },
}
# fmt: on

# How each catalogue entry becomes a procedure of this province. "competent": "communes" (every UBND xã),
# "police" (every commune police) or a list of agency codes; "receiving": None (every centre, phi địa giới)
# or "commune_centres". Overrides replace catalogue text that is not user-facing Vietnamese, or facts from
# other provinces (land-fee exemptions of Lâm Đồng and Hải Phòng do not apply in Cà Mau).
PROCEDURE_SETUP: dict[str, dict[str, Any]] = {
    "1.001193": {"process": "ho_tich_1d"},
    "1.000656": {
        "process": "ho_tich_1d",
        "extensions": ["Trường hợp cần xác minh: Cổng DVCQG ghi tối đa 05 ngày làm việc."],
    },
    "1.000894": {"process": "ho_tich_1d"},
    "1.004873": {"process": "ho_tich_3d"},
    "1.004859": {"process": "ho_tich_3d"},
    "2.000635": {
        "process": "ho_tich_1d",
        "competent": ["communes", "H12.02"],
        "unit_processes": {"H12.02": "so_tu_phap_1d"},
        "notes": ["Sở Tư pháp là cơ quan có thẩm quyền thứ hai (cấp tỉnh) theo hồ sơ quốc gia."],
    },
    "1.004837": {"process": "ho_tich_3d"},
    "2.000815": {
        "process": "chung_thuc_trong_ngay",
        "receiving": "commune_centres",
        "fees": [
            {
                "label": "Phí chứng thực bản sao từ bản chính",
                "kind": FeeKind.PER_PAGE,
                "amount": 2000,
                "first_tier_units": 2,
                "amount_after": 1000,
                "cap": 200000,
                "unit_label": "trang",
                "basis": "TT 226/2016/TT-BTC",
            }
        ],
        "fee_note": (
            "Số trang tính theo trang của bản chính; tối đa 200.000 đồng/bản. Tại cơ quan đại diện của Việt Nam "
            "ở nước ngoài: 10 USD/bản (TT 264/2016/TT-BTC)."
        ),
    },
    "2.000884": {
        "process": "chung_thuc_trong_ngay",
        "receiving": "commune_centres",
        "fee_note": (
            "Một trường hợp là một hoặc nhiều chữ ký trong cùng một giấy tờ, văn bản. Tại cơ quan đại diện của "
            "Việt Nam ở nước ngoài: 10 USD/bản (TT 264/2016/TT-BTC)."
        ),
    },
    "2.001035": {"process": "chung_thuc_1d", "receiving": "commune_centres"},
    "2.000908": {
        "process": "ban_sao_so_goc_1d",
        "competent": ["communes", "H12.02"],
        "unit_processes": {"H12.02": "so_tu_phap_1d"},
        "competent_body": "Cơ quan, tổ chức đang quản lý sổ gốc (UBND cấp xã đối với sổ gốc do xã quản lý)",
        "notes": ["Sở Tư pháp được thêm làm cơ quan quản lý sổ gốc cấp tỉnh để minh họa."],
    },
    "1.001612": {
        "process": "ho_kinh_doanh_3d",
        "competent_body": (
            "Cơ quan đăng ký kinh doanh cấp xã (Phòng Kinh tế hoặc Phòng Kinh tế, Hạ tầng và Đô thị thuộc UBND "
            "cấp xã)"
        ),
        "fee_note": (
            "Mức thu do HĐND tỉnh quyết định; dữ liệu trình diễn chưa cập nhật mức thu của tỉnh Cà Mau. Nộp lệ "
            "phí khi nộp hồ sơ, không hoàn trả nếu bị từ chối; nộp tại quầy, chuyển khoản hoặc thanh toán trực "
            "tuyến trên Cổng DVCQG."
        ),
    },
    "2.000720": {"process": "ho_kinh_doanh_3d"},
    "1.013225": {"process": "gpxd_7d"},
    "1.013978": {
        "process": "dat_dai_20d",
        "component_names": {0: "Đơn đăng ký đất đai, tài sản gắn liền với đất (Mẫu số 15)"},
        "exemptions": [],
        "fee_note": (
            "Mức thu do HĐND tỉnh quyết định; dữ liệu trình diễn chưa cập nhật mức thu của tỉnh Cà Mau. Tiền sử "
            "dụng đất, lệ phí trước bạ và các nghĩa vụ tài chính khác theo thông báo của cơ quan thuế, ngoài phí, "
            "lệ phí của thủ tục."
        ),
        "notes": [
            "Thủ tục không có trong bản sao Cổng DVCQG; mã, thời hạn, thành phần lấy từ danh mục các tỉnh."
        ],
    },
    "1.001776": {"process": "bao_tro_10d"},
    "1.001731": {"process": "bao_tro_3d"},
    "1.001699": {"process": "khuyet_tat_25d"},
    "1.014027": {"process": "bao_tro_10d", "fee_labels": {0: "Không thu phí"}},
    "1.004222": {
        "process": "cu_tru_7d",
        "competent": ["police"],
        "component_names": {1: "Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp"},
        # One rule at the in-person rate: fee rules cannot yet differ by channel.
        "fees": [
            {
                "label": "Lệ phí đăng ký cư trú",
                "kind": FeeKind.FIXED,
                "amount": 20000,
                "basis": "TT 75/2022/TT-BTC",
            }
        ],
        "fee_note": "Nộp trực tiếp: 20.000 đồng; nộp trực tuyến: 10.000 đồng (TT 75/2022/TT-BTC).",
    },
    "3.000182": {
        "process": "tuyen_sinh_30d",
        "notes": [
            "Tuyển sinh theo kế hoạch hằng năm (công bố trước 31/3), không phải hồ sơ nộp thường xuyên."
        ],
    },
    "1.013791": {"process": "le_hoi_15d"},
    "1.001029": {"process": "karaoke_10d", "competent": ["H12.06"]},
    "1.014196": {
        "process": "lao_dong_5d",
        "competent": ["H12.07"],
        "competent_body": "Cơ quan có thẩm quyền cấp tỉnh (Sở Nội vụ)",
        "fee_note": "Chưa thu thập được mức phí, lệ phí của thủ tục (dữ liệu trình diễn).",
        "notes": ["Cấp thực hiện (tỉnh) và cơ quan thực hiện (Sở Nội vụ) là suy luận, cần kiểm tra lại."],
    },
}

LEVELS = {"xa": ProcedureLevel.COMMUNE, "tinh": ProcedureLevel.PROVINCE, "other": ProcedureLevel.OTHER}
TIME_UNITS = {
    "ngay_lam_viec": TimeUnit.WORKING_DAYS,
    "ngay": TimeUnit.CALENDAR_DAYS,
    "trong_ngay": TimeUnit.SAME_DAY,
    "gio_lam_viec": TimeUnit.WORKING_HOURS,
}
ONLINE_LEVELS = {"toan_trinh": OnlineLevel.END_TO_END, "mot_phan": OnlineLevel.PARTIAL}
# Vietnamese names of the confidence keys of catalogue.yaml, for the version's note.
CONFIDENCE_FIELDS = {
    "code": "mã thủ tục",
    "name": "tên thủ tục",
    "level": "cấp thực hiện",
    "processing_time": "thời hạn giải quyết",
    "case_mapping": "thời hạn theo từng trường hợp",
    "rule_1500": "quy tắc tiếp nhận sau 15 giờ",
    "fees": "phí, lệ phí",
    "components": "thành phần hồ sơ",
    "result": "kết quả",
    "channels": "cách thức thực hiện",
    "legal_basis": "căn cứ pháp lý",
    "xntthn_removal": "bỏ yêu cầu Giấy xác nhận tình trạng hôn nhân",
}
# Source and confidence marks such as "(S3)", "(M)" or "(S3, M)" belong to the research file, not the listing.
_SOURCE_MARK = re.compile(r"\s*\((?:(?:S\d+,?\s*)*[HML]?|via [^)]*)\)")


def _clean(text: str | None) -> str:
    return _SOURCE_MARK.sub("", text or "").strip()


def _walk(node: dict[str, Any], parent: dict[str, Any] | None = None):
    yield node, parent
    for child in node.get("children", ()):
        yield from _walk(child, node)


def _hours_fields(hours) -> dict[str, time | None]:
    (morning_start, morning_end), (afternoon_start, afternoon_end) = hours or ((None, None), (None, None))
    return {
        "morning_start": morning_start,
        "morning_end": morning_end,
        "afternoon_start": afternoon_start,
        "afternoon_end": afternoon_end,
    }


def _load_units(counts: dict[str, int]) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for node, parent in _walk(ORG_TREE):
        # get_or_create, not update_or_create: restarting the demo must not undo an administrator's edits.
        unit, created = Unit.objects.get_or_create(
            agency_code=node["code"],
            defaults={
                "parent": units[parent["code"]] if parent else None,
                "kind": node["kind"],
                "name": node["name"],
                "short_name": node.get("short_name", ""),
                "address": node.get("address", ""),
                **_hours_fields(node.get("hours")),
            },
        )
        counts["units"] += created
        units[node["code"]] = unit
        for number, name in node.get("counters", ()):
            _counter, created = Counter.objects.get_or_create(
                unit=unit, number=number, defaults={"name": name}
            )
            counts["counters"] += created
    return units


def _load_people(units: dict[str, Unit], counts: dict[str, int]) -> dict[str, User]:
    # One Argon2 hash for every demo account: hashing fifty times would take seconds, and the password is
    # published anyway, so a shared salt reveals nothing.
    password_hash = make_password(DEMO_PASSWORD)
    users: dict[str, User] = {}
    people = [(username, full_name) for username, full_name, *_rest in STAFF] + CITIZENS
    for username, full_name in people:
        if username in users:
            continue
        is_superuser = username in SUPERUSERS
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "password": password_hash,
                "is_staff": is_superuser,
                "is_superuser": is_superuser,
            },
        )
        counts["users"] += created
        users[username] = user
    for username, _full_name, unit_code, role, title in STAFF:
        _role, created = StaffRole.objects.get_or_create(
            user=users[username], unit=units[unit_code], role=role, defaults={"title": title}
        )
        counts["staff_roles"] += created
    return users


def _field_for(name: str, counts: dict[str, int]) -> Field:
    existing = Field.objects.filter(name=name).first()
    if existing is not None:
        return existing
    code = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")[:50].strip("-")
    field, created = Field.objects.get_or_create(code=code, defaults={"name": name})
    counts["fields"] += created
    return field


def _competent_units(spec: list[str], units: dict[str, Unit]) -> list[Unit]:
    codes: list[str] = []
    for item in spec:
        codes += {"communes": COMMUNE_CODES, "police": COMMUNE_POLICE_CODES}.get(item, [item])
    return [units[code] for code in codes]


def _paper(component: dict[str, Any]) -> tuple[str, int]:
    originals, copies = component.get("original") or 0, component.get("copy") or 0
    if originals:
        return PaperKind.ORIGINAL, originals
    if copies:
        name = component["name"].lower()
        certified = "chứng thực" in name or "công chứng" in name
        return (PaperKind.CERTIFIED_COPY if certified else PaperKind.COPY), copies
    # Quantity not stated in the catalogue: one original, as the listing needs a number.
    return PaperKind.ORIGINAL, 1


def _fee_rules(entry: dict[str, Any], setup: dict[str, Any]) -> list[dict[str, Any]]:
    if "fees" in setup:
        return setup["fees"]
    fees = entry.get("fees") or {}
    rules = []
    for index, item in enumerate(fees.get("items") or []):
        if "amount_vnd" not in item:
            continue  # fees in foreign currency are charged by overseas missions, not by the province
        label = setup.get("fee_labels", {}).get(index, _clean(item["label"]))
        rule = {
            "label": label,
            "kind": FeeKind.PER_UNIT if item.get("cap_vnd") else FeeKind.FIXED,
            "amount": item.get("amount_vnd"),
            "cap": item.get("cap_vnd"),
            "unit_label": item.get("unit") or "",
            "is_optional": "nếu yêu cầu" in label,
            "basis": _clean(str(item.get("basis") or fees.get("basis") or "")),
        }
        rules.append(rule)
    return rules


def _version_notes(entry: dict[str, Any], setup: dict[str, Any], *, online_guessed: bool) -> str:
    time_info = entry["processing_time"]
    notes = [
        "Dữ liệu trình diễn, nhập từ danh mục 24 thủ tục thật (Cổng DVCQG, bản ghi 2026); chưa phải danh mục "
        "do UBND tỉnh Cà Mau công bố.",
        "Thời gian từng bước của quy trình nội bộ là phân bổ minh họa.",
    ]
    if online_guessed:
        notes.append(
            "Mức độ dịch vụ công trực tuyến “Một phần” là giả định minh họa: hồ sơ gốc chỉ ghi có nộp trực "
            "tuyến, không ghi mức độ."
        )
    if time_info.get("same_day"):
        notes.append(
            "Giải quyết trong ngày (NĐ 23/2015/NĐ-CP); tiếp nhận sau 15 giờ thì trả trong ngày làm việc tiếp "
            "theo. Cổng DVCQG ghi 01 ngày làm việc."
        )
    cases = time_info.get("by_case") or []
    if cases:
        unit_labels = {key: str(TimeUnit(value).label) for key, value in TIME_UNITS.items()}
        parts = [
            f"{case['case']}: {case['value']} {unit_labels.get(case['unit'], case['unit'])}" for case in cases
        ]
        notes.append("Thời hạn theo trường hợp — " + "; ".join(parts) + ".")
    extensions = setup.get("extensions", time_info.get("extensions") or [])
    notes += [f"Gia hạn, xác minh: {_clean(text)}" for text in extensions]
    components = entry.get("components") or []
    if any(c.get("original") is None and c.get("copy") is None for c in components):
        notes.append("Số lượng bản của một số thành phần hồ sơ chưa xác định; ghi 01 bản chính để minh họa.")
    notes += setup.get("notes", [])
    confidence = entry.get("confidence") or {}
    doubtful = [
        f"{label} ({confidence[key]})"
        for key, label in CONFIDENCE_FIELDS.items()
        if confidence.get(key) in {"M", "L"}
    ]
    if doubtful:
        notes.append(
            "Độ tin cậy trung bình (M) hoặc thấp (L), cần đối chiếu danh mục của tỉnh: "
            + ", ".join(doubtful)
            + "."
        )
    return "\n".join(notes)


def _conditions(entry: dict[str, Any]) -> str:
    lines = list(entry.get("conditions") or [])
    if entry.get("eligibility"):
        lines.append("Đối tượng: " + "; ".join(entry["eligibility"]) + ".")
    lines += entry.get("process_rules") or []
    for key in ("refusal_rule", "legalisation_rule"):
        if entry.get(key):
            lines.append(entry[key])
    return "\n".join(_clean(line) for line in lines)


def _decision_reference(entry: dict[str, Any]) -> str:
    match = re.search(r";\s*(?:công bố tại\s*)?(QĐ .+)$", entry.get("ministry") or "")
    return match.group(1).strip()[:255] if match else ""


def _add_process(
    version: ProcedureVersion, key: str, units: dict[str, Unit], handling_unit: Unit | None
) -> None:
    template = PROCESS_TEMPLATES[key]
    name = template["name"]
    if handling_unit is not None:
        name += f" ({handling_unit.short_name or handling_unit.name})"
    process = ProcessDefinition.objects.create(
        version=version, handling_unit=handling_unit, name=f"{name} (phân bổ thời gian minh họa)"
    )
    ProcessStep.objects.bulk_create(
        ProcessStep(
            process=process,
            order=order,
            name=step_name,
            role=role,
            unit_mode=mode,
            unit=units[unit_code] if unit_code else None,
            budget_hours=Decimal(hours),
            description=work,
        )
        for order, (step_name, role, mode, unit_code, hours, work) in enumerate(template["steps"], start=1)
    )


def _load_procedure(
    entry: dict[str, Any], units: dict[str, Unit], author: User, counts: dict[str, int]
) -> None:
    code = entry["code"]
    setup = PROCEDURE_SETUP[code]
    procedure, _created = Procedure.objects.get_or_create(
        local_code=f"{code}.000.00.00.{PROVINCE_CODE}", defaults={"national_code": code}
    )
    if procedure.current_version_id is not None:
        counts["procedures_skipped"] += 1
        return
    # A draft left without a version in force can only come from an edit outside the loader; start over.
    ProcedureVersion.objects.filter(procedure=procedure, status=VersionStatus.DRAFT).delete()

    time_info = entry["processing_time"]
    time_unit = TIME_UNITS[time_info["unit"]]
    time_amount = Decimal(time_info["value"])
    channels = entry.get("channels") or {}
    online_level = ONLINE_LEVELS.get(channels.get("online_level") or "")
    online_guessed = online_level is None and bool(channels.get("online"))
    if online_level is None:
        online_level = OnlineLevel.PARTIAL if online_guessed else OnlineLevel.NONE
    fees = entry.get("fees") or {}
    fee_note = setup.get("fee_note", "")
    if not fee_note and fees.get("set_by_province"):
        fee_note = (
            "Mức thu do HĐND tỉnh quyết định; dữ liệu trình diễn chưa cập nhật mức thu của tỉnh Cà Mau."
        )

    last_number = procedure.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=last_number + 1,
        status=VersionStatus.DRAFT,
        name=entry["name"],
        short_name=entry.get("short_name", ""),
        field=_field_for(entry["field"], counts),
        level=LEVELS[entry["level"]],
        competent_body_text=setup.get("competent_body", _clean(entry.get("competent_body")))[:500],
        legal_time_amount=time_amount,
        legal_time_unit=time_unit,
        # No shorter local commitment is known for Cà Mau: the committed time is the legal time.
        committed_time_amount=time_amount,
        committed_time_unit=time_unit,
        online_level=online_level,
        eform_fields=demo_eform_fields(code) if online_level != OnlineLevel.NONE else [],
        is_counter_intake_allowed=channels.get("in_person") is not False,
        is_postal_intake_allowed=bool(channels.get("postal")),
        is_postal_return_allowed=bool(channels.get("postal")),
        fee_exemptions="\n".join(_clean(e) for e in setup.get("exemptions", fees.get("exemptions") or [])),
        fee_note=fee_note,
        results=_clean(entry.get("result")),
        conditions=_conditions(entry),
        legal_basis="\n".join(_clean(basis) for basis in entry.get("legal_basis") or []),
        decision_reference=_decision_reference(entry),
        change_note=_version_notes(entry, setup, online_guessed=online_guessed),
        created_by=author,
    )
    version.competent_units.set(_competent_units(setup.get("competent", ["communes"]), units))
    if setup.get("receiving") == "commune_centres":
        version.receiving_units.set([units[code] for code in COMMUNE_CENTRE_CODES])

    names = setup.get("component_names", {})
    ComponentRequirement.objects.bulk_create(
        ComponentRequirement(
            version=version,
            order=order,
            name=names.get(order - 1, _clean(component["name"])),
            paper_kind=paper_kind,
            quantity=quantity,
            is_required=bool(component.get("required")),
            condition=_clean(component.get("condition"))[:500],
            is_replaceable_by_state_data=bool(component.get("db_replaced")),
            replacement_note=_clean(component.get("db_replaced")),
        )
        for order, component in enumerate(entry.get("components") or [], start=1)
        for paper_kind, quantity in [_paper(component)]
    )
    FeeRule.objects.bulk_create(
        FeeRule(version=version, order=order, **{"unit_label": "", "is_optional": False, **rule})
        for order, rule in enumerate(_fee_rules(entry, setup), start=1)
    )
    _add_process(version, setup["process"], units, None)
    for unit_code, key in setup.get("unit_processes", {}).items():
        _add_process(version, key, units, units[unit_code])
    procedure_version_publish(version=version)
    counts["procedures"] += 1


def catalogue_entries() -> list[dict[str, Any]]:
    with CATALOGUE_PATH.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)["procedures"]


@transaction.atomic
def demo_load() -> dict[str, int]:
    """Create the demo province, its staff and its catalogue; return how many rows of each kind were created.

    Idempotent: what exists (by agency code, username, local procedure code) is kept, so a second run
    creates nothing."""
    counts = dict.fromkeys(
        ("units", "counters", "users", "staff_roles", "fields", "procedures", "procedures_skipped"), 0
    )
    units = _load_units(counts)
    users = _load_people(units, counts)
    for entry in catalogue_entries():
        _load_procedure(entry, units, users["admin"], counts)
    return counts


def demo_accounts() -> list[dict[str, str]]:
    """The demo accounts with their roles and units, as `motcua demo` prints them."""
    rows = []
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_ACCOUNTS)}
    for username in DEMO_ACCOUNTS:
        user = users.get(username)
        if user is None:
            continue
        roles = list(StaffRole.objects.filter(user=user).select_related("unit").order_by("id"))
        if roles:
            role_text = ", ".join(str(Role(r.role).label) for r in roles)
            unit_text = ", ".join(r.unit.name for r in roles)
        else:
            role_text, unit_text = "Công dân", "—"
        if user.is_superuser:
            role_text += " (siêu quản trị)"
        rows.append({"username": username, "full_name": user.full_name, "role": role_text, "unit": unit_text})
    return rows
