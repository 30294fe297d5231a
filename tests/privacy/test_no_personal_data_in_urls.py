"""No applicant's phone number or ID number in any URL the site produces: links, form targets, redirects.

The crawl starts from the main pages of an officer, a supervisor and a citizen, follows the site's own GET
links breadth-first, and also runs the searches an officer types (phone, ID number, name)."""

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.services import ApplicantData, DocumentData, dossier_intake
from tests.factories import intake_data

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 32
APPLICANTS = [
    ("Nguyễn Thị Hoa", "0912345678", "096123456789"),
    ("Trần Văn Bình", "0987111222", "079200333444"),
    ("Lê Thị Cúc", "0903555666", "001188777666"),
]
SECRETS = [
    value for _, phone, id_number in APPLICANTS for value in (phone, id_number, phone[-7:], id_number[-9:])
]
URL_ATTRIBUTE = re.compile(r"""(?:href|action|src|hx-get|hx-post|data-url)\s*=\s*["']([^"']*)["']""")
# Leaving, language switches and binary downloads end the walk there.
SKIP = re.compile(r"^/(?:dang-xuat|i18n|static|quan-tri)/|\.(?:pdf|xlsx|csv|zip|png|jpg)(?:\?|$)")
MAX_PAGES = 70


@pytest.fixture
def dossiers(w):
    made = []
    for name, phone, id_number in APPLICANTS:
        data = intake_data(
            w,
            applicant=ApplicantData(name=name, phone=phone, id_number=id_number, address="Cà Mau"),
            documents=[DocumentData(name="Tờ khai", upload=SimpleUploadedFile("a.png", PNG, "image/png"))],
        )
        dossier = dossier_intake(data=data, actor=w.receiver)
        dossier.owner = w.citizen
        dossier.save(update_fields=["owner"])
        made.append(dossier)
    return made


def _leaks(url: str) -> list[str]:
    digits = re.sub(r"\D", "", url)
    return [secret for secret in SECRETS if secret in url or secret in digits]


def _crawl(client, starts: list[str]) -> tuple[set[str], list[tuple[str, str]]]:
    seen: set[str] = set()
    leaks: list[tuple[str, str]] = []
    queue = deque(starts)
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        location = response.get("Location", "")
        found = [location] if location else []
        if response.get("Content-Type", "").startswith("text/html"):
            found += URL_ATTRIBUTE.findall(response.content.decode())
        for raw in found:
            target = urljoin(url, raw.replace("&amp;", "&"))
            if _leaks(target):
                leaks.append((url, target))
            parts = urlsplit(target)
            if parts.netloc or parts.scheme not in ("", "http") or SKIP.search(parts.path):
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if local not in seen:
                queue.append(local)
    return seen, leaks


def test_officer_pages_and_searches_put_no_phone_or_id_number_in_urls(w, dossiers, login):
    client = login(w.receiver)
    leaks = []
    for term in ("0912345678", "096123456789", "Trần Văn Bình", "0903 555 666"):
        for form in ("/can-bo/tra-cuu/", "/can-bo/"):
            response = client.post(form, {"q": term, "list": "unit"})
            assert response.status_code == 302
            leaks += (
                [(form, response["Location"])]
                if _leaks(response["Location"]) or term in response["Location"]
                else []
            )
            page = client.get(response["Location"], follow=True)
            assert page.status_code == 200
            leaks += [(form, url) for url, _ in page.redirect_chain if _leaks(url)]
            html = page.content.decode()
            leaks += [(form, u) for u in URL_ATTRIBUTE.findall(html) if _leaks(u)]
    seen, crawled = _crawl(
        client, ["/can-bo/", "/can-bo/?list=unit", "/can-bo/tra-cuu/", f"/can-bo/ho-so/{dossiers[0].code}/"]
    )
    assert len(seen) > 15
    assert leaks + crawled == []


def test_the_search_result_page_shows_results_under_an_opaque_id_only_for_its_session(
    w, dossiers, login, client
):
    officer = login(w.receiver)
    location = officer.post("/can-bo/tra-cuu/", {"q": "0987111222"})["Location"]
    assert re.fullmatch(r"/can-bo/tra-cuu/\?s=[\w-]{11}", location)
    assert dossiers[1].code in officer.get(location).content.decode()
    assert dossiers[0].code not in officer.get(location).content.decode()
    # The id means nothing in another session: the term lives in the session that searched.
    from django.test import Client

    other = Client()
    other.force_login(w.receiver)
    assert dossiers[1].code not in other.get(location).content.decode()


def test_supervisor_and_citizen_pages_put_no_phone_or_id_number_in_urls(w, dossiers, login):
    from django.test import Client

    supervisor = Client()
    supervisor.force_login(w.supervisor)
    _, supervisor_leaks = _crawl(supervisor, ["/can-bo/", "/can-bo/?list=unit", "/can-bo/du-lieu-ca-nhan/"])
    citizen = login(w.citizen)
    seen, citizen_leaks = _crawl(
        citizen, ["/", "/tai-khoan/", "/ho-so-cua-toi/", "/tai-khoan/du-lieu-ca-nhan/"]
    )
    assert len(seen) > 10
    assert supervisor_leaks + citizen_leaks == []
