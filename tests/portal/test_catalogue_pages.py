"""The public catalogue (niêm yết công khai), login/logout and the English switch."""

from datetime import date

import pytest
from django.template import loader
from django.utils import translation

from motcua.catalog.enums import FeeKind, OnlineLevel, PaperKind, ProcedureLevel, VersionStatus
from motcua.catalog.services import (
    procedure_version_abolish,
    procedure_version_create_draft,
    procedure_version_publish,
)
from tests.factories import (
    PASSWORD,
    ComponentRequirementFactory,
    FeeRuleFactory,
    FieldFactory,
    UserFactory,
    published_procedure,
)


def listed_codes(response) -> list[str]:
    return [version.procedure.national_code for version in response.context["page_obj"]]


# Search


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["dang ky khai sinh", "đăng ký khai sinh", "ĐĂNG KÝ KHAI SINH", "khai   sinh"]
)
def test_search_finds_with_and_without_diacritics(client, query):
    published_procedure(national_code="1.001193", name="Thủ tục đăng ký khai sinh")
    published_procedure(national_code="1.000894", name="Thủ tục đăng ký kết hôn")

    response = client.get("/thu-tuc/", {"q": query})

    assert response.status_code == 200
    assert listed_codes(response) == ["1.001193"]
    assert "Thủ tục đăng ký khai sinh" in response.content.decode()


@pytest.mark.django_db
def test_search_by_procedure_code(client):
    published_procedure(national_code="1.001193", name="Thủ tục đăng ký khai sinh")
    published_procedure(national_code="1.000894", name="Thủ tục đăng ký kết hôn")

    response = client.get("/thu-tuc/", {"q": "1.000894"})

    assert listed_codes(response) == ["1.000894"]


@pytest.mark.django_db
def test_list_without_search_shows_every_procedure_in_force_with_count(client):
    published_procedure(national_code="1.001193", name="Thủ tục đăng ký khai sinh")
    published_procedure(national_code="1.000894", name="Thủ tục đăng ký kết hôn")

    response = client.get("/thu-tuc/")

    assert sorted(listed_codes(response)) == ["1.000894", "1.001193"]
    assert "Có 2 thủ tục" in response.content.decode()


@pytest.mark.django_db
def test_empty_result_gives_helpful_vietnamese_message(client):
    published_procedure(name="Thủ tục đăng ký khai sinh")

    response = client.get("/thu-tuc/", {"q": "cap phep xay dung", "level": ProcedureLevel.COMMUNE})

    page = response.content.decode()
    assert response.status_code == 200
    assert listed_codes(response) == []
    assert "Không tìm thấy thủ tục nào phù hợp" in page
    assert "bỏ bớt bộ lọc" in page
    assert "xem toàn bộ danh mục thủ tục" in page


# Filters


@pytest.mark.django_db
def test_filter_by_field(client):
    published_procedure(national_code="1.001193", name="Thủ tục đăng ký khai sinh")
    published_procedure(
        national_code="2.000815",
        name="Thủ tục chứng thực bản sao từ bản chính",
        field=FieldFactory(code="CHUNGTHUC", name="Chứng thực"),
    )

    response = client.get("/thu-tuc/", {"field": "CHUNGTHUC"})

    assert listed_codes(response) == ["2.000815"]
    assert '<option value="CHUNGTHUC" selected>Chứng thực</option>' in response.content.decode()


@pytest.mark.django_db
def test_filter_by_level(client):
    published_procedure(national_code="1.001193", level=ProcedureLevel.COMMUNE)
    published_procedure(national_code="1.004222", level=ProcedureLevel.PROVINCE)

    assert listed_codes(client.get("/thu-tuc/", {"level": ProcedureLevel.PROVINCE})) == ["1.004222"]
    assert listed_codes(client.get("/thu-tuc/", {"level": ProcedureLevel.COMMUNE})) == ["1.001193"]


@pytest.mark.django_db
def test_filter_by_online_level(client):
    published_procedure(national_code="1.001193", online_level=OnlineLevel.END_TO_END)
    published_procedure(national_code="1.000894", online_level=OnlineLevel.PARTIAL)
    published_procedure(national_code="1.004222", online_level=OnlineLevel.NONE)

    assert listed_codes(client.get("/thu-tuc/", {"online_level": OnlineLevel.END_TO_END})) == ["1.001193"]
    assert listed_codes(client.get("/thu-tuc/", {"online_level": OnlineLevel.NONE})) == ["1.004222"]


