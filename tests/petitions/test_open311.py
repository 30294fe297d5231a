"""An Open311 GeoReport v2 client creating and reading a request, over HTTP."""

import pytest
import time_machine

from motcua.petitions.enums import Action, Privacy
from motcua.petitions.models import Petition
from motcua.petitions.services import petition_transition
from tests.factories import dossier_world
from tests.petitions.helpers import answered, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False):
        return dossier_world()


def test_discovery_services_and_definitions(client, w):
    discovery = client.get("/open311/v2/discovery.json").json()
    assert discovery["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    services = client.get("/open311/v2/services.json").json()
    assert [s["service_code"] for s in services] == [
        "procedure",
        "dossier",
        "officer_conduct",
        "location",
        "other",
    ]
    assert all(s["type"] == "realtime" and s["metadata"] for s in services)
    definition = client.get("/open311/v2/services/officer_conduct.json").json()
    assert [a["code"] for a in definition["attributes"]] == ["officer_name", "title", "privacy"]
    assert definition["attributes"][0]["required"] is True
    assert client.get("/open311/v2/services/nope.json").status_code == 404
    assert client.get("/open311/v2/services.json?jurisdiction_id=H99").status_code == 404
    assert client.get("/open311/v2/services.json?jurisdiction_id=H12").status_code == 200


def test_a_client_creates_a_location_request_and_reads_it_back(client, w):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        response = client.post(
            "/open311/v2/requests.json",
            {
                "service_code": "location",
                "lat": "9.176900",
                "long": "105.150000",
                "address_string": "Đường Lý Thường Kiệt, phường An Xuyên",
                "description": "Đèn đường trước Trung tâm hỏng nhiều ngày.\nBuổi tối rất tối.",
                "first_name": "Phạm",
                "last_name": "Văn Cường",
                "phone": "0903111222",
                "email": "cuong@example.com",
            },
        )
    assert response.status_code == 201, response.content
    [created] = response.json()
    code = created["service_request_id"]
    assert code == "PA-260302-0001"
    petition = Petition.objects.get(code=code)
    assert (petition.channel, petition.title) == ("open311", "Đèn đường trước Trung tâm hỏng nhiều ngày.")
    with time_machine.travel(at(2026, 3, 3, 9, 0), tick=False):
        [read] = client.get(f"/open311/v2/requests/{code}.json").json()
        listed = client.get("/open311/v2/requests.json?service_code=location&status=open").json()
    assert [r["service_request_id"] for r in listed] == [code]
    assert read["status"] == "open"
    assert read["extended_attributes"]["status_detail"] == "received"
    assert read["expected_datetime"] == "2026-03-16T09:00:00+07:00"
    assert (read["lat"], read["long"]) == (9.1769, 105.15)
    assert read["agency_responsible"] == w.centre.name
    # Nothing personal, and the description waits for an officer's cleaned, published text.
    text = str(read)
    for personal in ("Cường", "0903111222", "cuong@example.com", "Đèn đường"):
        assert personal not in text
    # The answer, published, shows as closed-with-detail once rated; updates list the public history.
    with time_machine.travel(at(2026, 3, 4, 9, 0), tick=False):
        petition = petition_transition(
            petition=petition, action=Action.ASSIGN, actor=w.receiver, unit=w.construction
        )
        petition_transition(
            petition=petition,
            action=Action.ANSWER,
            actor=w.builder,
            answer="Đã thay bóng đèn ngày 4/3.",
            publish=True,
            public_description="Đèn đường trước Trung tâm hỏng.",
        )
        [read] = client.get(f"/open311/v2/requests/{code}.json").json()
        updates = client.get(f"/open311/v2/requests/{code}/updates.json").json()
    assert (read["status"], read["extended_attributes"]["status_detail"]) == ("closed", "answered")
    assert read["status_notes"] == "Đã thay bóng đèn ngày 4/3."
    assert read["agency_responsible"] == "Sở Xây dựng"
    assert [u["extended_attributes"]["action"] for u in updates] == ["submit", "assign", "answer"]
    assert updates[-1]["description"] == "Đã thay bóng đèn ngày 4/3."


def test_invalid_post_gets_open311_errors_and_writes_nothing(client, w):
    response = client.post("/open311/v2/requests.json", {"service_code": "location", "description": ""})
    assert response.status_code == 400
    assert {e["code"] for e in response.json()} == {400}
    assert Petition.objects.count() == 0
    assert client.post("/open311/v2/requests.json", {"service_code": "nope"}).status_code == 400


def test_private_petitions_never_appear(client, w):
    with time_machine.travel(at(2026, 3, 4, 10, 0), tick=False):
        private = answered(
            w, when=at(2026, 3, 2, 9, 0), answer_at=at(2026, 3, 4, 10, 0), privacy=Privacy.PRIVATE
        )
        listed = client.get("/open311/v2/requests.json").json()
        assert client.get(f"/open311/v2/requests/{private.code}.json").status_code == 404
        assert client.get(f"/open311/v2/requests/{private.code}/updates.json").status_code == 404
        assert client.get(f"/open311/v2/requests.json?service_request_id={private.code}").json() == []
    assert listed == []


def test_post_is_rate_limited_per_client(client, w, settings):
    settings.MOTCUA_PETITION_SUBMIT_RATE_PER_HOUR = 1
    client.post("/open311/v2/requests.json", {"service_code": "other"})
    assert client.post("/open311/v2/requests.json", {"service_code": "other"}).status_code == 429
