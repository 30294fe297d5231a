"""Production is selected by MOTCUA_ENV=production: Django's deploy checks pass with nothing but environment
values, and a known secret refuses to start."""

import os
import secrets
import subprocess
import sys

import pytest

RANDOM_SECRET = secrets.token_urlsafe(50)


def _production_env(tmp_path, **overrides) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MOTCUA_", "DJANGO_", "SECURE_", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"))
    }
    env.update(
        MOTCUA_ENV="production",
        SECRET_KEY=RANDOM_SECRET,
        ALLOWED_HOSTS="example.gov.vn",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/motcua",
        MOTCUA_CERT_PASSPHRASE="a-passphrase-only-the-province-knows",
        MOTCUA_PAYMENT_GATEWAY="",  # no online payment: the fake gateway is refused by payments.E001
        MOTCUA_DATA_DIR=str(tmp_path),
    )
    env.update(overrides)
    return env


def _motcua(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from motcua.cli import main; main()", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_deploy_checks_pass_with_production_environment(tmp_path):
    result = _motcua("check", "--deploy", "--fail-level", "WARNING", env=_production_env(tmp_path))
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_settings_values(tmp_path):
    script = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SESSION_COOKIE_NAME, s.SECURE_PROXY_SSL_HEADER, s.CSRF_TRUSTED_ORIGINS)"
    )
    env = _production_env(tmp_path, CSRF_TRUSTED_ORIGINS="https://motcua.example.gov.vn")
    result = _motcua("shell", "--no-imports", "-c", script, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "True 31536000 True True __Host-motcua-session ('HTTP_X_FORWARDED_PROTO', 'https') "
        "['https://motcua.example.gov.vn']"
    )


def test_form_action_admits_the_payment_gateway_origin(tmp_path):
    # A checkout reached by a redirect after our POST counts as a form target for the browser.
    script = (
        "from django.conf import settings as s; print(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])"
    )
    env = _production_env(tmp_path, MOTCUA_CSP_FORM_ACTION="https://pay.example.vn/checkout?x=1,/local/")
    result = _motcua("shell", "--no-imports", "-c", script, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[\"'self'\", 'https://pay.example.vn']"


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        (
            {"SECRET_KEY": "django-insecure-motcua-development-only-key-change-me"},
            "SECRET_KEY is the development",
        ),
        ({"SECRET_KEY": None}, "SECRET_KEY is the development"),
        ({"SECRET_KEY": "short-secret"}, "SECRET_KEY is too short"),
        ({"MOTCUA_CERT_PASSPHRASE": "motcua-demo-certificates"}, "MOTCUA_CERT_PASSPHRASE is the demo"),
        ({"MOTCUA_CERT_PASSPHRASE": None}, "MOTCUA_CERT_PASSPHRASE is the demo"),
        ({"DEBUG": "1"}, "DEBUG is on"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS is not set"),
    ],
)
def test_production_refuses_known_secrets(tmp_path, overrides, reason):
    env = _production_env(tmp_path)
    for key, value in overrides.items():
        if value is None:
            env.pop(key)
        else:
            env[key] = value
    result = _motcua("check", env=env)
    assert result.returncode != 0
    assert "MOTCUA_ENV=production refuses to start" in result.stderr
    assert reason in result.stderr


def test_development_defaults_serve_plain_http(settings):
    # The tests run on the development defaults: the demo must keep working over http://127.0.0.1:8000.
    assert settings.MOTCUA_ENV == "development"
    assert settings.SECURE_SSL_REDIRECT is False
    assert settings.SECURE_HSTS_SECONDS == 0
    assert settings.SESSION_COOKIE_NAME == "sessionid"
