"""Citizen accounts: registration, password reset and first password, profile, contact changes, and
accounts opened at the counter."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.core.exceptions import NotPermitted, RateLimited, ValidationFailed
from motcua.core.ratelimit import rate_limit_hit, rate_limit_reached
from motcua.org.enums import Role
from motcua.org.selectors import user_has_role

from ..enums import CodePurpose, IdentifierKind
from ..identifiers import Identifier, email_normalize, id_number_normalize, identifier_parse, phone_normalize
from ..models import User, VerificationCode
from ..selectors import (
    identifier_owner,
    user_get_by_verified_identifier,
    user_get_for_password_reset,
)
from .codes import (
    SESSION_EXPIRED,
    code_issue,
    code_send,
    code_take,
    contact_set,
    identifier_of,
    name_clean,
    password_check,
    sending_allowed,
    short_lifetime,
    username_new,
    verification_code_check,
)

logger = logging.getLogger("motcua.accounts")


# --- registration -----------------------------------------------------------------------------------------------
def registration_start(*, identifier: str, ip: str = "") -> VerificationCode:
    """Send a code to the phone or address to register with. When it already has an account the owner is told
    so instead (and gets no code); the page says the same either way, so nobody learns who has an account."""
    target = identifier_parse(identifier)
    sending_allowed(identifier=target, ip=ip)
    with transaction.atomic():
        owner = user_get_by_verified_identifier(identifier=target)
        code, raw = code_issue(
            purpose=CodePurpose.REGISTER, identifier=target, user=None, lifetime=short_lifetime()
        )
        code_send(
            code=code,
            raw="" if owner else raw,
            event="verification_code",
            context={"account_exists": owner is not None},
            user=owner,
        )
    logger.info("registration code issued", extra={"code_id": code.pk})
    return code


def registration_complete(*, code_id: int | None, full_name: str, password: str) -> User:
    """Open the account of the verified phone or address, with the person's name and password."""
    name = name_clean(full_name)
    candidate = User(full_name=name)
    password_check(password, candidate)
    try:
        with transaction.atomic():
            code = code_take(code_id=code_id, purposes=[CodePurpose.REGISTER])
            target = identifier_of(code)
            if user_get_by_verified_identifier(identifier=target) is not None:
                raise ValidationFailed(
                    "Số điện thoại hoặc thư điện tử này đã có tài khoản. Hãy đăng nhập, hoặc dùng "
                    "“Quên mật khẩu” nếu không nhớ mật khẩu."
                )
            user = User(username=username_new(), full_name=name)
            contact_set(user, target)
            user.set_password(password)
            user.save()
    except IntegrityError as exc:  # the same phone registered a moment ago in another tab
        raise ValidationFailed("Số điện thoại hoặc thư điện tử này đã có tài khoản.") from exc
    logger.info("citizen registered", extra={"user_id": user.pk})
    return user


# --- password reset and first password (accounts opened at the counter) ---------------------------------------
def password_reset_start(*, identifier: str, ip: str = "") -> VerificationCode:
    """Send a reset code when the phone or address belongs to an active account; otherwise send nothing but
    answer the same (a code row that no message carries keeps the next page identical)."""
    target = identifier_parse(identifier)
    sending_allowed(identifier=target, ip=ip)
    with transaction.atomic():
        user = user_get_for_password_reset(identifier=target)
        if user is not None and not user.is_active:
            user = None
        code, raw = code_issue(
            purpose=CodePurpose.RESET, identifier=target, user=user, lifetime=short_lifetime()
        )
        if user is not None:
            code_send(code=code, raw=raw, event="password_reset", context={"user": user}, user=user)
    logger.info("password reset code issued", extra={"code_id": code.pk})
    return code


