#!/usr/bin/env bash
# Nightly dump of the motcua database (deploy/systemd/motcua-pg-backup.timer, docs/deployment.md).
#
#   pg-backup.sh            # dumps $DATABASE_URL into $MOTCUA_BACKUP_DIR
#
# pg_dump's custom format (-Fc): compressed, restorable table by table, in parallel (pg_restore --jobs).
# The dump is written under a temporary name and renamed once pg_restore can read its table of contents, so
# a half-written file is never taken for a backup. Dumps older than MOTCUA_BACKUP_KEEP_DAYS are deleted,
# except the newest one: a backup that stopped working must not also delete the last good dump.
# Copy the folder off the host (another site, object storage): a backup on the database server is not one.
set -euo pipefail

: "${DATABASE_URL:?set DATABASE_URL (postgres://user:password@host:port/name), e.g. from /etc/motcua/motcua.env}"
backup_dir="${MOTCUA_BACKUP_DIR:-/var/backups/motcua}"
keep_days="${MOTCUA_BACKUP_KEEP_DAYS:-14}"

umask 077  # dumps hold every citizen's personal data
mkdir -p "$backup_dir"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
final="$backup_dir/motcua-$stamp.dump"
partial="$backup_dir/.motcua-$stamp.dump.partial"
trap 'rm -f "$partial"' EXIT

started=$(date +%s)
pg_dump --format=custom --compress=6 --dbname="$DATABASE_URL" --file="$partial"
pg_restore --list "$partial" >/dev/null
mv "$partial" "$final"

# Retention: everything older than keep_days, never the newest dump.
newest="$(ls -1t "$backup_dir"/motcua-*.dump | head -n 1)"
find "$backup_dir" -maxdepth 1 -type f -name 'motcua-*.dump' -mtime +"$keep_days" ! -path "$newest" -print -delete \
  | sed 's/^/deleted old dump: /'

echo "backup: $final ($(du -h "$final" | cut -f1), $(( $(date +%s) - started )) s)"
