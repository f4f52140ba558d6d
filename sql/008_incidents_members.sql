-- 008: domain incidents that an outage makes and a few people cannot; why a member
-- is inactive.
--
-- An incident now needs several distinct reporting hosts (policy.incident.reportingHosts)
-- and a share of the members mailed at the domain in the window (policy.incident.share),
-- not only policy.incident.members returns. Each return keeps the host that reported
-- it (the DSN's Remote-MTA, or the submission server for a refusal at submission).

ALTER TABLE bounce_logs
    ADD COLUMN IF NOT EXISTS reporting_host VARCHAR(255) NULL AFTER incident_id;

-- "Members mailed at that domain in the window" must be cheap to ask and add little
-- to each message's cost. The domain is a generated column (the server fills it,
-- so no writer changes) kept in the row (PERSISTENT: a VIRTUAL indexed column made
-- every status change of a row cost more), and ix_send_log_domain (domain,
-- campaign_id) holds neither status nor updated_at, so it is written once, when a
-- member is queued, never when a row is claimed or settled (an index on (domain,
-- status, updated_at) doubled the cost of those updates, measured). The question
-- reads the domain's rows of the campaigns that ran in the window and checks their
-- status and time. Adding the column rebuilds send_log once.
ALTER TABLE send_log
    ADD COLUMN IF NOT EXISTS domain VARCHAR(253) AS (LOWER(SUBSTRING_INDEX(email, '@', -1))) PERSISTENT,
    ADD KEY IF NOT EXISTS ix_send_log_domain (domain, campaign_id);

-- What the incident was opened on: members mailed at the domain in the window, and
-- the distinct hosts that reported the failures. members/mailed is the share.
ALTER TABLE domain_incidents
    ADD COLUMN IF NOT EXISTS mailed INT UNSIGNED NOT NULL DEFAULT 0 AFTER members,
    ADD COLUMN IF NOT EXISTS hosts INT UNSIGNED NOT NULL DEFAULT 0 AFTER mailed;

-- Why a membership is inactive (NULL while active): 'policy' when the sender's policy
-- suppressed the address for a hard bounce or a complaint (verpmail-admin reset makes
-- it active again), 'complaint' for the list a complaint came from (the member asked
-- to stop: only resubscribe restores it), 'unsubscribed' for an opt-out. Rows made
-- inactive before this step were opt-outs or complaints: never restored by a reset.
ALTER TABLE members
    ADD COLUMN IF NOT EXISTS inactive_reason ENUM('policy','complaint','unsubscribed') NULL AFTER active;

UPDATE members SET inactive_reason = 'unsubscribed' WHERE active = 0 AND inactive_reason IS NULL;
