"""The public postal service (bưu chính công ích, Decision 45/2016/QĐ-TTg; Decree 118/2025 Art. 17):
dossiers that arrive by post, the post office collecting a dossier from the applicant's home (thu gom) and
results delivered to the address the applicant gave (chuyển phát kết quả).

The post office is reached through an adapter (`PostalAdapter`), chosen by the dotted path in
`settings.MOTCUA_POSTAL_ADAPTER`. The contract is in docs/postal.md. Every request is recorded in the dossier's
control slip (`DossierEvent.data`), in the same transaction as the change it belongs to."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from motcua.core.exceptions import DomainError, InvalidTransition, NotPermitted, ValidationFailed
from motcua.org.enums import Role

from .enums import Action, Channel, ReturnMode, Status
from .models import Dossier, DossierEvent
from .permissions import actor_acts_in
from .services import IntakeData, _validate_intake, dossier_event_record, dossier_intake, dossier_transition
from .transitions import RULES

logger = logging.getLogger(__name__)

# The control-slip action of a pick-up request. It changes no status, so it is not a transition; it becomes an
# `Action` member with the next dossiers migration (the field's choices are part of the schema).
PICKUP_ACTION = Action.POSTAL_PICKUP
# While the centre still waits for papers from the applicant, or works on the dossier before a result.
PICKUP_STATUSES = frozenset(
    {
        Status.DRAFT,
        Status.SUBMITTED,
        Status.INCOMPLETE,
        Status.RECEIVED,
        Status.PROCESSING,
        Status.AWAITING_SUPPLEMENT,
        Status.PAUSED,
    }
)
ITEM_CODE = re.compile(r"^[A-Z0-9][A-Z0-9.\-]{3,39}$")
MAX_CODE_LENGTH = 40  # Dossier.return_postal_item_code


class PostalUnavailable(DomainError):
    """The post office did not take the request (its service is down or it refused): nothing was recorded."""

    code = "postal_unavailable"
    http_status = 502


# --- the contract --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PostalParty:
    name: str
    phone: str
    address: str


@dataclass(frozen=True)
class PickupRequest:
    """The post office collects the applicant's papers at `sender.address` and brings them to the centre."""

    request_id: str  # stable for this request: an adapter that retries sends the same id (idempotency key)
    reference: str  # the dossier code, or D<id> before reception; the post office quotes it back
    centre_code: str
    centre_name: str
    centre_address: str
    sender: PostalParty
    contents: str
    note: str = ""


@dataclass(frozen=True)
class DeliveryRequest:
    """The post office takes the result from the centre to `recipient.address`."""

    request_id: str
    reference: str
    centre_code: str
    centre_name: str
    centre_address: str
    recipient: PostalParty
    contents: str
    # The item code when the officer already holds the post office's receipt (the parcel was handed over at
    # the centre); an adapter that books the delivery itself may ignore it.
    item_code: str = ""
    note: str = ""


@runtime_checkable
class PostalAdapter(Protocol):
    """What the centre needs from a post office. Each call returns the tracking code (số hiệu bưu gửi) and raises
    `PostalUnavailable` when the request was not taken. Calls happen inside the database transaction of the
    change they belong to: an adapter must accept the same `request_id` twice and answer with the same code."""

    name: str

    def pickup_request(self, request: PickupRequest) -> str: ...

    def delivery_request(self, request: DeliveryRequest) -> str: ...


class ManualPostalAdapter:
    """No connection to the post office. Each request becomes one JSON line in
    `MOTCUA_POSTAL_MANUAL_DIR/<YYYY-MM-DD>.jsonl`, the day's list the centre hands to the post office; the
    line is written only once the change is committed, so a refused action leaves nothing to hand over.
    The tracking code is the post office's item code when the officer typed it, else the request's own
    reference to quote to the post office: TG-<dossier>-<n> for the n-th pick-up, PT-<dossier> for a delivery."""

    name = "manual"

    def pickup_request(self, request: PickupRequest) -> str:
        number = request.request_id.rsplit(":", 1)[-1]
        code = _short_code(f"TG-{request.reference}-{number}", request.request_id)
        self._record("pickup", code, asdict(request))
        return code

    def delivery_request(self, request: DeliveryRequest) -> str:
        code = request.item_code or _short_code(f"PT-{request.reference}", request.request_id)
        self._record("delivery", code, asdict(request))
        return code

    def _record(self, kind: str, code: str, payload: dict) -> None:
        line = {"kind": kind, "tracking_code": code, "at": timezone.now().isoformat(), **payload}
        folder = Path(settings.MOTCUA_POSTAL_MANUAL_DIR)
        day = timezone.localdate()

        def write() -> None:
            folder.mkdir(parents=True, exist_ok=True)
            with (folder / f"{day:%Y-%m-%d}.jsonl").open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(line, ensure_ascii=False) + "\n")
            # The request id only: names and addresses stay in the file, out of the logs.
            logger.info("postal %s request %s recorded for the post office", kind, payload["request_id"])

        transaction.on_commit(write)


