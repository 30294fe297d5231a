from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese until the person presses the language switch: many Vietnamese browsers ask for English
    first, and a public office's site must not follow them (the choice is kept in the language cookie)."""

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class SecurityHeadersMiddleware:
    """Permissions-Policy, which Django has no setting for: browser features the site never uses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        from .security import PERMISSIONS_POLICY

        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class StaffSessionMiddleware:
    """An officer's session ends when the browser closes (counter PCs are shared), and after
    MOTCUA_STAFF_SESSION_IDLE_MINUTES without a request; citizens keep SESSION_COOKIE_AGE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            self._limit(request, user)
        return self.get_response(request)

    @staticmethod
    def _limit(request, user) -> None:
        import time

        from django.contrib.auth import logout

        session = request.session
        now = int(time.time())
        if "_motcua_staff" not in session:
            # Looked up once per session: the roles query stays off every later request.
            from motcua.org.selectors import user_is_staff_member

            session["_motcua_staff"] = bool(user.is_staff or user_is_staff_member(user))
        if not session["_motcua_staff"]:
            return
        idle_seconds = settings.MOTCUA_STAFF_SESSION_IDLE_MINUTES * 60
        seen = session.get("_motcua_seen", now)
        if idle_seconds and now - seen > idle_seconds:
            logout(request)
            return
        if not session.get_expire_at_browser_close():
            session.set_expiry(0)
        # Written at most once a minute, so an officer's clicks do not each rewrite the session row.
        if now - seen >= 60 or "_motcua_seen" not in session:
            session["_motcua_seen"] = now
