"""Production safety: what settings.py refuses at start-up, and the response headers Django has no setting for.

Production is selected by MOTCUA_ENV=production (docs/security.md); everything else keeps the development
defaults, so the demo and the tests run over plain http://127.0.0.1:8000."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

DEVELOPMENT_SECRET_KEY = "django-insecure-motcua-development-only-key-change-me"
DEMO_CERT_PASSPHRASE = "motcua-demo-certificates"
MIN_SECRET_KEY_LENGTH = 50

# Browser features the site never uses: a script injected despite the CSP still cannot reach them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)


def production_refusals(
    *, debug: bool, secret_key: str, cert_passphrase: str, allowed_hosts_set: bool
) -> list[str]:
    """Why production must not start with these values (empty when it may). A known SECRET_KEY lets anyone
    forge sessions, password-reset links and rating tokens; the demo passphrase opens every unit's signing key."""
    problems = []
    if debug:
        problems.append("DEBUG is on: it shows code, settings and personal data on every error page.")
    if secret_key == DEVELOPMENT_SECRET_KEY or secret_key.startswith("django-insecure"):
        problems.append("SECRET_KEY is the development key: set SECRET_KEY to 50 or more random characters.")
    elif len(secret_key) < MIN_SECRET_KEY_LENGTH or len(set(secret_key)) < 5:
        problems.append(
            f"SECRET_KEY is too short or too simple: use {MIN_SECRET_KEY_LENGTH}+ random characters."
        )
    if cert_passphrase == DEMO_CERT_PASSPHRASE:
        problems.append(
            "MOTCUA_CERT_PASSPHRASE is the demo passphrase: set the units' certificate passphrase."
        )
    if not allowed_hosts_set:
        problems.append("ALLOWED_HOSTS is not set: list the site's host names (e.g. motcua.example.gov.vn).")
    return problems


def production_refuse(**values) -> None:
    problems = production_refusals(**values)
    if problems:
        raise ImproperlyConfigured(
            "MOTCUA_ENV=production refuses to start:\n  - "
            + "\n  - ".join(problems)
            + "\nSee docs/security.md."
        )


def origin_of(url: str) -> str:
    """scheme://host[:port] of an absolute URL, '' for anything else (a relative path, an empty value)."""
    parts = urlsplit(url or "")
    if parts.scheme in {"http", "https"} and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return ""
