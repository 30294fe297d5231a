"""One-time codes sent to a phone or an e-mail address, and the small rules every account flow shares."""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from motcua.core.exceptions import RateLimited, ValidationFailed
from motcua.core.ratelimit import rate_limit_hit, rate_limit_reached
from motcua.notifications.models import MessageChannel
from motcua.notifications.services import message_enqueue

from ..enums import IdentifierKind
from ..identifiers import Identifier
from ..models import User, VerificationCode

logger = logging.getLogger("motcua.accounts")


# After a code is accepted, the next page (name and password) must be sent within this time.
VERIFIED_CODE_VALID_FOR = timedelta(minutes=30)
SESSION_EXPIRED = "Phiên xác minh đã hết hạn hoặc không hợp lệ. Vui lòng làm lại từ đầu."


# --- one-time codes -----------------------------------------------------------------------------------------
def code_hash(*, purpose: str, target: str, raw: str) -> str:
    # Keyed with SECRET_KEY: six digits hash quickly, so a copy of the table alone must not reveal them.
    return salted_hmac("motcua.accounts.code", f"{purpose}:{target}:{raw}", algorithm="sha256").hexdigest()


def sending_allowed(*, identifier: Identifier, ip: str) -> None:
    """Codes cost money (SMS) and annoy the recipient: so many per phone or address, and per client, per hour."""
    over_target = rate_limit_hit(
        scope="code-target",
        key=identifier.digest,
        limit=settings.MOTCUA_VERIFICATION_RATE_PER_TARGET_PER_HOUR,
        window_seconds=3600,
    )
    over_ip = bool(ip) and rate_limit_hit(
        scope="code-ip", key=ip, limit=settings.MOTCUA_VERIFICATION_RATE_PER_IP_PER_HOUR, window_seconds=3600
    )
    if over_target or over_ip:
        raise RateLimited("Bạn đã yêu cầu gửi mã quá nhiều lần. Vui lòng thử lại sau một giờ.")


def code_issue(
    *, purpose: str, identifier: Identifier, user: User | None, lifetime: timedelta
) -> tuple[VerificationCode, str]:
    """A new code for (purpose, target); it replaces any earlier one still open."""
    now = timezone.now()
    raw = f"{secrets.randbelow(10**6):06d}"
    VerificationCode.objects.filter(
        purpose=purpose, target=identifier.value, used_at__isnull=True, expires_at__gt=now
    ).update(expires_at=now)
    code = VerificationCode.objects.create(
        purpose=purpose,
        channel=identifier.kind,
        target=identifier.value,
        user=user,
        code_hash=code_hash(purpose=purpose, target=identifier.value, raw=raw),
        expires_at=now + lifetime,
    )
    return code, raw


def code_send(*, code: VerificationCode, raw: str, event: str, context: dict, user: User | None) -> None:
    channel = MessageChannel.EMAIL if code.channel == IdentifierKind.EMAIL else MessageChannel.SMS
    message_enqueue(
        event=event,
        channel=channel,
        recipient=code.target,
        context={"code": raw, "purpose": code.purpose, "expires_at": code.expires_at, **context},
        dedupe_key=f"account-code:{code.pk}",
        user=user,
    )


def short_lifetime() -> timedelta:
    return timedelta(minutes=settings.MOTCUA_VERIFICATION_CODE_MINUTES)


CODE_FAILURE_WINDOW_SECONDS = 3600


def code_checking_allowed(*, ip: str) -> None:
    """Each code allows MOTCUA_VERIFICATION_MAX_ATTEMPTS tries, but one client could still try five codes on
    each of many accounts (activation codes live three days and need no sending from the attacker). So
    MOTCUA_VERIFICATION_CHECK_FAILURES_PER_IP wrong, expired or unknown codes from one client address in an
    hour refuse that address until the hour ends, even with the right code. Only failures count: a centre's
    citizens share one address, and a right code is no guess."""
    if ip and rate_limit_reached(
        scope="code-check-fail",
        key=ip,
        limit=settings.MOTCUA_VERIFICATION_CHECK_FAILURES_PER_IP,
        window_seconds=CODE_FAILURE_WINDOW_SECONDS,
    ):
        message = (
            "Có quá nhiều lần nhập mã xác minh không đúng từ địa chỉ mạng của bạn. "
            "Vui lòng thử lại sau một giờ."
        )
        raise RateLimited(message, details={"code": [message]})