def _short_code(code: str, request_id: str) -> str:
    """`code` when it fits the item-code column, else a stable digest of the request (same id, same code)."""
    if len(code) <= MAX_CODE_LENGTH:
        return code
    return f"{code[:2]}-{hashlib.sha256(request_id.encode()).hexdigest()[:16].upper()}"


def postal_adapter() -> PostalAdapter:
    """The configured adapter, built per call so a changed setting takes effect at once."""
    adapter = import_string(settings.MOTCUA_POSTAL_ADAPTER)()
    if not isinstance(adapter, PostalAdapter):
        raise TypeError(f"{settings.MOTCUA_POSTAL_ADAPTER} does not implement PostalAdapter")
    return adapter


def _tracking_code(value) -> str:
    code = str(value or "").strip()
    if not code or len(code) > MAX_CODE_LENGTH:
        raise PostalUnavailable("Bưu điện không trả về số hiệu bưu gửi hợp lệ; vui lòng thử lại.")
    return code


# --- intake by post -----------------------------------------------------------------------------------------
def postal_fields_errors(*, item_code: str, posted_on: date | None, today: date) -> dict[str, str]:
    """Decision 468/2021 postal fields: the item code printed on the post office's receipt and the posting
    date. Both identify the parcel if it is disputed, so both are required."""
    errors: dict[str, str] = {}
    if not item_code:
        errors["postal_item_code"] = "Nhập số hiệu bưu gửi (in trên phiếu gửi của bưu điện)."
    elif not ITEM_CODE.match(item_code):
        errors["postal_item_code"] = "Số hiệu bưu gửi gồm 4–40 chữ cái không dấu và chữ số."
    if posted_on is None:
        errors["postal_posted_on"] = "Nhập ngày gửi hồ sơ qua bưu chính."
    elif posted_on > today:
        errors["postal_posted_on"] = "Ngày gửi qua bưu chính không được sau ngày hôm nay."
    return errors


@transaction.atomic
def postal_intake(
    *, data: IntakeData, actor, action: str = Action.RECEIVE, note: str = "", **fields
) -> Dossier:
    """A dossier that came by post is taken in like a counter one (receive, return for completion or refuse)
    with its postal item code and posting date, which are required."""
    data.channel = Channel.POSTAL
    data.postal_item_code = (data.postal_item_code or "").strip().upper().replace(" ", "")
    # One answer with every problem at once: the general intake checks and the postal fields together.
    errors = {
        **_validate_intake(data),
        **postal_fields_errors(
            item_code=data.postal_item_code, posted_on=data.postal_posted_on, today=timezone.localdate()
        ),
    }
    if errors:
        raise ValidationFailed("Hồ sơ chưa hợp lệ, vui lòng kiểm tra lại.", details=errors)
    return dossier_intake(data=data, actor=actor, action=action, note=note, **fields)


# --- return by post -----------------------------------------------------------------------------------------
def _centre(dossier: Dossier) -> dict:
    unit = dossier.receiving_unit
    return {"centre_code": unit.agency_code, "centre_name": unit.name, "centre_address": unit.address}


def _request_id(dossier: Dossier, kind: str, number: int) -> str:
    return f"{dossier.reference}:{kind}:{number}"


def _lock(dossier: Dossier) -> Dossier:
    Dossier.objects.select_for_update().filter(pk=dossier.pk).first()
    return Dossier.objects.select_related("receiving_unit", "procedure_version").get(pk=dossier.pk)


@transaction.atomic
def postal_result_return(*, dossier: Dossier, actor, item_code: str = "", note: str = "") -> Dossier:
    """Return the result by post to the address the applicant registered (Decree 118 Art. 22 return modes):
    the delivery request goes to the post office and its tracking code is kept on the dossier and in the
    control slip, in the same transaction as the return. Who may do it and when is the RETURN_RESULT rule."""
    locked = _lock(dossier)
    if locked.return_mode != ReturnMode.POSTAL:
        raise InvalidTransition("Hồ sơ này không đăng ký nhận kết quả qua bưu chính.")
    rule = RULES[Action.RETURN_RESULT]
    # Checked before the post office is called: a refused return must not book a delivery.
    if not getattr(actor, "is_authenticated", False) or not actor_acts_in(
        actor, rule.roles, locked.receiving_unit
    ):
        raise NotPermitted("Bạn không có quyền trả kết quả hồ sơ này.")
    if locked.status not in rule.sources:
        raise InvalidTransition(
            f"Không thể trả kết quả khi hồ sơ đang ở trạng thái “{Status(locked.status).label}”."
        )
    address = locked.return_address.strip()
    if not address:
        raise ValidationFailed(
            "Hồ sơ chưa có địa chỉ nhận kết quả qua bưu chính.",
            details={"return_address": "Chưa có địa chỉ."},
        )
    item_code = (item_code or "").strip().upper().replace(" ", "")
    if item_code and not ITEM_CODE.match(item_code):
        raise ValidationFailed(
            "Số hiệu bưu gửi không hợp lệ.",
            details={"postal_item_code": "Số hiệu bưu gửi gồm 4–40 chữ cái không dấu và chữ số."},
        )
    adapter = postal_adapter()
    request = DeliveryRequest(
        request_id=_request_id(locked, "delivery", 1),
        reference=locked.reference,
        **_centre(locked),
        recipient=PostalParty(name=locked.applicant_name, phone=locked.applicant_phone, address=address),
        contents=f"Kết quả giải quyết thủ tục hành chính: {locked.procedure_version.name}"[:300],
        item_code=item_code,
        note=note,
    )
    code = _tracking_code(adapter.delivery_request(request))
    # Saved before the transition, which reloads the row: the "returned" message can quote the code.
    locked.return_postal_item_code = code
    locked.save(update_fields=["return_postal_item_code", "updated_at"])
    return dossier_transition(
        dossier=locked,
        action=Action.RETURN_RESULT,
        actor=actor,
        note=note,
        postal_delivery={"tracking_code": code, "address": address, "adapter": adapter.name},
    )


