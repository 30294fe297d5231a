"""VNeID (the national e-ID) over OpenID Connect, with mozilla-django-oidc.

Everything is read from settings when used, not at import, so a province switches it on by setting
MOTCUA_OIDC_ISSUER, MOTCUA_OIDC_CLIENT_ID and MOTCUA_OIDC_CLIENT_SECRET (and tests can switch it on with
`settings` overrides). Endpoints come from explicit MOTCUA_OIDC_*_ENDPOINT settings or, failing those, the
issuer's discovery document, cached for an hour."""

import logging

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from motcua.core.exceptions import DomainError

logger = logging.getLogger("motcua.accounts.oidc")

DISCOVERY_CACHE_SECONDS = 3600
ENDPOINT_SETTINGS = {
    "authorization_endpoint": "MOTCUA_OIDC_AUTHORIZATION_ENDPOINT",
    "token_endpoint": "MOTCUA_OIDC_TOKEN_ENDPOINT",
    "userinfo_endpoint": "MOTCUA_OIDC_USERINFO_ENDPOINT",
    "jwks_uri": "MOTCUA_OIDC_JWKS_ENDPOINT",
}


class OidcUnavailable(DomainError):
    code = "oidc_unavailable"
    http_status = 503


def oidc_is_enabled() -> bool:
    return all(
        getattr(settings, name, "")
        for name in ("MOTCUA_OIDC_ISSUER", "MOTCUA_OIDC_CLIENT_ID", "MOTCUA_OIDC_CLIENT_SECRET")
    )


def oidc_issuer() -> str:
    return settings.MOTCUA_OIDC_ISSUER.rstrip("/")


def oidc_endpoints() -> dict[str, str]:
    """The provider's endpoints: explicit settings first, then the discovery document."""
    explicit = {key: getattr(settings, name, "") for key, name in ENDPOINT_SETTINGS.items()}
    if all(explicit.values()):
        return explicit
    issuer = oidc_issuer()
    cache_key = f"oidc-discovery:{issuer}"
    document = cache.get(cache_key)
    if document is None:
        try:
            response = requests.get(
                f"{issuer}/.well-known/openid-configuration", timeout=settings.MOTCUA_OIDC_TIMEOUT_SECONDS
            )
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as exc:
            logger.warning("oidc discovery failed", extra={"error": type(exc).__name__})
            raise OidcUnavailable("Dịch vụ định danh điện tử VNeID tạm thời không kết nối được.") from exc
        if str(document.get("issuer", "")).rstrip("/") != issuer:
            # OpenID Connect Discovery §4.3: the document must name the issuer it was fetched from.
            raise OidcUnavailable("Cấu hình VNeID không khớp với nhà cung cấp định danh.")
        cache.set(cache_key, document, timeout=DISCOVERY_CACHE_SECONDS)
    endpoints = {key: explicit[key] or document.get(key, "") for key in ENDPOINT_SETTINGS}
    if not all(endpoints.values()):
        raise OidcUnavailable("Cấu hình VNeID thiếu địa chỉ kết nối.")
    return endpoints


