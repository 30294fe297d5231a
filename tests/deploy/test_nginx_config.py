"""nginx itself reads deploy/nginx/motcua.conf (`nginx -t`): the text checks in test_deploy_files.py cannot see
an unknown directive, a directive in the wrong block or a warning that nginx prints at every reload.

The site file is included from a minimal main configuration in a temporary folder, as /etc/nginx/nginx.conf
includes it on a server; its certificate paths point at a self-signed pair made here and its logs at the
temporary folder, so the test needs neither root nor Let's Encrypt."""

import datetime
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

SITE = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "motcua.conf"
HOST = "motcua.h12.gov.vn"
CERTIFICATE = f"/etc/letsencrypt/live/{HOST}/fullchain.pem"
KEY = f"/etc/letsencrypt/live/{HOST}/privkey.pem"
# nginx from 1.25.1 prefers `http2 on;`, which the 1.22 of Debian 12 does not know: the old form must stay
# until the servers run a newer nginx, and its deprecation notice is the only warning allowed.
ALLOWED_WARNINGS = ('the "listen ... http2" directive is deprecated',)


def _nginx() -> str | None:
    # /usr/sbin is not on every user's PATH.
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


pytestmark = pytest.mark.skipif(
    _nginx() is None,
    reason="nginx is not installed (apt-get install nginx-light): deploy/nginx/motcua.conf is not checked "
    "by nginx -t",
)


def _self_signed_pair(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOST)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    certificate_path, key_path = folder / "fullchain.pem", folder / "privkey.pem"
    certificate_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return certificate_path, key_path


def _site_in(folder: Path) -> Path:
    text = SITE.read_text()
    for path in (CERTIFICATE, KEY, "/var/log/nginx/"):
        assert path in text, f"{path} is no longer in the site file: update this test's replacements"
    certificate, key = _self_signed_pair(folder)
    text = (
        text.replace(CERTIFICATE, str(certificate))
        .replace(KEY, str(key))
        .replace("/var/log/nginx/", f"{folder}/")
    )
    site = folder / "motcua.conf"
    site.write_text(text)
    return site


def _main_configuration(folder: Path, site: Path) -> Path:
    temporary = "\n".join(
        f"    {kind}_temp_path {folder}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    mime = Path("/etc/nginx/mime.types")
    main = folder / "nginx.conf"
    main.write_text(
        f"pid {folder}/nginx.pid;\n"
        f"error_log {folder}/error.log;\n"
        "events {}\n"
        "http {\n" + (f"    include {mime};\n" if mime.exists() else "") + f"{temporary}\n"
        f"    access_log {folder}/access.log;\n"
        f"    include {site};\n"
        "}\n"
    )
    return main


def test_nginx_accepts_the_site_file_without_warnings(tmp_path):
    main = _main_configuration(tmp_path, _site_in(tmp_path))
    result = subprocess.run(
        [_nginx(), "-t", "-c", str(main), "-p", f"{tmp_path}/", "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "test is successful" in output, output
    problems = [
        line
        for line in output.splitlines()
        if ("[warn]" in line or "[emerg]" in line or "[alert]" in line)
        and not any(allowed in line for allowed in ALLOWED_WARNINGS)
    ]
    assert not problems, "\n".join(problems)


def test_nginx_refuses_a_broken_site_file(tmp_path):
    """The check above can fail: a directive in the wrong block is refused."""
    site = _site_in(tmp_path)
    site.write_text(
        site.read_text().replace("upstream motcua_web {", "upstream motcua_web {\n    listen 81;", 1)
    )
    main = _main_configuration(tmp_path, site)
    result = subprocess.run(
        [_nginx(), "-t", "-c", str(main), "-p", f"{tmp_path}/", "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode != 0
    assert '"listen" directive is not allowed here' in result.stderr
