import pytest

from motcua.accounts.enums import IdentifierKind
from motcua.accounts.identifiers import id_number_normalize, identifier_parse, phone_normalize
from motcua.core.exceptions import ValidationFailed


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "0912345678"),
        ("091 234 5678", "0912345678"),
        ("091.234.5678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0212345678", None),  # not a mobile number: no SMS can reach it
        ("091234567", None),
        ("", None),
    ],
)
def test_phone_numbers_have_one_canonical_form(raw, expected):
    assert phone_normalize(raw) == expected


def test_an_identifier_is_a_phone_or_an_address():
    assert identifier_parse(" Ten.Ho@Example.VN ") == identifier_parse("ten.ho@example.vn")
    assert identifier_parse("ten.ho@example.vn").kind == IdentifierKind.EMAIL
    assert identifier_parse("+84 912 345 678").value == "0912345678"
    assert identifier_parse("0912345678").masked == "091••••678"
    assert identifier_parse("hoa@example.vn").masked == "h•••@example.vn"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Nhập số điện thoại di động hoặc địa chỉ thư điện tử."),
        ("hoa@", "Địa chỉ thư điện tử không đúng định dạng, ví dụ: ten@example.vn."),
        ("12345", "Số điện thoại di động gồm 10 chữ số"),
    ],
)
def test_a_bad_identifier_says_what_to_fix(raw, message):
    with pytest.raises(ValidationFailed) as error:
        identifier_parse(raw)
    assert error.value.message.startswith(message)
    assert error.value.details == {"identifier": [error.value.message]}


def test_id_numbers_have_twelve_digits():
    assert id_number_normalize(" 001099 012345 ") == "001099012345"
    assert id_number_normalize("00109901234") is None
    assert id_number_normalize("00109901234X") is None