@pytest.mark.django_db
def test_filter_by_postal(client):
    published_procedure(national_code="1.001193", is_postal_intake_allowed=True)
    published_procedure(national_code="1.000894", is_postal_return_allowed=True)
    published_procedure(national_code="1.004222")

    assert sorted(listed_codes(client.get("/thu-tuc/", {"postal": "yes"}))) == ["1.000894", "1.001193"]
    assert listed_codes(client.get("/thu-tuc/", {"postal": "no"})) == ["1.004222"]


@pytest.mark.django_db
def test_unknown_filter_values_are_ignored(client):
    published_procedure(national_code="1.001193")

    response = client.get("/thu-tuc/", {"level": "galaxy", "postal": "maybe", "field": "NOPE"})

    assert response.status_code == 200
    assert listed_codes(response) == ["1.001193"]


@pytest.mark.django_db
def test_field_filter_lists_only_fields_with_procedures_in_force(client):
    published_procedure(national_code="1.001193")
    FieldFactory(code="DATDAI", name="Đất đai")

    page = client.get("/thu-tuc/").content.decode()

    assert '<option value="HOTICH">Hộ tịch</option>' in page
    assert "Đất đai" not in page


# Pagination


@pytest.mark.django_db
def test_pagination_twenty_per_page_and_page_links_keep_filters(client):
    for n in range(21):
        published_procedure(national_code=f"1.{100100 + n}", name=f"Thủ tục đăng ký hộ tịch số {n}")
    published_procedure(
        national_code="2.000815",
        name="Thủ tục chứng thực",
        field=FieldFactory(code="CHUNGTHUC", name="Chứng thực"),
    )

    first = client.get("/thu-tuc/", {"q": "ho tich", "field": "HOTICH"})
    second = client.get("/thu-tuc/", {"q": "ho tich", "field": "HOTICH", "page": 2})

    assert len(listed_codes(first)) == 20
    assert listed_codes(second) == ["1.100120"]
    assert 'href="?q=ho+tich&amp;field=HOTICH&amp;page=2"' in first.content.decode()
    assert 'href="?q=ho+tich&amp;field=HOTICH&amp;page=1"' in second.content.decode()
    assert 'aria-current="page">2</a>' in second.content.decode()


@pytest.mark.django_db
def test_page_number_out_of_range_shows_last_page(client):
    published_procedure(national_code="1.001193")

    response = client.get("/thu-tuc/", {"page": 99})

    assert response.status_code == 200
    assert listed_codes(response) == ["1.001193"]


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_results(client, django_assert_max_num_queries):
    for n in range(20):
        published_procedure(national_code=f"1.{100100 + n}")

    # Field choices, count, one page of rows with procedure and field, the province name.
    with django_assert_max_num_queries(4):
        response = client.get("/thu-tuc/")
    assert len(listed_codes(response)) == 20


# Versions


@pytest.mark.django_db
def test_replaced_version_is_not_listed_but_the_new_one_is(client):
    old = published_procedure(national_code="1.001193", name="Thủ tục đăng ký khai sinh")
    draft = procedure_version_create_draft(version=old)
    draft.name = "Thủ tục đăng ký khai sinh (sửa đổi)"
    draft.save()
    procedure_version_publish(version=draft, effective_from=date(2026, 7, 1))

    response = client.get("/thu-tuc/", {"q": "khai sinh"})
    detail = client.get("/thu-tuc/1.001193/").content.decode()

    versions = list(response.context["page_obj"])
    assert [(v.name, v.number) for v in versions] == [("Thủ tục đăng ký khai sinh (sửa đổi)", 2)]
    assert "Thủ tục đăng ký khai sinh (sửa đổi)" in detail
    assert "Phiên bản 2, có hiệu lực từ ngày 01/07/2026" in detail


@pytest.mark.django_db
def test_abolished_procedure_is_not_listed_and_its_page_says_so(client):
    version = published_procedure(national_code="1.001193")
    procedure_version_abolish(version=version)

    assert listed_codes(client.get("/thu-tuc/")) == []
    page = client.get("/thu-tuc/1.001193/").content.decode()
    assert "Thủ tục này đã bị bãi bỏ từ ngày" in page


