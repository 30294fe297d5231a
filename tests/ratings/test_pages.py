"""The three ways to rate over HTTP: online from the citizen's account, the QR code on the receipt, and the
counter tablet in kiosk mode."""

import re
from datetime import timedelta

import pytest
import time_machine

from motcua.ratings.models import Rating
from motcua.ratings.tokens import rating_qr_token
from tests.factories import dossier_world

from .helpers import at, received, returned

pytestmark = pytest.mark.django_db
NOW = at(2026, 3, 20, 10, 0)
NOT_FOUND = "Không tìm thấy hồ sơ với mã và số điện thoại đã nhập."


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def w(clock):
    return dossier_world()


def html(response) -> str:
    return response.content.decode()


# --- online ---------------------------------------------------------------------------------------------------
def test_online_rating_from_the_citizens_account(client, w):
    dossier = returned(w, when=at(2026, 3, 2, 8, 0), owner=w.citizen)
    url = f"/danh-gia/{dossier.code}/"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/dang-nhap/?next=")

    client.force_login(w.citizen)
    page = client.get(url)
    assert page.status_code == 200
    assert "Đánh giá mức độ hài lòng" in html(page) and dossier.code in html(page)
    assert 'name="overall" value="very_satisfied"' in html(page)

    missing = client.post(url, {"staff_attitude": "courteous"})
    assert missing.status_code == 422
    assert '<a href="#id_overall_0">Chọn mức độ hài lòng chung của bạn.</a>' in html(missing)
    # The answer already given is kept on the page shown again.
    assert re.search(r'value="courteous"\s+checked', html(missing))
    assert not Rating.objects.exists()

    done = client.post(url, {"overall": "satisfied", "staff_attitude": "courteous", "comment": "Nhanh"})
    assert (done.status_code, done["Location"]) == (302, url)
    rating = Rating.objects.get()
    assert (rating.overall, rating.channel, rating.rated_by, rating.comment) == (
        "satisfied",
        "online",
        w.citizen,
        "Nhanh",
    )
    confirmation = client.get(url)
    assert confirmation.status_code == 200
    assert "Đã ghi nhận đánh giá" in html(confirmation) and dossier.code in html(confirmation)

    again = client.post(url, {"overall": "not_satisfied"})
    assert again.status_code == 409
    assert "Mỗi hồ sơ chỉ được đánh giá một lần." in html(again)
    assert Rating.objects.get().overall == "satisfied"


def test_online_rating_only_for_ones_own_returned_dossiers(client, w):
    mine_in_progress = received(w, when=at(2026, 3, 2, 8, 0), owner=w.citizen)
    someone_elses = returned(w, when=at(2026, 3, 3, 8, 0), owner=w.other_citizen)
    client.force_login(w.citizen)
    too_early = client.post(f"/danh-gia/{mine_in_progress.code}/", {"overall": "satisfied"})
    assert too_early.status_code == 409
    assert "Hồ sơ chưa trả kết quả." in html(too_early)
    foreign = client.post(f"/danh-gia/{someone_elses.code}/", {"overall": "not_satisfied"})
    assert foreign.status_code == 404
    assert not Rating.objects.exists()


# --- QR code --------------------------------------------------------------------------------------------------
def test_rating_through_the_qr_code_without_logging_in(client, w):
    dossier = returned(w, when=at(2026, 3, 2, 8, 0))
    url = f"/danh-gia/qr/{rating_qr_token(dossier=dossier)}/"
    page = client.get(url)
    assert page.status_code == 200
    # Whoever holds the paper sees the initials, never the name or the phone.
    assert "N. T. H." in html(page)
    assert "Nguyễn Thị Hoa" not in html(page) and "0912345678" not in html(page)
    response = client.post(url, {"overall": "very_satisfied", "time_versus_limit": "earlier"})
    assert (response.status_code, response["Location"]) == (302, url)
    rating = Rating.objects.get()
    assert (rating.channel, rating.overall, rating.time_versus_limit, rating.rated_by) == (
        "qr",
        "very_satisfied",
        "earlier",
        None,
    )


def test_a_tampered_qr_token_is_refused(client, w):
    dossier = returned(w, when=at(2026, 3, 2, 8, 0))
    other = returned(w, when=at(2026, 3, 3, 8, 0))
    token = rating_qr_token(dossier=dossier)
    payload, rest = token.split(":", 1)
    forged_payload = rating_qr_token(dossier=other).split(":", 1)[0]
    last = "A" if token[-1] != "A" else "B"
    for forged in (f"{forged_payload}:{rest}", token[:-1] + last, "abc", token.replace(":", ":x", 1)):
        page = client.get(f"/danh-gia/qr/{forged}/")
        assert page.status_code == 404, forged
        assert "Mã QR đánh giá không hợp lệ." in html(page)
        assert client.post(f"/danh-gia/qr/{forged}/", {"overall": "not_satisfied"}).status_code == 404
    assert not Rating.objects.exists()


