from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone

from motcua.core.exceptions import NotPermitted

from .models import ApiToken, User


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


def api_token_issue_for_credentials(*, username: str, password: str) -> str:
    user = authenticate(username=username, password=password)
    if user is None or not user.is_active:
        raise NotPermitted("Tên đăng nhập hoặc mật khẩu không đúng.")
    return api_token_issue(user=user)


def api_token_user(*, raw: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=ApiToken.hash(raw), expires_at__gt=timezone.now(), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
