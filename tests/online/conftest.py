from datetime import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.workcal.calendar import LOCAL_TZ
from tests.factories import dossier_world

# Monday 2 March 2026, 09:00: a working day, well before the 15:00 cut-off.
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL_TZ)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"1 0 obj\n<<>>\nendobj\n" * 4 + b"%%EOF\n"

EFORM = [
    {
        "name": "tinh_trang",
        "label": "Tình trạng hôn nhân hiện tại",
        "type": "select",
        "choices": ["Chưa kết hôn", "Đã ly hôn", "Góa"],
        "required": True,
        "group": "Tình trạng hôn nhân",
    },
    {
        "name": "vo_chong_cu",
        "label": "Họ tên vợ hoặc chồng trước đây",
        "type": "text",
        "group": "Tình trạng hôn nhân",
    },
    {
        "name": "muc_dich",
        "label": "Mục đích sử dụng giấy xác nhận",
        "type": "textarea",
        "required": True,
        "group": "Mục đích sử dụng",
    },
    {"name": "ngay_can", "label": "Ngày cần dùng", "type": "date", "group": "Mục đích sử dụng"},
    {
        "name": "so_ban",
        "label": "Số bản cần cấp",
        "type": "number",
        "min": 1,
        "max": 10,
        "group": "Mục đích sử dụng",
    },
    {
        "name": "cam_doan",
        "label": "Tôi cam đoan nội dung khai là đúng sự thật",
        "type": "checkbox",
        "required": True,
        "group": "Cam đoan",
    },
]
ANSWERS = {"tinh_trang": "Chưa kết hôn", "muc_dich": "Đăng ký kết hôn", "cam_doan": True}


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL_TZ)


def png(name: str = "scan.png", content: bytes = PNG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "image/png")


def pdf(name: str = "scan.pdf", extra: bytes = b"") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF + extra, "application/pdf")


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def w(db, clock):
    world = dossier_world()
    world.version.eform_fields = EFORM
    world.version.save(update_fields=["eform_fields"])
    world.citizen.full_name = "Trần Thị Mai"
    world.citizen.phone = "0987654321"
    world.citizen.save()
    world.components = list(world.version.components.order_by("order"))
    return world