# --- counter tablet -------------------------------------------------------------------------------------------
KIOSK = "/danh-gia/quay/H12.99/"


def test_kiosk_rating_from_code_and_phone_digits_back_to_the_start(client, w):
    dossier = returned(w, when=at(2026, 3, 2, 8, 0))
    start = client.get(KIOSK)
    assert start.status_code == 200
    assert "Trung tâm Phục vụ hành chính công tỉnh Cà Mau" in html(start)
    assert "nav" not in html(start)  # kiosk mode: nothing to wander off to

    found = client.post(KIOSK, {"ma": dossier.code.lower(), "so": "5678"})
    assert found.status_code == 200
    page = html(found)
    assert "N. T. H." in page and "Nguyễn Thị Hoa" not in page and "0912345678" not in page
    token = re.search(r'name="phien" value="([^"]+)"', page).group(1)
    assert dossier.code not in token and "5678" not in token
    assert 'meta http-equiv="refresh"' in page  # an abandoned screen goes back to the start

    rated = client.post(
        KIOSK, {"phien": token, "overall": "not_satisfied", "contacts_needed": "three_or_more"}
    )
    assert (rated.status_code, rated["Location"]) == (302, f"{KIOSK}?xong=1")
    rating = Rating.objects.get()
    assert (rating.channel, rating.overall, rating.contacts_needed, rating.unit) == (
        "kiosk",
        "not_satisfied",
        "three_or_more",
        w.centre,
    )
    thanks = client.get(rated["Location"])
    assert "Cảm ơn bạn đã đánh giá" in html(thanks)
    assert f'<meta http-equiv="refresh" content="8;url={KIOSK}">' in html(thanks)

    again = client.post(KIOSK, {"ma": dossier.code, "so": "5678"})
    assert again.status_code == 409
    assert "Mỗi hồ sơ chỉ được đánh giá một lần." in html(again)
    replay = client.post(KIOSK, {"phien": token, "overall": "very_satisfied"})
    assert replay.status_code == 409
    assert Rating.objects.get().overall == "not_satisfied"


def test_kiosk_wrong_digits_get_the_answer_of_an_unknown_code(client, w):
    dossier = returned(w, when=at(2026, 3, 2, 8, 0))
    elsewhere = returned(
        w, when=at(2026, 3, 3, 8, 0), receiver=w.commune_receiver, receiving_unit=w.commune_centre
    )
    answers = []
    for code, digits in (
        (dossier.code, "1234"),  # wrong digits
        ("H12.99-260302-9999", "5678"),  # unknown code
        (elsewhere.code, "5678"),  # right digits, received at another unit's counter
    ):
        response = client.post(KIOSK, {"ma": code, "so": digits})
        assert response.status_code == 404
        answers.append(
            re.search(r'class="error-message"[^>]*>.*?</span>\s*([^<]+)<', html(response)).group(1)
        )
    assert len(set(answers)) == 1 and answers[0].startswith(NOT_FOUND)
    invalid = client.post(KIOSK, {"ma": "", "so": "12"})
    assert invalid.status_code == 422
    assert "Nhập mã hồ sơ." in html(invalid)
    assert not Rating.objects.exists()


def test_kiosk_look_ups_are_rate_limited(client, w, settings):
    settings.MOTCUA_RATING_KIOSK_RATE_PER_MINUTE = 3
    dossier = returned(w, when=at(2026, 3, 2, 8, 0))
    for _ in range(3):
        assert client.post(KIOSK, {"ma": dossier.code, "so": "0000"}).status_code == 404
    limited = client.post(KIOSK, {"ma": dossier.code, "so": "5678"})  # even the right digits now
    assert limited.status_code == 429
    assert "Bạn tra cứu quá nhiều lần." in html(limited)


def test_kiosk_session_expires_and_is_bound_to_its_unit(client, w, clock):
    dossier = returned(w, when=at(2026, 3, 2, 8, 0))
    token = re.search(
        r'name="phien" value="([^"]+)"', html(client.post(KIOSK, {"ma": dossier.code, "so": "5678"}))
    )
    token = token.group(1)
    elsewhere = client.post("/danh-gia/quay/H12.50/", {"phien": token, "overall": "satisfied"})
    assert elsewhere.status_code == 404
    clock.shift(timedelta(seconds=301))
    expired = client.post(KIOSK, {"phien": token, "overall": "satisfied"})
    assert expired.status_code == 404
    assert "Phiên đánh giá đã hết hạn." in html(expired)
    assert not Rating.objects.exists()
    assert client.get("/danh-gia/quay/KHONG-CO/").status_code == 404
