-- 011: send_log loses ix_send_log_time (updated_at, status).
--
-- It served the reports' sent counts by time, which the report counters replaced
-- (005); nothing reads send_log by time alone any more (incidents go through
-- ix_send_log_domain, campaign views through the campaign's own keys). Every status
-- change of a row moved its entry, two or three times per message sent.
ALTER TABLE send_log DROP INDEX IF EXISTS ix_send_log_time;
