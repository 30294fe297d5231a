from ninja.security import HttpBearer, django_auth

from motcua.accounts.services import api_token_user
from motcua.core.ratelimit import client_ip


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = api_token_user(raw=token, ip=client_ip(request))
        if user is not None:
            request.user = user
        return user


def session_user(request):
    """Browser session (CSRF is checked by django-ninja for session-authenticated unsafe methods)."""
    return django_auth(request)


# Either a bearer token (integration clients) or the browser session (our own pages).
staff_or_token = [BearerToken(), django_auth]