def account_activation_check(*, identifier: str, raw: str, ip: str = "") -> VerificationCode:
    """The citizen types the phone or address given at the counter and the code it received (failed checks
    count against the client address, see `code_checking_allowed`)."""
    target = identifier_parse(identifier)
    latest = (
        VerificationCode.objects.filter(
            purpose=CodePurpose.ACTIVATE, target=target.value, used_at__isnull=True
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    return verification_code_check(
        code_id=latest.pk if latest else None, purpose=CodePurpose.ACTIVATE, raw=raw, ip=ip
    )


def password_set_with_code(*, code_id: int | None, password: str) -> User:
    """Set a new password after a reset or activation code was accepted. It also lifts a lockout, and the
    phone or address the code went to counts as verified (its holder just proved it)."""
    now = timezone.now()
    try:
        with transaction.atomic():
            code = code_take(code_id=code_id, purposes=[CodePurpose.RESET, CodePurpose.ACTIVATE])
            if code.user_id is None:
                raise ValidationFailed(SESSION_EXPIRED)
            user = User.objects.select_for_update().get(pk=code.user_id)
            if not user.is_active:
                raise ValidationFailed(SESSION_EXPIRED)
            password_check(password, user)
            user.set_password(password)
            user.failed_login_count, user.locked_until = 0, None
            target = identifier_of(code)
            current = user.email.lower() if target.kind == IdentifierKind.EMAIL else user.phone
            if current == target.value and identifier_owner(identifier=target, exclude=user) is None:
                contact_set(user, target)
            user.save()
            VerificationCode.objects.filter(
                user=user, purpose__in=[CodePurpose.RESET, CodePurpose.ACTIVATE], used_at__isnull=True
            ).update(used_at=now)
    except IntegrityError as exc:
        raise ValidationFailed(SESSION_EXPIRED) from exc
    logger.info("password set with a code", extra={"user_id": user.pk, "purpose": code.purpose})
    return user


def current_password_matches(*, user: User, password: str, field: str = "current_password") -> bool:
    """Whether `password` is the signed-in user's own, for the pages that ask it again (password change,
    account deletion). MOTCUA_PASSWORD_CHANGE_FAILURES_PER_USER wrong answers within MOTCUA_LOGIN_LOCK_MINUTES
    refuse that account's further answers until the window ends (RateLimited, reported on `field`), even the
    right one: whoever holds a forgotten session on a shared PC must not be able to guess the password here,
    where the sign-in lockout does not apply."""
    window = settings.MOTCUA_LOGIN_LOCK_MINUTES * 60
    limit = settings.MOTCUA_PASSWORD_CHANGE_FAILURES_PER_USER
    key = str(user.pk)
    if rate_limit_reached(scope="password-change-fail", key=key, limit=limit, window_seconds=window):
        message = (
            "Bạn đã nhập sai mật khẩu hiện tại quá nhiều lần. Vui lòng thử lại sau "
            f"{settings.MOTCUA_LOGIN_LOCK_MINUTES} phút."
        )
        raise RateLimited(message, details={field: [message]})
    if user.check_password(password or ""):
        return True
    rate_limit_hit(scope="password-change-fail", key=key, limit=limit, window_seconds=window)
    logger.info("wrong current password", extra={"user_id": user.pk})
    return False


def user_password_change(*, user: User, current_password: str, new_password: str) -> User:
    """Change one's own password; the current one is asked (limited: `current_password_matches`)."""
    if not current_password_matches(user=user, password=current_password):
        message = "Mật khẩu hiện tại không đúng."
        raise ValidationFailed(message, details={"current_password": [message]})
    password_check(new_password, user, field="new_password")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.set_password(new_password)
        user.save(update_fields=["password"])
    return user


# --- profile ----------------------------------------------------------------------------------------------------
def user_profile_update(*, user: User, full_name: str, address: str, id_number: str) -> User:
    """Name, address and ID number. An ID number verified at the counter or by VNeID is not edited here."""
    errors: dict[str, list[str]] = {}
    try:
        name = name_clean(full_name)
    except ValidationFailed as exc:
        errors.update(exc.details)
    address = " ".join((address or "").split())
    if len(address) > 300:
        errors["address"] = ["Địa chỉ dài tối đa 300 ký tự."]
    number = ""
    if (id_number or "").strip():
        number = id_number_normalize(id_number) or ""
        if not number:
            errors["id_number"] = ["Số định danh cá nhân gồm 12 chữ số, in trên thẻ căn cước."]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], details=errors)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.full_name, user.address = name, address
        if not user.is_id_number_verified:
            user.id_number = number
        user.save(update_fields=["full_name", "address", "id_number"])
    return user


def contact_change_start(*, user: User, kind: str, value: str, ip: str = "") -> VerificationCode:
    """A new phone or address takes effect only once the code sent to it comes back."""
    target = identifier_parse(value, field="value")
    if target.kind != kind:
        message = (
            "Nhập số điện thoại di động, ví dụ: 0912345678."
            if kind == IdentifierKind.PHONE
            else "Nhập địa chỉ thư điện tử, ví dụ: ten@example.vn."
        )
        raise ValidationFailed(message, details={"value": [message]})
    current = (
        (user.email.lower(), user.is_email_verified)
        if kind == IdentifierKind.EMAIL
        else (user.phone, user.is_phone_verified)
    )
    if current == (target.value, True):
        message = "Đây là thông tin bạn đang dùng."
        raise ValidationFailed(message, details={"value": [message]})
    sending_allowed(identifier=target, ip=ip)
    with transaction.atomic():
        code, raw = code_issue(
            purpose=CodePurpose.CONTACT, identifier=target, user=user, lifetime=short_lifetime()
        )
        code_send(code=code, raw=raw, event="verification_code", context={"account_exists": False}, user=user)
    return code