# Procedure page


@pytest.fixture
def birth_registration():
    version = published_procedure(
        national_code="1.001193",
        name="Thủ tục đăng ký khai sinh",
        legal_basis="Luật Hộ tịch số 60/2014/QH13.\nNghị định số 123/2015/NĐ-CP.",
        results="Giấy khai sinh (bản chính).",
        fee_exemptions="Đăng ký khai sinh đúng hạn được miễn lệ phí.",
        is_postal_return_allowed=True,
    )
    ComponentRequirementFactory(
        version=version,
        order=2,
        name="Giấy chứng sinh",
        paper_kind=PaperKind.CERTIFIED_COPY,
        quantity=1,
        is_replaceable_by_state_data=True,
        replacement_note="Khai thác từ cơ sở dữ liệu y tế",
    )
    ComponentRequirementFactory(
        version=version,
        order=3,
        name="Văn bản ủy quyền",
        is_required=False,
        condition="Khi nộp hồ sơ thay người khác",
    )
    FeeRuleFactory(
        version=version,
        order=2,
        label="Phí chứng thực bản sao",
        kind=FeeKind.PER_PAGE,
        amount=2000,
        first_tier_units=2,
        amount_after=1000,
        cap=200000,
    )
    FeeRuleFactory(version=version, order=3, label="Lệ phí cấp bản sao trích lục", amount=None)
    FeeRuleFactory(version=version, order=4, label="Phí cấp bản sao", amount=8000, unit_label="bản")
    return version


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["1.001193", "1.001193.000.00.00.H12"])
def test_procedure_page_by_national_and_local_code(client, birth_registration, code):
    response = client.get(f"/thu-tuc/{code}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert '<h1 lang="vi">Thủ tục đăng ký khai sinh</h1>' in page
    assert "1.001193.000.00.00.H12" in page
    assert "3 ngày làm việc" in page


@pytest.mark.django_db
def test_procedure_page_shows_components(client, birth_registration):
    page = client.get("/thu-tuc/1.001193/").content.decode()

    assert "Tờ khai đăng ký khai sinh" in page
    assert "Giấy chứng sinh" in page
    assert "Bản sao có chứng thực" in page
    assert "Khai thác từ cơ sở dữ liệu y tế" in page
    assert "Không bắt buộc" in page
    assert "Khi nộp hồ sơ thay người khác" in page


@pytest.mark.django_db
def test_procedure_page_shows_fees_in_words(client, birth_registration):
    page = client.get("/thu-tuc/1.001193/").content.decode()

    assert "2.000 đồng/trang (trang 1–2), 1.000 đồng/trang từ trang 3, tối đa 200.000 đồng/bản" in page
    assert "Theo Nghị quyết của HĐND tỉnh (chưa cập nhật)" in page
    assert "8.000 đồng/bản" in page
    assert "Không thu" in page
    assert "Đăng ký khai sinh đúng hạn được miễn lệ phí." in page


@pytest.mark.django_db
def test_procedure_page_shows_steps_legal_basis_and_results(client, birth_registration):
    page = client.get("/thu-tuc/1.001193/").content.decode()

    for step in ("Tiếp nhận", "Thẩm định", "Ký duyệt"):
        assert f'<td class="table__lead" lang="vi">{step}</td>' in page
    assert "Cán bộ tiếp nhận" in page
    assert "Lãnh đạo cơ quan (ký duyệt)" in page
    assert "16 giờ làm việc (2 ngày làm việc)" in page
    assert "24 giờ làm việc (3 ngày làm việc)" in page
    assert "Luật Hộ tịch số 60/2014/QH13.<br>Nghị định số 123/2015/NĐ-CP." in page
    assert "Giấy khai sinh (bản chính)." in page
    assert "In trang này" in page


@pytest.mark.django_db
def test_unknown_code_is_404_in_vietnamese(client):
    response = client.get("/thu-tuc/9.999999/")

    page = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="vi">' in page
    assert "Không tìm thấy thủ tục" in page
    assert "Không có thủ tục hành chính nào có mã “9.999999”." in page


@pytest.mark.django_db
def test_draft_only_procedure_is_404(client):
    from tests.factories import ProcedureVersionFactory

    ProcedureVersionFactory(procedure__national_code="1.999001", status=VersionStatus.DRAFT)

    assert client.get("/thu-tuc/1.999001/").status_code == 404


@pytest.mark.django_db
def test_unknown_page_uses_vietnamese_404(client):
    response = client.get("/khong-co-trang-nay/")

    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_500_template_renders_without_request():
    with translation.override("vi"):
        html = loader.get_template("500.html").render()

    assert "Hệ thống đang gặp sự cố" in html


# Login and logout


@pytest.mark.django_db
def test_login_page_renders(client):
    response = client.get("/dang-nhap/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Tên đăng nhập" in page
    assert "Mật khẩu" in page


@pytest.mark.django_db
def test_login_success_redirects_and_shows_user_name(client):
    UserFactory(username="canbo1", full_name="Trần Thị Bình")

    response = client.post("/dang-nhap/", {"username": "canbo1", "password": PASSWORD, "next": "/thu-tuc/"})

    assert response.status_code == 302
    assert response["Location"] == "/thu-tuc/"
    page = client.get("/thu-tuc/").content.decode()
    assert "Trần Thị Bình" in page
    assert "Đăng xuất" in page


@pytest.mark.django_db
def test_login_failure_shows_vietnamese_error(client):
    UserFactory(username="canbo1")

    response = client.post("/dang-nhap/", {"username": "canbo1", "password": "sai-mat-khau"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in page
    assert "Có lỗi cần sửa" in page
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_login_with_empty_fields_names_each_field(client):
    response = client.post("/dang-nhap/", {"username": "", "password": ""})

    page = response.content.decode()
    assert '<a href="#id_username">Nhập tên đăng nhập</a>' in page
    assert '<a href="#id_password">Nhập mật khẩu</a>' in page


@pytest.mark.django_db
def test_login_ignores_next_to_another_site(client):
    UserFactory(username="canbo1")

    response = client.post(
        "/dang-nhap/", {"username": "canbo1", "password": PASSWORD, "next": "https://example.com/"}
    )

    assert response["Location"] == "/"


@pytest.mark.django_db
def test_logout_by_post(client):
    user = UserFactory()
    client.force_login(user)

    confirm = client.get("/dang-xuat/")
    response = client.post("/dang-xuat/")

    assert confirm.status_code == 200
    assert "_auth_user_id" in confirm.wsgi_request.session
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert "Bạn đã đăng xuất." in client.get(response["Location"], follow=True).content.decode()


# Language


@pytest.mark.django_db
def test_vietnamese_is_the_default(client):
    page = client.get("/thu-tuc/").content.decode()

    assert '<html lang="vi">' in page
    assert "Thủ tục hành chính" in page


@pytest.mark.django_db
def test_english_switch(client):
    published_procedure(national_code="1.001193", name="Thủ tục đăng ký khai sinh")

    switch = client.post("/i18n/setlang/", {"language": "en", "next": "/thu-tuc/"})
    listing = client.get("/thu-tuc/").content.decode()
    detail = client.get("/thu-tuc/1.001193/").content.decode()

    assert switch.status_code == 302
    assert switch["Location"] == "/thu-tuc/"
    assert '<html lang="en">' in listing
    assert "Administrative procedures" in listing
    assert "1 procedure" in listing
    assert "Commune level" in listing
    assert "3 working days" in listing
    assert "Documents to submit" in detail
    assert "Processing steps" in detail
    assert "16 working hours (2 working days)" in detail
    # Procedure data is published in Vietnamese only.
    assert "Thủ tục đăng ký khai sinh" in detail


@pytest.mark.django_db
def test_procedure_page_query_count(client, birth_registration, django_assert_max_num_queries):
    # Procedure, version, then one query per prefetched relation and the province name.
    with django_assert_max_num_queries(10):
        response = client.get("/thu-tuc/1.001193/")
    assert response.status_code == 200


@pytest.mark.django_db
def test_home_page_has_the_search_box(client):
    page = client.get("/").content.decode()

    assert '<form method="get" action="/thu-tuc/" role="search"' in page
    assert 'name="q"' in page
