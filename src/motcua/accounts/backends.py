"""Django's authentication entry point for passwords: username, verified phone or verified e-mail, with the
lockout of `user_authenticate`."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from motcua.core.exceptions import RateLimited
from motcua.core.ratelimit import client_ip

from .services import user_authenticate


class IdentifierBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        try:
            return user_authenticate(
                name=username, password=password, ip=client_ip(request) if request is not None else ""
            )
        except RateLimited as exc:  # the name is locked, or the client address made too many failures
            # PermissionDenied stops Django from asking the other backends; the sign-in form reads the
            # reason from the request to show the lockout message instead of "wrong password".
            if request is not None:
                request.motcua_account_locked = exc
            raise PermissionDenied from exc
