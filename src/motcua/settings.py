"""One settings module; production differs from development only by environment values."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("MOTCUA_DATA_DIR", Path.cwd() / "data")).resolve()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
# The development key is only accepted while DEBUG is on or in tests; `check --deploy` flags it otherwise.
SECRET_KEY = os.environ.get("SECRET_KEY", "django-insecure-motcua-development-only-key-change-me")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "motcua.accounts",
    "motcua.org",
    "motcua.workcal",
    "motcua.catalog",
    "motcua.docstore",
    "motcua.dossiers",
    "motcua.notifications",
    "motcua.ratings",
    "motcua.queues",
    "motcua.appointments",
    "motcua.petitions",
    "motcua.payments",
    "motcua.backoffice",
    "motcua.reports",
    "motcua.portal",
    "motcua.api",
    "motcua.demo",
    "ninja",  # the API docs page from its own static files, not a CDN (the CSP allows only 'self')
    "motcua.privacy",
]

MIDDLEWARE = [
    # First, so that every later middleware's log lines and early answers (redirects) carry the request id.
    "motcua.core.requestlog.RequestIdMiddleware",
    "motcua.core.requestlog.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "motcua.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "motcua.core.middleware.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_default_sqlite = f"sqlite:///{DATA_DIR / 'motcua.sqlite3'}"
if "DATABASE_URL" not in os.environ:
    DATA_DIR.mkdir(parents=True, exist_ok=True)


# Statements prepared on PostgreSQL (a pooler in transaction mode that does not keep them needs 0): every
# statement a connection runs a third time is parsed and planned once for it, the parameters bound by the
# server; and the public status lookup's query from its first run (motcua/core/prepared.py). The counter intake's
# thirty statements were each parsed and planned afresh: 57 → 73 intakes/s over HTTP (docs/performance.md).
MOTCUA_DB_PREPARED_STATEMENTS = env_bool("MOTCUA_DB_PREPARED_STATEMENTS", True)


def _database(url: str) -> dict:
    config = dj_database_url.parse(url)
    if config["ENGINE"] == "django.db.backends.postgresql":
        # Django's, with a health check that costs no round trip while the connection is quiet (core/postgresql).
        config["ENGINE"] = "motcua.core.postgresql"
        if MOTCUA_DB_PREPARED_STATEMENTS:
            options = config.setdefault("OPTIONS", {})
            options.setdefault("server_side_binding", True)
            options.setdefault("prepare_threshold", 2)
    return config


DATABASES = {"default": _database(os.environ.get("DATABASE_URL", _default_sqlite))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several officers write at once even on the embedded default: queue writers instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# Persistent connections: a web worker keeps its database connection between requests instead of opening one
# per request, whose cost (a PostgreSQL backend forked, authenticated, its catalogue caches cold) was larger
# than the public status lookup's own query (docs/performance.md, issue #7). 0 gives one per request again;
# the health check replaces a connection the server or PgBouncer closed meanwhile instead of failing a request.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("MOTCUA_DB_CONN_MAX_AGE", "600"))
# The check runs before each request's first query: a look at the socket, and a `SELECT 1` round trip only when
# the server has sent something since (core/postgresql). MOTCUA_DB_CONN_HEALTH_CHECKS=0 turns it off.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = os.environ.get("MOTCUA_DB_CONN_HEALTH_CHECKS", "1") != "0"
DATABASES["default"].setdefault("TEST", {})
if os.environ.get("MOTCUA_TEST_DB_NAME"):
    DATABASES["default"]["TEST"]["NAME"] = os.environ["MOTCUA_TEST_DB_NAME"]
# A streaming replica of the primary for the figures' reads (motcua/core/replica.py, docs/deployment.md).
if os.environ.get("MOTCUA_REPLICA_DATABASE_URL"):
    DATABASES["replica"] = _database(os.environ["MOTCUA_REPLICA_DATABASE_URL"])
    for _option in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS"):
        DATABASES["replica"][_option] = DATABASES["default"][_option]
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["motcua.core.replica.FiguresReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/dang-nhap/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "vi")
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = Path(os.environ.get("MOTCUA_MEDIA_ROOT", DATA_DIR / "files"))
WHITENOISE_USE_FINDERS = True
# Uploaded scans, signed results and attachments: the media folder, or an S3-compatible bucket (MinIO, Ceph, a
# cloud's object store) when MOTCUA_S3_BUCKET is set, so that several web and worker hosts share them
# (docs/deployment.md). Files are private: they are only ever served through the permission-checked views.
MOTCUA_S3_BUCKET = os.environ.get("MOTCUA_S3_BUCKET", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if MOTCUA_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MOTCUA_S3_BUCKET,
            "endpoint_url": os.environ.get("MOTCUA_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("MOTCUA_S3_REGION") or None,
            # Empty keys: boto3 looks further (instance role, AWS_* variables, ~/.aws).
            "access_key": os.environ.get("MOTCUA_S3_ACCESS_KEY_ID", ""),
            "secret_key": os.environ.get("MOTCUA_S3_SECRET_ACCESS_KEY", ""),
            "location": os.environ.get("MOTCUA_S3_PREFIX", ""),
            # MinIO and most on-premises stores want path-style addresses (https://host/bucket/key).
            "addressing_style": os.environ.get("MOTCUA_S3_ADDRESSING_STYLE") or None,
            "default_acl": None,  # the bucket's policy (private), never public-read
            "querystring_auth": True,
            # Like the folder: a second file of the same name gets a new name instead of replacing the first.
            "file_overwrite": False,
        },
    }

# --- Security (docs/security.md) -----------------------------------------------------------------------------
# MOTCUA_ENV=production turns on HTTPS-only cookies, HSTS and the redirect to HTTPS, and refuses to start with
# the development secret or the demo certificate passphrase. Development keeps plain http://127.0.0.1:8000.
MOTCUA_ENV = os.environ.get("MOTCUA_ENV", "development").strip().lower()
IS_PRODUCTION = MOTCUA_ENV == "production"
if IS_PRODUCTION:
    from motcua.core.security import DEMO_CERT_PASSPHRASE, production_refuse

    production_refuse(
        debug=DEBUG,
        secret_key=SECRET_KEY,
        cert_passphrase=os.environ.get("MOTCUA_CERT_PASSPHRASE", DEMO_CERT_PASSPHRASE),
        allowed_hosts_set=bool(os.environ.get("ALLOWED_HOSTS", "").strip()),
    )
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool(
    "SECURE_COOKIES", IS_PRODUCTION or (not DEBUG and "DATABASE_URL" in os.environ)
)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# No script reads the CSRF cookie: forms carry the token.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
if IS_PRODUCTION and SESSION_COOKIE_SECURE:
    # __Host-: the browser refuses the cookie unless it is Secure, for this host only, on path / (no subdomain
    # of the province's domain can plant or overwrite it).
    SESSION_COOKIE_NAME = "__Host-motcua-session"
    CSRF_COOKIE_NAME = "__Host-motcua-csrf"
SESSION_COOKIE_AGE = int(os.environ.get("MOTCUA_SESSION_HOURS", "336" if not IS_PRODUCTION else "12")) * 3600
# 0: no idle limit (development, where tests travel in time with one signed-in client).
MOTCUA_STAFF_SESSION_IDLE_MINUTES = int(
    os.environ.get("MOTCUA_STAFF_SESSION_IDLE_MINUTES", "60" if IS_PRODUCTION else "0")
)
SECURE_SSL_REDIRECT = env_bool("MOTCUA_SSL_REDIRECT", IS_PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r for r in os.environ.get("MOTCUA_SSL_REDIRECT_EXEMPT", "").split(",") if r.strip()]
if env_bool("MOTCUA_BEHIND_PROXY", IS_PRODUCTION):
    # nginx sets X-Forwarded-Proto; it must overwrite any value the client sent (docs/security.md).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("MOTCUA_HSTS_SECONDS", "31536000" if IS_PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("MOTCUA_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("MOTCUA_HSTS_PRELOAD", True)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# An operator who turns HSTS subdomains or preload off on purpose has decided: no warning for the decision.
SILENCED_SYSTEM_CHECKS = [
    check
    for check, chosen in (
        ("security.W005", SECURE_HSTS_INCLUDE_SUBDOMAINS),
        ("security.W021", SECURE_HSTS_PRELOAD),
    )
    if not chosen
]
# Content Security Policy (django-csp 4): scripts only from our static files, no inline script or handler.
# Inline styles stay allowed (report pages and pygal's SVG charts carry <style>); they cannot run code.
# Forms post only to this site, plus the payment gateway's origin when its checkout is reached by a redirect
# after a POST (MOTCUA_CSP_FORM_ACTION: comma-separated URLs).
from csp.constants import NONE, SELF, UNSAFE_INLINE  # noqa: E402

from motcua.core.security import origin_of  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [
            SELF,
            *sorted({origin_of(u) for u in os.environ.get("MOTCUA_CSP_FORM_ACTION", "").split(",")} - {""}),
        ],
        "upgrade-insecure-requests": IS_PRODUCTION,
    },
}
# Content checks on uploaded scans (backoffice/uploads.py): pixels an image header may claim, pages of a PDF,
# and what a PDF's compressed streams may inflate to.
MOTCUA_UPLOAD_MAX_IMAGE_PIXELS = int(os.environ.get("MOTCUA_UPLOAD_MAX_IMAGE_PIXELS", "80000000"))
MOTCUA_UPLOAD_MAX_PDF_PAGES = int(os.environ.get("MOTCUA_UPLOAD_MAX_PDF_PAGES", "300"))
MOTCUA_UPLOAD_MAX_PDF_INFLATED_BYTES = int(
    os.environ.get("MOTCUA_UPLOAD_MAX_PDF_INFLATED_BYTES", str(256 * 1024 * 1024))
)

CACHES = {
    "default": (
        # Django's RedisCache with one Redis client per process instead of one per call (core/redis_cache.py).
        {"BACKEND": "motcua.core.redis_cache.SharedClientRedisCache", "LOCATION": os.environ["REDIS_URL"]}
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Working calendar defaults (DESIGN §7); a unit's own office hours override them.
MOTCUA_CUTOFF_TIME = os.environ.get("MOTCUA_CUTOFF_TIME", "15:00")
MOTCUA_PROVINCE_CODE = os.environ.get("MOTCUA_PROVINCE_CODE", "H12")
# Public status lookups per client IP per minute (DESIGN §9: codes must not be enumerable).
MOTCUA_STATUS_RATE_PER_MINUTE = int(os.environ.get("MOTCUA_STATUS_RATE_PER_MINUTE", "20"))
# API tokens expire; integration clients ask for a new one.
MOTCUA_API_TOKEN_DAYS = int(os.environ.get("MOTCUA_API_TOKEN_DAYS", "30"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
# Structured logs (docs/deployment.md): MOTCUA_LOG_FORMAT=json writes one JSON object per line for the log
# collector (default: plain lines for a developer's terminal). Every record carries its request's id.
MOTCUA_LOG_FORMAT = os.environ.get("MOTCUA_LOG_FORMAT", "plain").strip().lower()
# The header nginx fills with the client's address (deploy/nginx/motcua.conf: X-Real-IP); empty when the
# web process faces clients directly (docs/deployment.md).
MOTCUA_CLIENT_IP_HEADER = os.environ.get("MOTCUA_CLIENT_IP_HEADER", "").strip()
LOGGING["formatters"]["json"] = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
    "rename_fields": {"levelname": "level", "name": "logger"},
    "timestamp": True,
}
LOGGING.setdefault("filters", {})["request_id"] = {"()": "motcua.core.requestlog.RequestIdFilter"}
LOGGING["handlers"]["console"].setdefault("filters", []).append("request_id")
LOGGING["handlers"]["console"]["formatter"] = {"plain": "plain", "json": "json"}[MOTCUA_LOG_FORMAT]
# Phone numbers, ID numbers and e-mail addresses are masked in every log line, on every handler (docs/privacy.md).
LOGGING.setdefault("filters", {})["personal_data"] = {"()": "motcua.privacy.logfilter.PersonalDataFilter"}
for _handler in LOGGING["handlers"].values():
    _handler.setdefault("filters", []).append("personal_data")

# Citizen accounts (docs/accounts.md): sign in by username, verified phone or e-mail with lockout; VNeID.
AUTHENTICATION_BACKENDS = [
    "motcua.accounts.backends.IdentifierBackend",
    "motcua.accounts.oidc.VneidBackend",
]
MOTCUA_VERIFICATION_CODE_MINUTES = int(os.environ.get("MOTCUA_VERIFICATION_CODE_MINUTES", "10"))
MOTCUA_VERIFICATION_MAX_ATTEMPTS = int(os.environ.get("MOTCUA_VERIFICATION_MAX_ATTEMPTS", "5"))
MOTCUA_ACTIVATION_CODE_HOURS = int(os.environ.get("MOTCUA_ACTIVATION_CODE_HOURS", "72"))
MOTCUA_VERIFICATION_RATE_PER_TARGET_PER_HOUR = int(
    os.environ.get("MOTCUA_VERIFICATION_RATE_PER_TARGET_PER_HOUR", "5")
)
MOTCUA_VERIFICATION_RATE_PER_IP_PER_HOUR = int(
    os.environ.get("MOTCUA_VERIFICATION_RATE_PER_IP_PER_HOUR", "20")
)
# Wrong, expired or unknown verification codes from one client address per hour, whatever the account.
MOTCUA_VERIFICATION_CHECK_FAILURES_PER_IP = int(
    os.environ.get("MOTCUA_VERIFICATION_CHECK_FAILURES_PER_IP", "30")
)
MOTCUA_LOGIN_MAX_FAILURES = int(os.environ.get("MOTCUA_LOGIN_MAX_FAILURES", "5"))
MOTCUA_LOGIN_LOCK_MINUTES = int(os.environ.get("MOTCUA_LOGIN_LOCK_MINUTES", "15"))
# Failed sign-ins (web and API) from one client address per MOTCUA_LOGIN_LOCK_MINUTES, whatever the name: a
# centre's citizens may share one address, hence the margin (docs/security.md).
MOTCUA_LOGIN_FAILURES_PER_IP = int(os.environ.get("MOTCUA_LOGIN_FAILURES_PER_IP", "50"))
# Unknown or expired API tokens from one client address per 15 minutes.
MOTCUA_API_TOKEN_FAILURES_PER_IP = int(os.environ.get("MOTCUA_API_TOKEN_FAILURES_PER_IP", "30"))
# Wrong current passwords when changing one's own password, per account per MOTCUA_LOGIN_LOCK_MINUTES.
MOTCUA_PASSWORD_CHANGE_FAILURES_PER_USER = int(
    os.environ.get("MOTCUA_PASSWORD_CHANGE_FAILURES_PER_USER", "5")
)
# VNeID over OpenID Connect: on only when issuer, client id and secret are all set.
MOTCUA_OIDC_ISSUER = os.environ.get("MOTCUA_OIDC_ISSUER", "")
MOTCUA_OIDC_CLIENT_ID = os.environ.get("MOTCUA_OIDC_CLIENT_ID", "")
MOTCUA_OIDC_CLIENT_SECRET = os.environ.get("MOTCUA_OIDC_CLIENT_SECRET", "")
MOTCUA_OIDC_SCOPES = os.environ.get("MOTCUA_OIDC_SCOPES", "openid profile email phone")
MOTCUA_OIDC_ID_NUMBER_CLAIM = os.environ.get("MOTCUA_OIDC_ID_NUMBER_CLAIM", "id_number")
MOTCUA_OIDC_SIGN_ALGO = os.environ.get("MOTCUA_OIDC_SIGN_ALGO", "RS256")
MOTCUA_OIDC_USE_PKCE = env_bool("MOTCUA_OIDC_USE_PKCE", True)
MOTCUA_OIDC_TIMEOUT_SECONDS = int(os.environ.get("MOTCUA_OIDC_TIMEOUT_SECONDS", "10"))
# Explicit endpoints win over the issuer's discovery document (/.well-known/openid-configuration).
MOTCUA_OIDC_AUTHORIZATION_ENDPOINT = os.environ.get("MOTCUA_OIDC_AUTHORIZATION_ENDPOINT", "")
MOTCUA_OIDC_TOKEN_ENDPOINT = os.environ.get("MOTCUA_OIDC_TOKEN_ENDPOINT", "")
MOTCUA_OIDC_USERINFO_ENDPOINT = os.environ.get("MOTCUA_OIDC_USERINFO_ENDPOINT", "")
MOTCUA_OIDC_JWKS_ENDPOINT = os.environ.get("MOTCUA_OIDC_JWKS_ENDPOINT", "")

# Public postal service (docs/postal.md): the adapter that reaches the post office, and where the default
# "manual" adapter writes each day's requests for the centre to hand to the post office.
MOTCUA_POSTAL_ADAPTER = os.environ.get("MOTCUA_POSTAL_ADAPTER", "motcua.dossiers.postal.ManualPostalAdapter")
MOTCUA_POSTAL_MANUAL_DIR = Path(os.environ.get("MOTCUA_POSTAL_MANUAL_DIR", DATA_DIR / "postal"))

# Electronic results (docs/results.md): each unit's PKCS#12 certificate is MOTCUA_CERT_DIR/<agency code>.p12,
# all protected by one passphrase (set it in production: the default only suits the demo). A verifier trusts
# the certificates in MOTCUA_CERT_DIR/trust/ and the files listed in MOTCUA_TRUST_ROOTS (os.pathsep-separated).
MOTCUA_CERT_DIR = Path(os.environ.get("MOTCUA_CERT_DIR", DATA_DIR / "certs"))
MOTCUA_CERT_PASSPHRASE = os.environ.get("MOTCUA_CERT_PASSPHRASE", "motcua-demo-certificates")
MOTCUA_TRUST_ROOTS = [p for p in os.environ.get("MOTCUA_TRUST_ROOTS", "").split(os.pathsep) if p.strip()]
# Uploads to the public signature check per client IP per minute.
MOTCUA_VERIFY_RATE_PER_MINUTE = int(os.environ.get("MOTCUA_VERIFY_RATE_PER_MINUTE", "10"))
# pyHanko logs every failed check with a traceback; a failed check is a verdict here, not an error.
LOGGING["loggers"].update({"pyhanko": {"level": "ERROR"}, "pyhanko_certvalidator": {"level": "ERROR"}})

# Notifications (docs/notifications.md): e-mail and SMS written to an outbox, delivered by Celery workers when a
# broker is configured, by `motcua worker` otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "")
MOTCUA_PUBLIC_URL = os.environ.get("MOTCUA_PUBLIC_URL", "http://localhost:8000").rstrip("/")
# The file backends write what would have been sent here; the default keeps personal data out of the logs.
MOTCUA_OUTBOX_DIR = Path(os.environ.get("MOTCUA_OUTBOX_DIR", DATA_DIR / "outbox"))
MOTCUA_EMAIL_BACKEND = os.environ.get("MOTCUA_EMAIL_BACKEND", "file")  # console | file | smtp
EMAIL_BACKEND = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}[MOTCUA_EMAIL_BACKEND]  # a typo fails at start-up, not at the first send
EMAIL_FILE_PATH = MOTCUA_OUTBOX_DIR / "email"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Hệ thống một cửa điện tử <khong-tra-loi@localhost>"
)
MOTCUA_SMS_BACKEND = os.environ.get("MOTCUA_SMS_BACKEND", "file")  # console | file | http
MOTCUA_SMS_URL = os.environ.get("MOTCUA_SMS_URL", "")
MOTCUA_SMS_TOKEN = os.environ.get("MOTCUA_SMS_TOKEN", "")
MOTCUA_SMS_TIMEOUT = float(os.environ.get("MOTCUA_SMS_TIMEOUT", "10"))
# Retries wait 1, 2, 4 … minutes, at most 30; 110 attempts keep a message alive for about 52 hours.
MOTCUA_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("MOTCUA_OUTBOX_MAX_ATTEMPTS", "110"))
MOTCUA_OUTBOX_RETRY_BASE_SECONDS = int(os.environ.get("MOTCUA_OUTBOX_RETRY_BASE_SECONDS", "60"))
MOTCUA_OUTBOX_RETRY_CAP_SECONDS = int(os.environ.get("MOTCUA_OUTBOX_RETRY_CAP_SECONDS", "1800"))
MOTCUA_OUTBOX_LEASE_SECONDS = int(os.environ.get("MOTCUA_OUTBOX_LEASE_SECONDS", "300"))
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The sweep retries what failed and delivers what a lost task or a broker outage left behind.
CELERY_BEAT_SCHEDULE = {
    "notifications-deliver-due": {"task": "notifications.deliver_due", "schedule": 60.0},
}

# Satisfaction ratings at the counter tablet: dossier look-ups per client IP per minute (codes must not be
# enumerable), how long a found dossier stays open for rating, and how long the thank-you screen shows.
MOTCUA_RATING_KIOSK_RATE_PER_MINUTE = int(os.environ.get("MOTCUA_RATING_KIOSK_RATE_PER_MINUTE", "20"))
MOTCUA_RATING_KIOSK_SESSION_SECONDS = int(os.environ.get("MOTCUA_RATING_KIOSK_SESSION_SECONDS", "300"))
MOTCUA_RATING_KIOSK_RESET_SECONDS = int(os.environ.get("MOTCUA_RATING_KIOSK_RESET_SECONDS", "8"))

# Fees and online payment (docs/payments.md). The fake gateway is a local page that plays the bank: the default
# for development, the demo and the tests, refused by `check --deploy` (payments.E001). Empty: no online payment.
MOTCUA_PAYMENT_GATEWAY = os.environ.get("MOTCUA_PAYMENT_GATEWAY", "motcua.payments.gateways.FakeGateway")
MOTCUA_PAYMENT_SECRET = os.environ.get("MOTCUA_PAYMENT_SECRET", "motcua-fake-gateway-development-secret")
# Reconciliation asks the gateway about online payments pending longer than this, and gives up on those still
# unanswered after the second delay.
MOTCUA_PAYMENT_RECONCILE_AFTER_MINUTES = int(os.environ.get("MOTCUA_PAYMENT_RECONCILE_AFTER_MINUTES", "15"))
MOTCUA_PAYMENT_EXPIRE_AFTER_MINUTES = int(os.environ.get("MOTCUA_PAYMENT_EXPIRE_AFTER_MINUTES", "60"))
CELERY_BEAT_SCHEDULE["payments-reconcile"] = {"task": "payments.reconcile", "schedule": 300.0}
