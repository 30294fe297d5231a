"""Runnable checks of the example deployment files in deploy/ (docs/deployment.md): they must keep matching the
application as it changes (settings, upload limits, logging rules)."""

import configparser
import multiprocessing
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from motcua.backoffice.uploads import MAX_UPLOAD_BYTES
from motcua.catalog.admin import MAX_IMPORT_BYTES
from motcua.dossiers.results import MAX_RESULT_BYTES
from motcua.petitions.attachments import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
NGINX = (DEPLOY / "nginx" / "motcua.conf").read_text()


def _directives(text: str, name: str) -> list[str]:
    code = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    return [value.strip() for value in re.findall(rf"(?:^|[{{;}}])\s*{name}\s+([^;{{}}]*);", code, re.M)]


def test_the_environment_example_documents_every_setting():
    settings_source = (ROOT / "src" / "motcua" / "settings.py").read_text()
    read = set(
        re.findall(r'(?:os\.environ\.get\(|os\.environ\[|env_bool\()\s*"([A-Z][A-Z0-9_]+)"', settings_source)
    )
    gunicorn = set(
        re.findall(r'os\.environ\.get\("([A-Z][A-Z0-9_]+)"', (DEPLOY / "gunicorn.conf.py").read_text())
    )
    documented = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", (DEPLOY / "motcua.env.example").read_text(), re.M))
    missing = sorted((read | gunicorn) - documented)
    assert not missing, f"add these to deploy/motcua.env.example with a comment: {missing}"


def test_gunicorn_logs_no_query_strings_nor_client_addresses():
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    log_format = config["access_log_format"]
    assert "%(U)s" in log_format and "{x-request-id}i" in log_format
    for atom in ("%(r)s", "%(q)s", "%(h)s", "%(f)s", "%(a)s", "%(u)s"):
        assert atom not in log_format, atom
    assert config["workers"] == multiprocessing.cpu_count() * 2 + 1
    # nginx gives up after gunicorn does, so the citizen sees the application's answer, not a 504.
    assert config["timeout"] < int(_directives(NGINX, "proxy_read_timeout")[0].rstrip("s"))


def test_gunicorn_accepts_the_configuration(tmp_path):
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--check-config",
            "--config",
            str(DEPLOY / "gunicorn.conf.py"),
            "motcua.wsgi:application",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "MOTCUA_DATA_DIR": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr


def _megabytes(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", value).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit.lower()]


def test_nginx_accepts_the_largest_request_the_application_accepts():
    (body,) = _directives(NGINX, "client_max_body_size")
    limits = [
        MAX_UPLOAD_BYTES * 3,
        MAX_RESULT_BYTES,
        MAX_IMPORT_BYTES,
        MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES,
    ]
    assert _megabytes(body) >= max(limits)


def test_nginx_never_serves_uploaded_files_itself():
    # Scans and results go out only through permission-checked views: no folder is served but static files.
    assert _directives(NGINX, "root") == ["/var/www/letsencrypt"]
    assert all("static" in alias for alias in _directives(NGINX, "alias"))
    assert "location /media/ { return 404; }" in NGINX
    assert "files" not in " ".join(_directives(NGINX, "alias") + _directives(NGINX, "root"))


def test_nginx_overwrites_the_headers_the_application_trusts_and_logs_no_query():
    headers = {value.split()[0]: value.split(None, 1)[1] for value in _directives(NGINX, "proxy_set_header")}
    assert headers["X-Forwarded-Proto"] == "$scheme"
    assert headers["X-Real-IP"] == "$remote_addr"
    assert headers["X-Request-ID"] == "$request_id"
    log_format = NGINX[NGINX.index("log_format") : NGINX.index(";", NGINX.index("log_format"))]
    for variable in ("$request ", "$request_uri", "$args", "$query_string", "$remote_addr", "$http_referer"):
        assert variable not in log_format + " ", variable
    assert "$uri" in log_format and "$request_id" in log_format


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / "systemd" / name)
    return parser


@pytest.mark.parametrize("name", ["motcua-web.service", "motcua-worker.service", "motcua-beat.service"])
def test_every_service_reads_the_environment_file_as_the_motcua_user(name):
    service = _unit(name)["Service"]
    assert service["EnvironmentFile"] == "/etc/motcua/motcua.env"
    assert service["User"] == "motcua"
    assert service["ExecStart"].startswith("/opt/motcua/venv/bin/")


def test_beat_runs_in_its_own_unit_and_never_inside_a_worker():
    worker = _unit("motcua-worker.service")["Service"]["ExecStart"].split()
    beat = _unit("motcua-beat.service")["Service"]["ExecStart"].split()
    assert "worker" in worker and "--beat" not in worker and "-B" not in worker
    assert "beat" in beat and "worker" not in beat
    web = _unit("motcua-web.service")["Service"]["ExecStart"]
    assert "gunicorn.conf.py" in web and web.endswith("motcua.wsgi:application")


def test_the_backup_timer_starts_the_backup_and_its_restore_check():
    timer = _unit("motcua-pg-backup.timer")
    service = _unit("motcua-pg-backup.service")["Service"]
    assert timer["Timer"]["Persistent"] == "true"
    assert service["ExecStart"].endswith("deploy/backup/pg-backup.sh")
    assert service["ExecStartPost"].endswith("deploy/backup/pg-restore-check.sh")


@pytest.mark.parametrize("script", ["pg-backup.sh", "pg-restore-check.sh"])
def test_backup_scripts_parse(script):
    path = DEPLOY / "backup" / script
    assert path.stat().st_mode & 0o111, "not executable"
    assert subprocess.run(["bash", "-n", str(path)], capture_output=True).returncode == 0
    if shutil.which("shellcheck"):
        done = subprocess.run(["shellcheck", "-S", "warning", str(path)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout


@pytest.mark.parametrize("name", sorted(path.name for path in (DEPLOY / "systemd").iterdir()))
def test_systemd_accepts_the_unit(name, tmp_path):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze not installed")
    # On a machine without the installation, systemd only misses /opt/motcua's programs: anything else fails.
    done = subprocess.run(
        ["systemd-analyze", "verify", str(DEPLOY / "systemd" / name)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    problems = [
        line
        for line in (done.stdout + done.stderr).splitlines()
        if line.strip() and "/opt/motcua/" not in line
    ]
    assert not problems, problems
