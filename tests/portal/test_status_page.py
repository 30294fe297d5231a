from datetime import datetime

import pytest
import time_machine

from motcua.dossiers.services import dossier_intake
from motcua.workcal.calendar import LOCAL_TZ
from tests.factories import dossier_world, intake_data

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=LOCAL_TZ)


@pytest.fixture
def dossier():
    with time_machine.travel(NOW, tick=False):
        w = dossier_world()
        return dossier_intake(data=intake_data(w), actor=w.receiver)


def test_status_page_shows_progress_with_initials_only(client, dossier):
    page = client.get("/tra-cuu/", {"ma": dossier.code})
    assert page.status_code == 200
    assert f'value="{dossier.code}"' in page.content.decode()
    result = client.post("/tra-cuu/", {"ma": dossier.code, "so": "5678"})
    body = result.content.decode()
    assert result.status_code == 200
    assert "N. T. H." in body
    assert "Nguyễn Thị Hoa" not in body
    assert "Đã tiếp nhận" in body
    assert "08:00 05/03/2026" in body  # due date
    assert "Tiếp nhận hồ sơ" in body


def test_wrong_phone_and_unknown_code_get_the_same_answer(client, dossier):
    wrong = client.post("/tra-cuu/", {"ma": dossier.code, "so": "0000"})
    unknown = client.post("/tra-cuu/", {"ma": "H12.99-260302-0099", "so": "5678"})
    assert wrong.status_code == unknown.status_code == 404
    message = "Không tìm thấy hồ sơ với mã và số điện thoại đã nhập."
    assert message in wrong.content.decode() and message in unknown.content.decode()
    assert "Nguyễn" not in wrong.content.decode()


def test_bad_input_is_explained(client):
    response = client.post("/tra-cuu/", {"ma": "", "so": "12a"})
    body = response.content.decode()
    assert "Nhập mã hồ sơ" in body
    assert "4 chữ số cuối" in body
    assert 'href="#ma"' in body


def test_lookups_are_rate_limited(client, dossier, settings):
    settings.MOTCUA_STATUS_RATE_PER_MINUTE = 3
    # Frozen clock: the limit counts per minute, and a run straddling a minute would start a new window.
    with time_machine.travel(NOW, tick=False):
        codes = [client.post("/tra-cuu/", {"ma": dossier.code, "so": "5678"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_vietnamese_first_whatever_the_browser_asks(client):
    page = client.get("/thu-tuc/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page["Content-Language"] == "vi"
    client.post("/i18n/setlang/", {"language": "en", "next": "/thu-tuc/"})
    assert client.get("/thu-tuc/")["Content-Language"] == "en"


def test_status_page_reads_the_dossier_and_its_result_in_two_queries(
    client, dossier, django_assert_num_queries
):
    # One read of the dossier with its steps, one for an electronic result: an anonymous visitor costs no
    # session or user query, and the province in the header comes from the cache once a page has read it.
    # More queries here mean the lookup slid back to the ORM's per-relation reads.
    client.get("/tra-cuu/")
    with django_assert_num_queries(2):
        page = client.post("/tra-cuu/", {"ma": dossier.code, "so": "5678"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân" in body
    assert (
        "Trung tâm Phục vụ hành chính công tỉnh Cà Mau" in body
    )  # where it was received, and the step's unit
    assert "08:00 02/03/2026" in body
    assert "Đang thực hiện" in body
    with django_assert_num_queries(1):
        wrong = client.post("/tra-cuu/", {"ma": dossier.code, "so": "0000"})
    assert wrong.status_code == 404
