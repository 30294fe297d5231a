-- What to alert on, read from the database (docs/deployment.md, "Monitoring"). Run on the streaming replica:
--   psql "$DATABASE_URL" -At -F ' ' -f deploy/monitoring/alerts.sql
-- Each query returns one row: the check's name and a number; the thresholds are in the documentation.
-- tests/deploy/test_monitoring.py runs every query against the test database.

-- E-mail and SMS due for more than 10 minutes and not delivered: workers down, broker down or gateway refusing.
SELECT 'outbox_backlog', count(*) FROM notifications_message
 WHERE status = 'pending' AND next_attempt_at < now() - interval '10 minutes';

-- Minutes the oldest due message has waited (0 when none).
SELECT 'outbox_oldest_minutes', coalesce(floor(extract(epoch FROM now() - min(next_attempt_at)) / 60), 0)::int
  FROM notifications_message WHERE status = 'pending' AND next_attempt_at < now();

-- Messages given up after every retry (about 52 hours) in the last day: a citizen did not hear from the centre.
SELECT 'failed_deliveries_24h', count(*) FROM notifications_message
 WHERE status = 'failed' AND next_attempt_at > now() - interval '1 day';

-- Dossiers still open after their return date (received, processing, awaiting supplement, paused).
SELECT 'overdue_dossiers', count(*) FROM dossiers_dossier
 WHERE status IN ('received', 'processing', 'awaiting_supplement', 'paused') AND due_at < now();

-- Online payments still pending 90 minutes on: reconciliation (Celery beat) gives up on them after 60
-- (MOTCUA_PAYMENT_EXPIRE_AFTER_MINUTES), so beat or the workers are not running.
SELECT 'payments_stuck', count(*) FROM payments_payment
 WHERE method = 'online' AND status = 'pending' AND created_at < now() - interval '90 minutes';

-- Size of the database in megabytes (disk planning; alert on the file system's free space, not on this).
SELECT 'database_mb', (pg_database_size(current_database()) / 1048576)::bigint;
