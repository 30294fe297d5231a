"""gunicorn settings for the motcua web processes (docs/deployment.md). Used by deploy/systemd/motcua-web.service:
    gunicorn --config /opt/motcua/deploy/gunicorn.conf.py motcua.wsgi:application
Every value can be changed from /etc/motcua/motcua.env without editing this file."""

import multiprocessing
import os

bind = os.environ.get("MOTCUA_BIND", "127.0.0.1:8000")

# Requests are short and mostly wait on PostgreSQL; the classic 2 × cores + 1 sync workers keep the cores busy.
# Each worker holds one database connection: workers × web hosts must stay under PgBouncer's pool.
workers = int(os.environ.get("MOTCUA_WEB_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
threads = int(os.environ.get("MOTCUA_WEB_THREADS") or 1)
worker_class = "gthread" if threads > 1 else "sync"

# Printing a form (WeasyPrint) or an Excel export of a month takes seconds, never a minute; a request still
# running after this is stuck and its worker is replaced. nginx waits a little longer (proxy_read_timeout 75s).
timeout = int(os.environ.get("MOTCUA_WEB_TIMEOUT") or 60)
graceful_timeout = 30
keepalive = 5

# WeasyPrint and fontTools keep caches that grow; recycling workers keeps memory flat over weeks.
max_requests = 2000
max_requests_jitter = 200

# nginx on the same host sets X-Forwarded-Proto; no one else may.
forwarded_allow_ips = os.environ.get("MOTCUA_FORWARDED_ALLOW_IPS", "127.0.0.1")

# The access line: request id, method, path WITHOUT the query string (%(U)s; queries carry search terms, names,
# phone digits), status, bytes, milliseconds. No client address, no referrer, no user agent. Set
# MOTCUA_ACCESS_LOG= (empty) to keep only the application's own request line (MOTCUA_LOG_FORMAT=json).
accesslog = os.environ.get("MOTCUA_ACCESS_LOG", "-") or None
access_log_format = "%({x-request-id}i)s %(m)s %(U)s %(s)s %(B)s %(M)sms"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

# Not preloaded: `systemctl reload motcua-web` (HUP) then starts workers on the newly installed code while the
# old ones finish their requests.
preload_app = False
proc_name = "motcua-web"
