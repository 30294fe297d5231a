"""The e-form definitions and their one validator."""

import pytest

from motcua.catalog.eform import (
    eform_definition_problems,
    eform_display_value,
    eform_django_form,
    eform_pages,
    eform_validate,
)
from motcua.demo.eforms import EFORMS, GENERIC
from tests.online.conftest import EFORM


def test_required_answers_and_types_are_checked_with_plain_messages():
    cleaned, errors = eform_validate(
        EFORM, {"tinh_trang": "Góa", "muc_dich": "  ", "so_ban": "1,5", "cam_doan": ""}
    )
    assert cleaned == {"tinh_trang": "Góa", "so_ban": 1.5}
    assert errors == {
        "muc_dich": "Nhập mục đích sử dụng giấy xác nhận.",
        "cam_doan": "Đánh dấu vào ô “Tôi cam đoan nội dung khai là đúng sự thật” để tiếp tục.",
    }


def test_a_partial_save_checks_only_what_was_given():
    cleaned, errors = eform_validate(EFORM, {"ngay_can": "01.04.2026"}, partial=True)
    assert (cleaned, errors) == ({"ngay_can": "2026-04-01"}, {})
    cleaned, errors = eform_validate(EFORM, {"so_ban": "0"}, partial=True)
    assert errors == {"so_ban": "Số bản cần cấp phải từ 1 trở lên."}


@pytest.mark.parametrize(
    ("definition", "raw", "expected"),
    [
        ({"type": "phone"}, "0912 345 678", ("0912345678", None)),
        ({"type": "phone"}, "12345", (None, "Điện thoại phải có 9 đến 12 chữ số, ví dụ 0912 345 678.")),
        ({"type": "email"}, "ten@example.vn", ("ten@example.vn", None)),
        ({"type": "email"}, "ten@", (None, "Nhập địa chỉ thư điện tử đúng dạng, ví dụ ten@example.vn.")),
        ({"type": "number"}, "1.500.000", (1500000, None)),
        ({"type": "text", "max_length": 3}, "abcd", (None, "Điện thoại không được dài quá 3 ký tự.")),
        ({"type": "select", "choices": [["a", "Một"], ["b", "Hai"]]}, "b", ("b", None)),
        ({"type": "date"}, "2026-02-30", (None, "Điện thoại phải là một ngày có thật, ví dụ 25/03/1990.")),
    ],
)
def test_each_type(definition, raw, expected):
    field = {"name": "x", "label": "Điện thoại", **definition}
    cleaned, errors = eform_validate([field], {"x": raw})
    assert (cleaned.get("x"), errors.get("x")) == expected


def test_pages_follow_groups_and_answers_read_back():
    pages = eform_pages(EFORM)
    assert [(page.number, page.title, len(page.fields)) for page in pages] == [
        (1, "Tình trạng hôn nhân", 2),
        (2, "Mục đích sử dụng", 3),
        (3, "Cam đoan", 1),
    ]
    assert eform_display_value(EFORM[3], "2026-03-25") == "25/03/2026"
    assert eform_display_value(EFORM[5], True) == "Có"


def test_the_django_form_hands_validation_to_the_validator():
    form_class = eform_django_form(EFORM[:2])
    form = form_class(data={"tinh_trang": "Đang kết hôn", "vo_chong_cu": ""})
    assert not form.is_valid()
    assert form.errors["tinh_trang"] == ["Chọn tình trạng hôn nhân hiện tại trong danh sách."]
    form = form_class(data={"tinh_trang": "Góa", "vo_chong_cu": ""})
    assert form.is_valid()
    assert form.answers == {"tinh_trang": "Góa", "vo_chong_cu": ""}


def test_definitions_are_checked_and_the_demo_ones_are_sound():
    assert eform_definition_problems(
        [{"name": "Bad Name", "label": ""}, {"name": "a", "type": "select", "label": "A"}]
    ) == [
        "Trường thứ 1: tên “Bad Name” chỉ gồm chữ thường không dấu, số và dấu gạch dưới.",
        "Trường “Bad Name” chưa có nhãn (câu hỏi).",
        "Trường “a” là danh sách chọn nhưng chưa có lựa chọn.",
    ]
    for code, fields in [*EFORMS.items(), ("generic", GENERIC)]:
        assert eform_definition_problems(fields) == [], code
