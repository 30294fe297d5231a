"""Open311 GeoReport v2 over the petitions (docs/petitions.md §Open311): discovery, services, service
definitions, requests GET/POST, one request, and its updates (extension). JSON only.

GET never shows a private petition, nor any personal data: no name, phone, e-mail, attachment or dossier;
the description appears only once an officer published the cleaned text. POST needs no api_key (as the
portal form needs no account) and is rate-limited per client address."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.http import JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from motcua.core.exceptions import ValidationFailed
from motcua.core.ratelimit import client_ip, rate_limit_hit
from motcua.org.models import Unit

from .enums import OPEN_STATUSES, Channel, Privacy, SubjectKind
from .models import Petition
from .services import PetitionData, petition_submit

MAX_RESULTS = 1000
DEFAULT_DAYS = 90

SERVICE_KEYWORDS = {
    SubjectKind.PROCEDURE: "thu tuc, quy dinh, giay to",
    SubjectKind.DOSSIER: "ho so, giai quyet, tre han",
    SubjectKind.OFFICER_CONDUCT: "can bo, thai do, nhung nhieu",
    SubjectKind.LOCATION: "dia diem, duong, chieu sang, rac",
    SubjectKind.OTHER: "khac",
}
# Attributes of each service definition: (code, datatype, required, description).
SERVICE_ATTRIBUTES = {
    SubjectKind.PROCEDURE: [("procedure_code", "string", True, "Mã thủ tục hành chính, ví dụ 1.004873")],
    SubjectKind.DOSSIER: [
        (
            "dossier_code",
            "string",
            True,
            "Mã hồ sơ; phải khớp 4 số cuối số điện thoại (phone) đã khai khi nộp",
        )
    ],
    SubjectKind.OFFICER_CONDUCT: [("officer_name", "string", True, "Tên, chức danh hoặc số quầy của cán bộ")],
    SubjectKind.LOCATION: [],
    SubjectKind.OTHER: [],
}
COMMON_ATTRIBUTES = [("title", "string", False, "Tiêu đề (mặc định: đầu nội dung)")]


def _error(status: int, description: str) -> JsonResponse:
    return JsonResponse([{"code": status, "description": description}], status=status, safe=False)


def _jurisdiction_ok(request) -> bool:
    wanted = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
    if not wanted:
        return True
    return Unit.objects.filter(parent__isnull=True, agency_code=wanted).exists()


def _json(data, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


@require_GET
def discovery(request):
    base = f"{settings.MOTCUA_PUBLIC_URL}/open311/v2/"
    return _json(
        {
            "changeset": "2026-03-01T00:00:00+07:00",
            "contact": "Trung tâm Phục vụ hành chính công tỉnh",
            "key_service": "Không cần api_key; gửi bị giới hạn số lần theo địa chỉ mạng.",
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": base,
                    "changeset": "2026-03-01T00:00:00+07:00",
                    "type": "production",
                    "formats": ["application/json"],
                }
            ],
        }
    )


@require_GET
def services(request):
    if not _jurisdiction_ok(request):
        return _error(404, "jurisdiction_id not found")
    return _json(
        [
            {
                "service_code": kind.value,
                "service_name": str(kind.label),
                "description": str(kind.label),
                "metadata": True,
                "type": "realtime",
                "keywords": SERVICE_KEYWORDS[kind],
                "group": "phan_anh_kien_nghi",
            }
            for kind in SubjectKind
        ]
    )


@require_GET
def service_definition(request, code: str):
    if code not in SubjectKind.values or not _jurisdiction_ok(request):
        return _error(404, "service_code not found")
    attributes = []
    privacy_values = [{"key": value, "name": str(label)} for value, label in Privacy.choices]
    rows = SERVICE_ATTRIBUTES[SubjectKind(code)] + COMMON_ATTRIBUTES
    for order, (attr_code, datatype, required, description) in enumerate(rows, start=1):
        attributes.append(
            {
                "variable": True,
                "code": attr_code,
                "datatype": datatype,
                "required": required,
                "datatype_description": description,
                "order": order,
                "description": description,
            }
        )
    attributes.append(
        {
            "variable": True,
            "code": "privacy",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": "Mặc định public",
            "order": len(attributes) + 1,
            "description": "Cho phép công khai nội dung và câu trả lời (không kèm thông tin cá nhân)?",
            "values": privacy_values,
        }
    )
    return _json({"service_code": code, "attributes": attributes})


def _request_json(petition: Petition) -> dict:
    is_open = petition.status in OPEN_STATUSES
    return {
        "service_request_id": petition.code,
        "status": "open" if is_open else "closed",
        "status_notes": petition.answer if petition.is_published else "",
        "service_name": petition.get_subject_kind_display(),
        "service_code": petition.subject_kind,
        "description": petition.public_description if petition.is_published else "",
        "agency_responsible": (petition.unit or petition.receiving_unit).name,
        "service_notice": "Trả lời trong 10 ngày làm việc",
        "requested_datetime": _iso(petition.received_at),
        "updated_datetime": _iso(petition.updated_at),
        "expected_datetime": _iso(petition.due_at) if is_open else None,
        "address": petition.location_address,
        "address_id": None,
        "zipcode": None,
        "lat": float(petition.latitude) if petition.latitude is not None else None,
        "long": float(petition.longitude) if petition.longitude is not None else None,
        "media_url": None,
        # Extension (FixMyStreet / CitySDK style): the internal status, which Open311 folds into open/closed.
        "extended_attributes": {
            "status_detail": petition.status,
            "status_detail_name": petition.get_status_display(),
            "is_extended": petition.extended_at is not None,
            "is_overdue": is_open and petition.due_at < timezone.now(),
            "answered_datetime": _iso(petition.answered_at),
            "title": petition.title if petition.is_published else "",
        },
    }


def _public():
    return Petition.objects.select_related("unit", "receiving_unit").filter(privacy=Privacy.PUBLIC)


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        raise ValueError(value)
    return parsed if parsed.tzinfo else timezone.make_aware(parsed)


def _list(request):
    if not _jurisdiction_ok(request):
        return _error(404, "jurisdiction_id not found")
    qs = _public()
    ids = request.GET.get("service_request_id")
    if ids:
        return _json([_request_json(p) for p in qs.filter(code__in=ids.split(",")[:MAX_RESULTS])])
    try:
        start = _parse_date(request.GET.get("start_date"))
        end = _parse_date(request.GET.get("end_date"))
    except ValueError:
        return _error(400, "start_date/end_date must be W3C date-times, e.g. 2026-03-01T00:00:00+07:00")
    if start is None and end is None:
        start = timezone.now() - timedelta(days=DEFAULT_DAYS)
    if start:
        qs = qs.filter(received_at__gte=start)
    if end:
        qs = qs.filter(received_at__lte=end)
    codes = request.GET.get("service_code")
    if codes:
        qs = qs.filter(subject_kind__in=codes.split(","))
    statuses = set((request.GET.get("status") or "").split(",")) - {""}
    if statuses - {"open", "closed"}:
        return _error(400, "status must be open or closed")
    if statuses == {"open"}:
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif statuses == {"closed"}:
        qs = qs.exclude(status__in=OPEN_STATUSES)
    return _json([_request_json(p) for p in qs.order_by("-received_at")[:MAX_RESULTS]])


def _create(request):
    if not _jurisdiction_ok(request):
        return _error(404, "jurisdiction_id not found")
    if rate_limit_hit(
        scope="open311_post",
        key=client_ip(request),
        limit=int(getattr(settings, "MOTCUA_PETITION_SUBMIT_RATE_PER_HOUR", 10)),
        window_seconds=3600,
    ):
        return _error(429, "Quá nhiều yêu cầu, vui lòng thử lại sau.")
    post = request.POST
    code = post.get("service_code") or ""
    if code not in SubjectKind.values:
        return _error(400, "service_code not found")
    attributes = {
        key[len("attribute[") : -1]: value for key, value in post.items() if key.startswith("attribute[")
    }
    description = (post.get("description") or "").strip()
    name = " ".join(
        part for part in (post.get("first_name", "").strip(), post.get("last_name", "").strip()) if part
    )
    data = PetitionData(
        subject_kind=code,
        title=(attributes.get("title") or description.split("\n")[0][:120]).strip(),
        description=description,
        petitioner_name=name,
        petitioner_phone=post.get("phone") or "",
        petitioner_email=post.get("email") or "",
        privacy=attributes.get("privacy") or Privacy.PUBLIC,
        procedure_code=attributes.get("procedure_code") or "",
        dossier_code=attributes.get("dossier_code") or "",
        officer_name=attributes.get("officer_name") or "",
        latitude=post.get("lat") or None,
        longitude=post.get("long") or None,
        location_address=post.get("address_string") or "",
    )
    try:
        petition = petition_submit(data=data, channel=Channel.OPEN311)
    except ValidationFailed as error:
        details = error.details if isinstance(error.details, dict) else {}
        return _json(
            [{"code": 400, "description": f"{field}: {message}"} for field, message in details.items()]
            or [{"code": 400, "description": error.message}],
            status=400,
        )
    return _json(
        [
            {
                "service_request_id": petition.code,
                "service_notice": f"Hạn trả lời: {timezone.localtime(petition.due_at):%d/%m/%Y}",
                "account_id": None,
            }
        ],
        status=201,
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests(request):
    return _create(request) if request.method == "POST" else _list(request)


@require_GET
def request_detail(request, code: str):
    petition = _public().filter(code=code).first()
    if petition is None or not _jurisdiction_ok(request):
        return _error(404, "service_request_id not found")
    return _json([_request_json(petition)])


@require_GET
def request_updates(request, code: str):
    """Extension: the public history lines of a request (FixMyStreet's `servicerequestupdates`, per request)."""
    petition = _public().filter(code=code).first()
    if petition is None:
        return _error(404, "service_request_id not found")
    updates = []
    for event in petition.events.order_by("seq"):
        if not event.public_note and event.action != "submit":
            continue
        updates.append(
            {
                "update_id": f"{petition.code}-{event.seq}",
                "service_request_id": petition.code,
                "status": "open" if event.to_status in OPEN_STATUSES else "closed",
                "extended_attributes": {"status_detail": event.to_status, "action": event.action},
                "updated_datetime": _iso(event.at),
                "description": petition.answer
                if event.action == "answer" and petition.is_published
                else event.public_note,
                "media_url": None,
            }
        )
    return _json(updates)