# --- pick-up from the applicant's home -----------------------------------------------------------------------
def _is_owner(dossier: Dossier, actor) -> bool:
    return dossier.owner_id is not None and dossier.owner_id == actor.pk


@transaction.atomic
def postal_pickup_request(*, dossier: Dossier, actor, address: str = "", note: str = "") -> DossierEvent:
    """Ask the post office to collect the dossier's papers at the applicant's home (dịch vụ thu gom hồ sơ) and
    bring them to the receiving centre. The applicant (their own dossier) or a receiving officer of the centre
    asks; once a day per dossier, so a repeated click does not send the post office twice."""
    if not getattr(actor, "is_authenticated", False):
        raise NotPermitted("Cần đăng nhập để thực hiện thao tác này.")
    locked = _lock(dossier)
    is_owner = _is_owner(locked, actor)
    if not is_owner and not actor_acts_in(actor, {Role.RECEIVING_OFFICER}, locked.receiving_unit):
        raise NotPermitted("Chỉ người nộp hoặc cán bộ tiếp nhận của đơn vị mới yêu cầu thu gom hồ sơ.")
    if locked.status not in PICKUP_STATUSES:
        raise InvalidTransition(
            f"Không thể yêu cầu thu gom khi hồ sơ đang ở trạng thái “{Status(locked.status).label}”."
        )
    if not is_owner and locked.status == Status.DRAFT:
        raise InvalidTransition("Hồ sơ chưa được nộp; chỉ người nộp yêu cầu thu gom hồ sơ đang soạn.")
    address = (address or "").strip() or locked.applicant_address.strip()
    if not address:
        raise ValidationFailed(
            "Nhập địa chỉ để bưu điện đến thu gom hồ sơ.", details={"address": "Nhập địa chỉ thu gom."}
        )
    if len(address) > 500:
        raise ValidationFailed("Địa chỉ quá dài.", details={"address": "Tối đa 500 ký tự."})
    now = timezone.now()
    earlier = list(DossierEvent.objects.filter(dossier=locked, action=PICKUP_ACTION).order_by("seq"))
    today = timezone.localdate(now)
    for event in earlier:
        if timezone.localdate(event.at) == today:
            code = (event.data or {}).get("postal_pickup", {}).get("tracking_code", "")
            raise InvalidTransition(
                f"Hồ sơ đã được yêu cầu thu gom hôm nay (mã {code}); bưu điện sẽ liên hệ người nộp."
            )
    adapter = postal_adapter()
    request = PickupRequest(
        request_id=_request_id(locked, "pickup", len(earlier) + 1),
        reference=locked.reference,
        **_centre(locked),
        sender=PostalParty(name=locked.applicant_name, phone=locked.applicant_phone, address=address),
        contents=f"Hồ sơ thủ tục hành chính: {locked.procedure_version.name}"[:300],
        note=(note or "").strip(),
    )
    code = _tracking_code(adapter.pickup_request(request))
    return dossier_event_record(
        dossier=locked,
        action=Action.POSTAL_PICKUP,
        actor=actor,
        actor_unit=None if is_owner else locked.receiving_unit,
        note=request.note,
        data={"postal_pickup": {"tracking_code": code, "address": address, "adapter": adapter.name}},
    )


def postal_pickups(*, dossier: Dossier) -> list[dict]:
    """The pick-up requests of a dossier, oldest first: {"at", "tracking_code", "address"}."""
    rows = []
    for event in DossierEvent.objects.filter(dossier=dossier, action=PICKUP_ACTION).order_by("seq"):
        data = (event.data or {}).get("postal_pickup", {})
        rows.append(
            {
                "at": event.at,
                "tracking_code": data.get("tracking_code", ""),
                "address": data.get("address", ""),
            }
        )
    return rows


def postal_pickup_allowed(*, dossier: Dossier, actor) -> bool:
    """Whether the page should offer the pick-up request (the service decides again)."""
    if dossier.status not in PICKUP_STATUSES:
        return False
    if _is_owner(dossier, actor):
        return True
    return dossier.status != Status.DRAFT and actor_acts_in(
        actor, {Role.RECEIVING_OFFICER}, dossier.receiving_unit
    )
