#!/usr/bin/env bash
# Proves the newest dump restores: restores it into a scratch database and compares the row counts of the main
# tables with the live database (docs/deployment.md, "Backups").
#
#   pg-restore-check.sh [--exact] [dump-file]
#
# dump-file: default the newest motcua-*.dump in $MOTCUA_BACKUP_DIR.
# DATABASE_URL: the live database the counts are compared with (a streaming replica is best: the counts read
#   whole tables).
# MOTCUA_RESTORE_ADMIN_URL: a connection allowed to CREATE/DROP DATABASE on the server that receives the scratch
#   copy (default: DATABASE_URL with the database "postgres"). Use a separate server in production when the
#   primary has no room for a second copy.
# The live database keeps changing after the dump: by default a table passes when the restored count is at most
# the live count and short of it by no more than MOTCUA_RESTORE_TOLERANCE_PERCENT (default 2) percent.
# --exact demands equal counts (a quiet database, as in tests/deploy/test_backup_restore.py).
# Exit status 0 when every table passes; the scratch database is dropped in every case.
set -euo pipefail

exact=0
if [ "${1:-}" = "--exact" ]; then exact=1; shift; fi
: "${DATABASE_URL:?set DATABASE_URL, e.g. from /etc/motcua/motcua.env}"
backup_dir="${MOTCUA_BACKUP_DIR:-/var/backups/motcua}"
tolerance="${MOTCUA_RESTORE_TOLERANCE_PERCENT:-2}"
dump="${1:-$(ls -1t "$backup_dir"/motcua-*.dump 2>/dev/null | head -n 1 || true)}"
[ -n "$dump" ] && [ -r "$dump" ] || { echo "restore check: no dump found (${1:-$backup_dir/motcua-*.dump})" >&2; exit 2; }

# postgres://user:pw@host:port/name?opts -> the same server, another database name.
with_database() { printf '%s' "$1" | sed -E "s#^([a-z]+://[^/]*)/[^?]*#\1/$2#"; }
admin_url="${MOTCUA_RESTORE_ADMIN_URL:-$(with_database "$DATABASE_URL" postgres)}"
scratch="motcua_restore_check_$(date -u +%Y%m%d%H%M%S)_$$"
scratch_url="$(with_database "$admin_url" "$scratch")"

drop_scratch() { psql -q -X "$admin_url" -c "DROP DATABASE IF EXISTS \"$scratch\"" >/dev/null 2>&1 || true; }
trap drop_scratch EXIT

started=$(date +%s)
# An unreadable archive fails here, before a scratch database is made.
pg_restore --list "$dump" >/dev/null || { echo "restore check: FAILED — $dump is not a readable dump" >&2; exit 1; }
psql -q -X -v ON_ERROR_STOP=1 "$admin_url" -c "CREATE DATABASE \"$scratch\"" >/dev/null
# --no-owner/--no-privileges: the scratch copy belongs to whoever restores it; roles of production may not exist.
pg_restore --no-owner --no-privileges --exit-on-error --jobs="${MOTCUA_RESTORE_JOBS:-2}" --dbname="$scratch_url" "$dump"
restored_in=$(( $(date +%s) - started ))

# The tables a province cannot lose; the list ends with those of every app so a missing app is noticed.
main_tables=(
  accounts_user org_unit catalog_procedure catalog_procedureversion
  dossiers_applicant dossiers_dossier dossiers_dossierstep dossiers_dossierevent dossiers_dossierdocument
  dossiers_dossierresult docstore_storeddocument notifications_message ratings_rating
  petitions_petition petitions_petitionevent payments_payment appointments_appointment queues_ticket
  django_migrations
)
# One query per database: "table count" for each main table it has (two psql calls instead of two per table).
counts() {  # url -> lines "table count"
  local present query=""
  present="$(psql -X -At "$1" -c "SELECT tablename FROM pg_tables WHERE schemaname = 'public'
    AND tablename = ANY ('{$(IFS=,; echo "${main_tables[*]}")}'::text[])")"
  for table in $present; do
    query="${query:+$query UNION ALL }SELECT '$table', count(*) FROM public.\"$table\""
  done
  [ -z "$query" ] || psql -X -At -F ' ' "$1" -c "$query"
}
declare -A live_counts restored_counts
while read -r table count; do live_counts[$table]=$count; done < <(counts "$DATABASE_URL")
while read -r table count; do restored_counts[$table]=$count; done < <(counts "$scratch_url")

failed=0
printf '%-34s %12s %12s  %s\n' table live restored result
for table in "${main_tables[@]}"; do
  live="${live_counts[$table]:-missing}"
  restored="${restored_counts[$table]:-missing}"
  result=ok
  if [ "$live" = missing ]; then
    result="not in this version (skipped)"
  elif [ "$restored" = missing ]; then
    result=FAILED; failed=1
  elif [ "$exact" = 1 ]; then
    [ "$restored" -eq "$live" ] || { result=FAILED; failed=1; }
  elif [ "$restored" -gt "$live" ] || [ $(( (live - restored) * 100 )) -gt $(( live * tolerance )) ]; then
    result=FAILED; failed=1
  fi
  printf '%-34s %12s %12s  %s\n' "$table" "$live" "$restored" "$result"
done

tables_live="$(psql -X -At "$DATABASE_URL" -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
tables_restored="$(psql -X -At "$scratch_url" -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
echo "tables: live $tables_live, restored $tables_restored"
[ "$tables_live" = "$tables_restored" ] || failed=1

if [ "$failed" = 0 ]; then
  echo "restore check: OK — $(basename "$dump") restored in ${restored_in} s, $(( $(date +%s) - started )) s in all"
else
  echo "restore check: FAILED — $(basename "$dump")" >&2
  exit 1
fi
