"""The queue through HTTP: kiosk → receipt → counter app → counter intake → the ticket holds the dossier;
the board and the figures page."""

import re
from datetime import timedelta

import pytest
import time_machine

from motcua.queues.enums import TicketStatus
from motcua.queues.models import Ticket
from tests.backoffice.test_intake import intake_post
from tests.factories import dossier_world
from tests.queues.helpers import NOW, queue_setup

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    traveller = time_machine.travel(NOW, tick=False)
    traveller.start()
    yield queue_setup(dossier_world())
    traveller.stop()


def test_ticket_to_dossier_walk(w, client):
    kiosk = client.get("/xep-hang/H12.99/")
    assert kiosk.status_code == 200
    assert "Tư pháp – Hộ tịch" in kiosk.content.decode()
    response = client.post("/xep-hang/H12.99/", {"nhom": "A", "uu_tien": ""})
    assert response.status_code == 302
    receipt = client.get(response["Location"])
    body = receipt.content.decode()
    assert receipt.status_code == 200 and "A001" in body and "sắp đến lượt" in body
    assert 'http-equiv="refresh"' in body  # back to the kiosk start by itself
    ticket = Ticket.objects.get()
    assert ticket.number == "A001" and ticket.source == "kiosk"

    client.force_login(w.receiver)
    assert client.get("/can-bo/quay/").status_code == 200
    counter_url = f"/can-bo/quay/{w.counter1.pk}/"
    page = client.get(counter_url)
    assert "A001" in page.content.decode()
    action = f"{counter_url}thao-tac/"
    assert client.post(action, {"thao_tac": "call_next"})["Location"] == counter_url
    assert client.post(action, {"thao_tac": "serve"}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.SERVING and ticket.officer == w.receiver
    # The chosen counter is remembered.
    assert client.get("/can-bo/quay/")["Location"] == counter_url

    received = client.post("/can-bo/tiep-nhan/", intake_post(w))
    assert received.status_code == 302
    dossier = ticket.dossiers.get()
    assert dossier.receiving_unit == w.centre and dossier.code
    page = client.get(counter_url).content.decode()
    assert dossier.code in page
    client.post(action, {"thao_tac": "finish"})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DONE


def test_kiosk_priority_errors_and_rate_limit(w, client, settings):
    client.post("/xep-hang/H12.99/", {"nhom": "A", "uu_tien": "elderly"})
    assert Ticket.objects.get().priority_reason == "elderly"
    bad = client.post("/xep-hang/H12.99/", {"nhom": "Z"})
    assert bad.status_code == 422 and "Vui lòng chọn một nhóm dịch vụ." in bad.content.decode()
    assert client.post("/xep-hang/H12.99/", {"nhom": "A", "uu_tien": "vip"}).status_code == 422
    settings.MOTCUA_QUEUE_TICKETS_PER_MINUTE = 1
    limited = client.post("/xep-hang/H12.99/", {"nhom": "A"})
    assert limited.status_code == 429
    assert Ticket.objects.count() == 1
    with time_machine.travel(NOW.replace(hour=17, minute=30), tick=False):
        settings.MOTCUA_QUEUE_TICKETS_PER_MINUTE = 100
        closed = client.post("/xep-hang/H12.99/", {"nhom": "A"})
    assert closed.status_code == 422 and "hết giờ làm việc" in closed.content.decode()


def test_receipt_token_is_bound_to_its_unit_and_not_guessable(w, client):
    location = client.post("/xep-hang/H12.99/", {"nhom": "A"})["Location"]
    token = re.search(r"/so/([^/]+)/", location).group(1)
    assert client.get(f"/xep-hang/H12.50/so/{token}/").status_code == 404
    assert client.get("/xep-hang/H12.99/so/1/").status_code == 404


def test_board_shows_numbers_only(w, client):
    client.post("/xep-hang/H12.99/", {"nhom": "A"})
    from motcua.queues.services import ticket_call_next, ticket_issue_for_checkin

    ticket_issue_for_checkin(unit=w.centre, holder_name="Trần Văn Bình", reference="LH-1")
    ticket_call_next(counter=w.counter2, officer=w.receiver)
    body = client.get("/xep-hang/H12.99/bang/").content.decode()
    assert "A002" in body and "Bật đọc số" in body
    assert "Trần Văn Bình" not in body


def test_counter_errors_are_messages_and_change_nothing(w, client):
    client.force_login(w.receiver)
    url = f"/can-bo/quay/{w.counter1.pk}/thao-tac/"
    response = client.post(url, {"thao_tac": "call_next"}, follow=True)
    assert "Không còn số nào đang chờ ở quầy này." in response.content.decode()
    response = client.post(url, {"thao_tac": "explode"}, follow=True)
    assert "Thao tác không hợp lệ." in response.content.decode()
    client.force_login(w.commune_receiver)
    assert client.get(f"/can-bo/quay/{w.counter1.pk}/").status_code == 404


def test_figures_page(w, client):
    from motcua.queues.services import ticket_call_next, ticket_finish, ticket_issue, ticket_serve

    ticket_issue(unit=w.centre, group=w.group_a)
    with time_machine.travel(NOW + timedelta(minutes=6), tick=False):
        ticket_call_next(counter=w.counter1, officer=w.receiver)
        ticket_serve(counter=w.counter1, officer=w.receiver)
    with time_machine.travel(NOW + timedelta(minutes=16), tick=False):
        ticket_finish(counter=w.counter1, officer=w.receiver)
    client.force_login(w.supervisor)
    page = client.get("/can-bo/quay/so-lieu/", {"don_vi": "H12.99", "tu": "2026-03-02", "den": "2026-03-02"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "Quầy 1 — Tư pháp" in body and "09:00–10:00" in body
    assert (
        "Chờ trung bình 6.0 phút, phục vụ trung bình 10.0 phút." in body or "Chờ trung bình 6,0 phút" in body
    )
    bad = client.get("/can-bo/quay/so-lieu/", {"don_vi": "H12.99", "tu": "2026-03-05", "den": "2026-03-02"})
    assert bad.status_code == 422
    client.force_login(w.specialist)
    assert client.get("/can-bo/quay/so-lieu/").status_code == 403
