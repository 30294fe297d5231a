"""Django's authentication entry point for passwords: username, verified phone or verified e-mail, with the
lockout of `user_authenticate`."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from .exceptions import AccountLocked
from .services import user_authenticate


class IdentifierBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        try:
            return user_authenticate(name=username, password=password)
        except AccountLocked as exc:
            # PermissionDenied stops Django from asking the other backends; the sign-in form reads the
            # reason from the request to show the lockout message instead of "wrong password".
            if request is not None:
                request.motcua_account_locked = exc
            raise PermissionDenied from exc