def oidc_setting(attr: str, *default):
    """What mozilla-django-oidc asks for, answered from our settings (read at call time)."""
    mapped = {
        "OIDC_RP_CLIENT_ID": lambda: settings.MOTCUA_OIDC_CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": lambda: settings.MOTCUA_OIDC_CLIENT_SECRET,
        "OIDC_RP_SIGN_ALGO": lambda: settings.MOTCUA_OIDC_SIGN_ALGO,
        "OIDC_RP_SCOPES": lambda: settings.MOTCUA_OIDC_SCOPES,
        "OIDC_USE_PKCE": lambda: settings.MOTCUA_OIDC_USE_PKCE,
        "OIDC_TIMEOUT": lambda: settings.MOTCUA_OIDC_TIMEOUT_SECONDS,
        "OIDC_AUTHENTICATION_CALLBACK_URL": lambda: "portal:vneid_callback",
        "OIDC_OP_AUTHORIZATION_ENDPOINT": lambda: oidc_endpoints()["authorization_endpoint"],
        "OIDC_OP_TOKEN_ENDPOINT": lambda: oidc_endpoints()["token_endpoint"],
        "OIDC_OP_USER_ENDPOINT": lambda: oidc_endpoints()["userinfo_endpoint"],
        "OIDC_OP_JWKS_ENDPOINT": lambda: oidc_endpoints()["jwks_uri"],
        # The tokens are not kept: the portal session is all the citizen needs.
        "OIDC_STORE_ACCESS_TOKEN": lambda: False,
        "OIDC_STORE_ID_TOKEN": lambda: False,
        "OIDC_CREATE_USER": lambda: True,
    }
    if attr in mapped:
        return mapped[attr]()
    return import_from_settings(attr, *default)


class VneidBackend(OIDCAuthenticationBackend):
    """Signs in through the authorization-code flow only when VNeID is switched on; maps claims to a user with
    `user_sign_in_with_vneid` instead of the library's e-mail matching."""

    def __init__(self, *args, **kwargs):
        # The library reads every endpoint here; Django builds a backend for each session lookup, so that
        # would fetch the discovery document on every request. They are read in `authenticate` instead.
        self.UserModel = get_user_model()

    get_settings = staticmethod(oidc_setting)

    def authenticate(self, request, **kwargs):
        # Only the callback view passes `nonce`; a password form never reaches the token endpoint.
        if request is None or "nonce" not in kwargs or "username" in kwargs or not oidc_is_enabled():
            return None
        endpoints = oidc_endpoints()
        self.OIDC_OP_TOKEN_ENDPOINT = endpoints["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = endpoints["userinfo_endpoint"]
        self.OIDC_OP_JWKS_ENDPOINT = endpoints["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = settings.MOTCUA_OIDC_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.MOTCUA_OIDC_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.MOTCUA_OIDC_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        return super().authenticate(request, **kwargs)

    def retrieve_matching_jwk(self, token):
        if "kid" in jwt.get_unverified_header(token):
            return super().retrieve_matching_jwk(token)
        # "kid" is optional (RFC 7515 §4.1.4); without it the provider's one signing key is the only fit.
        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.MOTCUA_OIDC_TIMEOUT_SECONDS)
        response.raise_for_status()
        algorithm = jwt.get_unverified_header(token).get("alg")
        keys = [
            key
            for key in response.json().get("keys", [])
            if key.get("use", "sig") == "sig" and key.get("alg", algorithm) == algorithm
        ]
        if len(keys) != 1:
            raise SuspiciousOperation("No single signing key for a token without kid")
        return jwt.PyJWK(keys[0])

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        # The library checks the signature and the nonce; the issuer and the audience are checked here
        # (OpenID Connect Core §3.1.3.7), so a token minted for another client is refused.
        if str(payload.get("iss", "")).rstrip("/") != oidc_issuer():
            raise SuspiciousOperation("ID token issuer does not match")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.MOTCUA_OIDC_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token audience does not match")
        return payload

    def verify_claims(self, claims):
        return bool(claims.get("sub"))

    def get_or_create_user(self, access_token, id_token, payload):
        from .services import user_sign_in_with_vneid

        claims = self.get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload.get("sub"):
            # OpenID Connect Core §5.3.2: the UserInfo response must be about the ID token's subject.
            raise SuspiciousOperation("UserInfo subject differs from the ID token's")
        if not self.verify_claims(claims):
            raise SuspiciousOperation("Claims verification failed")
        try:
            return user_sign_in_with_vneid(issuer=oidc_issuer(), claims={**payload, **claims})
        except DomainError as exc:
            if self.request is not None:
                self.request.motcua_vneid_error = exc.message
            return None