def _code_check_failed(*, ip: str) -> None:
    if ip:
        rate_limit_hit(
            scope="code-check-fail",
            key=ip,
            limit=settings.MOTCUA_VERIFICATION_CHECK_FAILURES_PER_IP,
            window_seconds=CODE_FAILURE_WINDOW_SECONDS,
        )


def verification_code_check(
    *, code_id: int | None, purpose: str, raw: str, user: User | None = None, ip: str = ""
) -> VerificationCode:
    """Accept the code typed for `code_id`: not expired, at most MOTCUA_VERIFICATION_MAX_ATTEMPTS wrong tries
    (each wrong try is saved before the error goes back), and for `user` when given. A client address past
    its limit of failed checks (`code_checking_allowed`) is refused before the code is looked at, and the
    refusal costs the code no try."""
    raw = "".join((raw or "").split())
    if not (len(raw) == 6 and raw.isdigit()):
        message = "Nhập mã xác minh gồm 6 chữ số."
        raise ValidationFailed(message, details={"code": [message]})
    code_checking_allowed(ip=ip)
    now = timezone.now()
    limit = settings.MOTCUA_VERIFICATION_MAX_ATTEMPTS
    with transaction.atomic():
        code = None
        if code_id:
            code = (
                VerificationCode.objects.select_for_update()
                .filter(pk=code_id, purpose=purpose, used_at__isnull=True)
                .first()
            )
        if code is not None and user is not None and code.user_id != user.pk:
            code = None
        if code is None:
            message = "Mã xác minh không đúng. Kiểm tra lại hoặc yêu cầu gửi mã mới."
        elif code.expires_at <= now:
            message = "Mã xác minh đã hết hạn. Hãy yêu cầu gửi mã mới."
        elif code.attempts >= limit:
            message = f"Bạn đã nhập sai mã quá {limit} lần. Hãy yêu cầu gửi mã mới."
        elif constant_time_compare(code.code_hash, code_hash(purpose=purpose, target=code.target, raw=raw)):
            if code.verified_at is None:
                code.verified_at = now
                code.save(update_fields=["verified_at"])
            return code
        else:
            code.attempts += 1
            code.save(update_fields=["attempts"])
            left = limit - code.attempts
            message = (
                f"Mã xác minh không đúng. Bạn còn {left} lần thử."
                if left > 0
                else f"Mã xác minh không đúng. Bạn đã nhập sai {limit} lần; hãy yêu cầu gửi mã mới."
            )
    _code_check_failed(ip=ip)
    raise ValidationFailed(message, details={"code": [message]})


def code_take(*, code_id: int | None, purposes: list[str], user: User | None = None) -> VerificationCode:
    """The accepted code that lets the next step happen, marked used (call inside a transaction)."""
    code = None
    if code_id:
        code = (
            VerificationCode.objects.select_for_update()
            .filter(pk=code_id, purpose__in=purposes, used_at__isnull=True, verified_at__isnull=False)
            .first()
        )
    now = timezone.now()
    if (
        code is None
        or code.verified_at < now - VERIFIED_CODE_VALID_FOR
        or (user is not None and code.user_id != user.pk)
    ):
        raise ValidationFailed(SESSION_EXPIRED)
    code.used_at = now
    code.save(update_fields=["used_at"])
    return code


def password_check(password: str, user: User, *, field: str = "password") -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(exc.messages[0], details={field: list(exc.messages)}) from exc


def name_clean(full_name: str) -> str:
    name = " ".join((full_name or "").split())
    if not name:
        raise ValidationFailed("Nhập họ và tên.", details={"full_name": ["Nhập họ và tên."]})
    if len(name) > 200:
        message = "Họ và tên dài tối đa 200 ký tự."
        raise ValidationFailed(message, details={"full_name": [message]})
    return name


def username_new() -> str:
    # Citizens sign in with their phone or e-mail; the username only has to be unique and say nothing.
    while True:
        username = f"cd{secrets.token_hex(5)}"
        if not User.objects.filter(username=username).exists():
            return username


def identifier_of(code: VerificationCode) -> Identifier:
    return Identifier(IdentifierKind(code.channel), code.target)


def contact_set(user: User, identifier: Identifier, *, verified: bool = True) -> None:
    if identifier.kind == IdentifierKind.EMAIL:
        user.email, user.is_email_verified = identifier.value, verified
    else:
        user.phone, user.is_phone_verified = identifier.value, verified