def contact_change_confirm(*, user: User, code_id: int | None, raw: str, ip: str = "") -> User:
    verification_code_check(code_id=code_id, purpose=CodePurpose.CONTACT, raw=raw, user=user, ip=ip)
    try:
        with transaction.atomic():
            code = code_take(code_id=code_id, purposes=[CodePurpose.CONTACT], user=user)
            target = identifier_of(code)
            if identifier_owner(identifier=target, exclude=user) is not None:
                message = "Thông tin này đã được dùng cho một tài khoản khác."
                raise ValidationFailed(message, details={"code": [message]})
            user = User.objects.select_for_update().get(pk=user.pk)
            contact_set(user, target)
            user.save(update_fields=["email", "is_email_verified", "phone", "is_phone_verified"])
    except IntegrityError as exc:
        message = "Thông tin này đã được dùng cho một tài khoản khác."
        raise ValidationFailed(message, details={"code": [message]}) from exc
    return user


# --- accounts opened at the counter -----------------------------------------------------------------------------
def citizen_register_at_counter(
    *, actor: User, full_name: str, phone: str = "", email: str = "", id_number: str = ""
) -> User:
    """A receiving officer opens an account for a citizen in front of them: the officer checks the ID card
    (so the ID number counts as verified) and the phone or address; the citizen then chooses a password with
    the code sent there (valid MOTCUA_ACTIVATION_CODE_HOURS)."""
    if not user_has_role(actor, Role.RECEIVING_OFFICER):
        raise NotPermitted("Chỉ cán bộ tiếp nhận mới lập tài khoản cho công dân.")
    errors: dict[str, list[str]] = {}
    try:
        name = name_clean(full_name)
    except ValidationFailed as exc:
        errors.update(exc.details)
    phone_value = phone_normalize(phone) if (phone or "").strip() else ""
    if phone_value is None:
        errors["phone"] = ["Số điện thoại di động gồm 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09."]
    email_value = email_normalize(email) if (email or "").strip() else ""
    if email_value is None:
        errors["email"] = ["Địa chỉ thư điện tử không đúng định dạng, ví dụ: ten@example.vn."]
    if not phone_value and not email_value and "phone" not in errors and "email" not in errors:
        errors["phone"] = ["Nhập số điện thoại hoặc thư điện tử để công dân nhận mã đặt mật khẩu."]
    number = id_number_normalize(id_number)
    if not number:
        errors["id_number"] = ["Số định danh cá nhân gồm 12 chữ số, in trên thẻ căn cước."]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], details=errors)
    contacts = [Identifier(IdentifierKind.PHONE, phone_value)] if phone_value else []
    if email_value:
        contacts.append(Identifier(IdentifierKind.EMAIL, email_value))
    taken = "đã có tài khoản. Hướng dẫn công dân đăng nhập, hoặc dùng “Quên mật khẩu” nếu không nhớ mật khẩu."
    try:
        with transaction.atomic():
            for contact in contacts:
                if identifier_owner(identifier=contact) is not None:
                    field = "phone" if contact.kind == IdentifierKind.PHONE else "email"
                    label = "Số điện thoại này" if field == "phone" else "Thư điện tử này"
                    errors[field] = [f"{label} {taken}"]
            if User.objects.filter(id_number=number, is_id_number_verified=True).exists():
                errors["id_number"] = [f"Số định danh này {taken}"]
            if errors:
                raise ValidationFailed(next(iter(errors.values()))[0], details=errors)
            user = User(
                username=username_new(),
                full_name=name,
                id_number=number,
                is_id_number_verified=True,
                registered_by=actor,
            )
            for contact in contacts:
                contact_set(user, contact)
            user.set_unusable_password()
            user.save()
            _activation_codes_send(user=user, contacts=contacts)
    except IntegrityError as exc:
        raise ValidationFailed(f"Thông tin của công dân {taken}") from exc
    logger.info("citizen account opened at the counter", extra={"user_id": user.pk, "officer_id": actor.pk})
    return user


def _activation_codes_send(*, user: User, contacts: list[Identifier]) -> None:
    for contact in contacts:
        code, raw = code_issue(
            purpose=CodePurpose.ACTIVATE,
            identifier=contact,
            user=user,
            lifetime=timedelta(hours=settings.MOTCUA_ACTIVATION_CODE_HOURS),
        )
        code_send(
            code=code,
            raw=raw,
            event="account_created",
            context={"user": user, "identifier": contact.value},
            user=user,
        )


def citizen_activation_resend(*, actor: User, user: User) -> User:
    """New codes for an account opened at the counter whose holder has not chosen a password yet."""
    if not user_has_role(actor, Role.RECEIVING_OFFICER):
        raise NotPermitted("Chỉ cán bộ tiếp nhận mới gửi lại mã cho công dân.")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.has_usable_password():
            raise ValidationFailed(
                "Công dân đã đặt mật khẩu. Nếu quên, hướng dẫn công dân dùng “Quên mật khẩu” trên Cổng."
            )
        contacts = []
        if user.is_phone_verified:
            contacts.append(Identifier(IdentifierKind.PHONE, user.phone))
        if user.is_email_verified:
            contacts.append(Identifier(IdentifierKind.EMAIL, user.email.lower()))
        _activation_codes_send(user=user, contacts=contacts)
    return user
