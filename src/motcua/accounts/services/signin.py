"""Signing in: API tokens, and the password check with its lockout."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from motcua.core.exceptions import NotPermitted, RateLimited
from motcua.core.prepared import CompiledQuery
from motcua.core.ratelimit import rate_limit_hit, rate_limit_reached

from ..exceptions import AccountLocked
from ..models import ApiToken, User
from ..selectors import (
    user_get_for_sign_in,
)

logger = logging.getLogger("motcua.accounts")


@transaction.atomic
def api_token_issue(*, user: User) -> str:
    """Create a token for `user` and return the raw value; it is shown once and never stored."""
    raw = ApiToken.new_raw()
    ApiToken.objects.create(
        user=user,
        token_hash=ApiToken.hash(raw),
        expires_at=timezone.now() + timedelta(days=settings.MOTCUA_API_TOKEN_DAYS),
    )
    return raw


def api_token_issue_for_credentials(*, username: str, password: str, ip: str = "") -> str:
    """Citizens sign in with their phone number or e-mail address here too; lockout applies as on the web,
    and so does the limit of failures per client address (RateLimited, 429)."""
    try:
        user = user_authenticate(name=username, password=password, ip=ip)
    except AccountLocked as exc:
        raise NotPermitted(exc.message) from exc
    if user is None:
        raise NotPermitted("Tên đăng nhập hoặc mật khẩu không đúng.")
    return api_token_issue(user=user)


TOKEN_USE_RESOLUTION = timedelta(minutes=1)

# Every API call reads its token: compiled once. Expiry and the account's state are checked on the row read.
_token_by_hash = CompiledQuery(
    ApiToken,
    lambda token_hash: ApiToken.objects.select_related("user").filter(token_hash=token_hash)[:1],
    "\x00token-hash",
)


def api_token_user(*, raw: str, ip: str = "") -> User | None:
    """The token's user. MOTCUA_API_TOKEN_FAILURES_PER_IP unknown or expired tokens from one client address
    in 15 minutes refuse that address for the rest of the window (RateLimited): tokens cannot be guessed, but
    a client that tries should learn nothing and cost little."""
    if ip and rate_limit_reached(
        scope="token-fail", key=ip, limit=settings.MOTCUA_API_TOKEN_FAILURES_PER_IP, window_seconds=900
    ):
        raise RateLimited(
            "Quá nhiều lần xác thực không thành công từ địa chỉ này. Vui lòng thử lại sau 15 phút."
        )
    now = timezone.now()
    token = _token_by_hash.first(ApiToken.hash(raw))
    if token is None or token.expires_at <= now or not token.user.is_active:
        if ip:
            rate_limit_hit(
                scope="token-fail",
                key=ip,
                limit=settings.MOTCUA_API_TOKEN_FAILURES_PER_IP,
                window_seconds=900,
            )
        return None
    # "Last used" to the minute is enough to spot a stale or stolen token; an UPDATE on every API call is not.
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_USE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- signing in -----------------------------------------------------------------------------------------------
def user_authenticate(*, name: str, password: str, ip: str = "") -> User | None:
    """The user whose username, verified phone or verified e-mail is `name` and whose password matches.

    MOTCUA_LOGIN_MAX_FAILURES wrong passwords in a row lock the name for MOTCUA_LOGIN_LOCK_MINUTES (even the
    right password is refused meanwhile); names without an account lock the same way, so the answer never
    tells whether an account exists. Raises AccountLocked.

    Trying one password on many names (password spraying) locks no name: MOTCUA_LOGIN_FAILURES_PER_IP failed
    sign-ins from one client address within MOTCUA_LOGIN_LOCK_MINUTES refuse that address until the window
    ends (RateLimited), whatever the name."""
    window = settings.MOTCUA_LOGIN_LOCK_MINUTES * 60
    if ip and rate_limit_reached(
        scope="login-fail-ip", key=ip, limit=settings.MOTCUA_LOGIN_FAILURES_PER_IP, window_seconds=window
    ):
        raise RateLimited(
            "Có quá nhiều lần đăng nhập không thành công từ địa chỉ mạng của bạn. Vui lòng thử lại sau "
            f"{settings.MOTCUA_LOGIN_LOCK_MINUTES} phút."
        )
    user = None
    try:
        user = _user_authenticate(name=name, password=password)
    finally:  # a refusal by lockout is a failure too
        if ip and user is None:
            rate_limit_hit(
                scope="login-fail-ip",
                key=ip,
                limit=settings.MOTCUA_LOGIN_FAILURES_PER_IP,
                window_seconds=window,
            )
    return user


def _user_authenticate(*, name: str, password: str) -> User | None:
    now = timezone.now()
    user = user_get_for_sign_in(name=name)
    if user is None:
        User().set_password(password)  # the same hashing work as for a real account: timing tells nothing
        _unknown_name_failure(name=name, now=now)
        return None
    locked_until = None
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.locked_until and user.locked_until > now:
            locked_until = user.locked_until
        elif user.check_password(password):
            if user.failed_login_count or user.locked_until:
                user.failed_login_count, user.locked_until = 0, None
                user.save(update_fields=["failed_login_count", "locked_until"])
            return user if user.is_active else None
        else:
            user.failed_login_count += 1
            if user.failed_login_count >= settings.MOTCUA_LOGIN_MAX_FAILURES:
                user.failed_login_count = 0
                user.locked_until = locked_until = now + timedelta(minutes=settings.MOTCUA_LOGIN_LOCK_MINUTES)
                logger.warning("sign-in locked", extra={"user_id": user.pk})
            user.save(update_fields=["failed_login_count", "locked_until"])
    if locked_until is not None:
        raise AccountLocked(until=locked_until)
    return None


def _unknown_name_failure(*, name: str, now: datetime) -> None:
    digest = salted_hmac("motcua.accounts.sign-in", name.strip().lower(), algorithm="sha256").hexdigest()[:32]
    key = f"login-unknown:{digest}"
    state = cache.get(key) or {"failures": 0, "locked_until": None}
    if state["locked_until"] and state["locked_until"] > now:
        raise AccountLocked(until=state["locked_until"])
    state["failures"] += 1
    if state["failures"] >= settings.MOTCUA_LOGIN_MAX_FAILURES:
        until = now + timedelta(minutes=settings.MOTCUA_LOGIN_LOCK_MINUTES)
        cache.set(key, {"failures": 0, "locked_until": until}, timeout=24 * 3600)
        raise AccountLocked(until=until)
    cache.set(key, state, timeout=24 * 3600)
