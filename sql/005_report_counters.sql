-- 005: report counters. Reports read small tables of counts that the writers keep,
-- instead of grouping a year of bounce_logs and send_log rows at every run.
--
-- Each counts_* table counts sends (accepted, rejected) and returns (one column per
-- bounce_type) by a few keys. Invariant, for every table and key, at every commit:
--
--   counts = the counted_returns rows (bounce_logs)
--          + the counted_rollups rows (bounce_daily: what purge removed)
--          + the counted_sends rows   (send_log rows settled accepted or rejected)
--
-- grouped by that key. It holds because each row is counted in the transaction that
-- writes it: ReturnRecorder counts a bounce_logs row when it inserts it, the
-- sender's CampaignQueue::settle counts the send_log rows it settles accepted or
-- rejected (the only transition into those final states), and purge moves rows
-- from bounce_logs into bounce_daily, which leaves the sum alone. Nothing else
-- changes the columns these views read. The counts are never the only record:
-- `verpmail-admin db recount` rebuilds them from the three sources (after rows
-- were written behind the programs' backs, or by programs older than this step),
-- and the last statements of this file are that rebuild.
--
-- Writers lock counter rows in one order, the order of this file's tables, and
-- within a table in key order; they do it last, just before their commit, so the
-- busiest rows (today's) are held briefly.
--
-- Upgrading: stop verpmail-bouncer(d) and verpmail-send, migrate, start the new
-- programs (an older program still writing would leave its rows uncounted until a
-- recount). The rebuild reads every row once: minutes on a large database
-- (`db migrate` and `db recount` wait up to an hour for a statement). Where the
-- programs have database users of their own, the bouncer's and the sender's need
-- SELECT on the counted_* views and INSERT, UPDATE on the counts_* tables.

-- How the counters see each source row: the keys (UTC day, the first day of its
-- month, receiving domain, campaign, reason) and a 0/1 (or, for a roll-up, n) in
-- each count column. One definition for the writers, purge's roll-up, the rebuild
-- and the reports' correction of a window's first day. The domain of a return is
-- its domain column, or for rows written before that column existed the domain of
-- its address; '' when unknown, as the campaign is. SQL SECURITY INVOKER: a view
-- runs with the rights of whoever reads it, not of the account that migrated.
CREATE OR REPLACE SQL SECURITY INVOKER VIEW counted_returns AS
SELECT id, bounced_at AS at, DATE(bounced_at) AS day, CAST(DATE_FORMAT(bounced_at, '%Y-%m-01') AS DATE) AS month,
       COALESCE(domain, LOWER(SUBSTRING_INDEX(email, '@', -1)), '') AS domain, COALESCE(campaign, '') AS campaign,
       bounce_type, bounce_reason, 0 AS accepted, 0 AS rejected,
       bounce_type = 'hard' AS hard, bounce_type = 'soft' AS soft, bounce_type = 'block' AS block,
       bounce_type = 'complaint' AS complaint, bounce_type = 'autoreply' AS autoreply, bounce_type = 'none' AS none,
       bounce_type = 'unattributed' AS unattributed
FROM bounce_logs;

CREATE OR REPLACE SQL SECURITY INVOKER VIEW counted_rollups AS
SELECT day, CAST(DATE_FORMAT(day, '%Y-%m-01') AS DATE) AS month, domain, campaign, bounce_reason,
       0 AS accepted, 0 AS rejected,
       return_count * (bounce_type = 'hard') AS hard, return_count * (bounce_type = 'soft') AS soft,
       return_count * (bounce_type = 'block') AS block, return_count * (bounce_type = 'complaint') AS complaint,
       return_count * (bounce_type = 'autoreply') AS autoreply, return_count * (bounce_type = 'none') AS none,
       return_count * (bounce_type = 'unattributed') AS unattributed
FROM bounce_daily;

-- A send counts on the day it was settled (updated_at), as reports always counted it.
CREATE OR REPLACE SQL SECURITY INVOKER VIEW counted_sends AS
SELECT campaign_id, email, updated_at AS at, DATE(updated_at) AS day,
       CAST(DATE_FORMAT(updated_at, '%Y-%m-01') AS DATE) AS month,
       LOWER(SUBSTRING_INDEX(email, '@', -1)) AS domain, campaign_id AS campaign,
       status = 'accepted' AS accepted, status = 'rejected' AS rejected,
       0 AS hard, 0 AS soft, 0 AS block, 0 AS complaint, 0 AS autoreply, 0 AS none, 0 AS unattributed
FROM send_log WHERE status IN ('accepted', 'rejected');

-- Per day and campaign: the per-day tables and trends, campaigns in a window.
CREATE TABLE IF NOT EXISTS counts_day_campaign (
    day          DATE NOT NULL,
    campaign     VARCHAR(64) CHARACTER SET ascii NOT NULL,
    accepted     INT UNSIGNED NOT NULL DEFAULT 0,
    rejected     INT UNSIGNED NOT NULL DEFAULT 0,
    hard         INT UNSIGNED NOT NULL DEFAULT 0,
    soft         INT UNSIGNED NOT NULL DEFAULT 0,
    block        INT UNSIGNED NOT NULL DEFAULT 0,
    complaint    INT UNSIGNED NOT NULL DEFAULT 0,
    autoreply    INT UNSIGNED NOT NULL DEFAULT 0,
    none         INT UNSIGNED NOT NULL DEFAULT 0,
    unattributed INT UNSIGNED NOT NULL DEFAULT 0,
    PRIMARY KEY (day, campaign)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Per day and receiving domain: the days of a window's first month.
CREATE TABLE IF NOT EXISTS counts_day_domain (
    day          DATE NOT NULL,
    domain       VARCHAR(253) NOT NULL,
    accepted     INT UNSIGNED NOT NULL DEFAULT 0,
    rejected     INT UNSIGNED NOT NULL DEFAULT 0,
    hard         INT UNSIGNED NOT NULL DEFAULT 0,
    soft         INT UNSIGNED NOT NULL DEFAULT 0,
    block        INT UNSIGNED NOT NULL DEFAULT 0,
    complaint    INT UNSIGNED NOT NULL DEFAULT 0,
    autoreply    INT UNSIGNED NOT NULL DEFAULT 0,
    none         INT UNSIGNED NOT NULL DEFAULT 0,
    unattributed INT UNSIGNED NOT NULL DEFAULT 0,
    PRIMARY KEY (day, domain)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Per month (its first day) and receiving domain: the whole months of a window, so
-- a year is twelve rows per domain, not 365.
CREATE TABLE IF NOT EXISTS counts_month_domain (
    month        DATE NOT NULL,
    domain       VARCHAR(253) NOT NULL,
    accepted     INT UNSIGNED NOT NULL DEFAULT 0,
    rejected     INT UNSIGNED NOT NULL DEFAULT 0,
    hard         INT UNSIGNED NOT NULL DEFAULT 0,
    soft         INT UNSIGNED NOT NULL DEFAULT 0,
    block        INT UNSIGNED NOT NULL DEFAULT 0,
    complaint    INT UNSIGNED NOT NULL DEFAULT 0,
    autoreply    INT UNSIGNED NOT NULL DEFAULT 0,
    none         INT UNSIGNED NOT NULL DEFAULT 0,
    unattributed INT UNSIGNED NOT NULL DEFAULT 0,
    PRIMARY KEY (month, domain)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Per campaign and receiving domain, for all time: `report campaign ID`.
CREATE TABLE IF NOT EXISTS counts_campaign_domain (
    campaign     VARCHAR(64) CHARACTER SET ascii NOT NULL,
    domain       VARCHAR(253) NOT NULL,
    accepted     INT UNSIGNED NOT NULL DEFAULT 0,
    rejected     INT UNSIGNED NOT NULL DEFAULT 0,
    hard         INT UNSIGNED NOT NULL DEFAULT 0,
    soft         INT UNSIGNED NOT NULL DEFAULT 0,
    block        INT UNSIGNED NOT NULL DEFAULT 0,
    complaint    INT UNSIGNED NOT NULL DEFAULT 0,
    autoreply    INT UNSIGNED NOT NULL DEFAULT 0,
    none         INT UNSIGNED NOT NULL DEFAULT 0,
    unattributed INT UNSIGNED NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign, domain)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Returns per day and reason (a reason's class is the column it counts in).
CREATE TABLE IF NOT EXISTS counts_day_reason (
    day           DATE NOT NULL,
    bounce_reason VARCHAR(64) NOT NULL,
    hard          INT UNSIGNED NOT NULL DEFAULT 0,
    soft          INT UNSIGNED NOT NULL DEFAULT 0,
    block         INT UNSIGNED NOT NULL DEFAULT 0,
    complaint     INT UNSIGNED NOT NULL DEFAULT 0,
    autoreply     INT UNSIGNED NOT NULL DEFAULT 0,
    none          INT UNSIGNED NOT NULL DEFAULT 0,
    unattributed  INT UNSIGNED NOT NULL DEFAULT 0,
    PRIMARY KEY (day, bounce_reason)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Returns per campaign and reason, for all time.
CREATE TABLE IF NOT EXISTS counts_campaign_reason (
    campaign      VARCHAR(64) CHARACTER SET ascii NOT NULL,
    bounce_reason VARCHAR(64) NOT NULL,
    hard          INT UNSIGNED NOT NULL DEFAULT 0,
    soft          INT UNSIGNED NOT NULL DEFAULT 0,
    block         INT UNSIGNED NOT NULL DEFAULT 0,
    complaint     INT UNSIGNED NOT NULL DEFAULT 0,
    autoreply     INT UNSIGNED NOT NULL DEFAULT 0,
    none          INT UNSIGNED NOT NULL DEFAULT 0,
    unattributed  INT UNSIGNED NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign, bounce_reason)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- The rebuild (the same statements as ReportCounters' recount): each table emptied,
-- then every source added. Re-runnable, so a migration interrupted here is simply
-- applied again.
DELETE FROM counts_day_campaign;
DELETE FROM counts_day_domain;
DELETE FROM counts_month_domain;
DELETE FROM counts_campaign_domain;
DELETE FROM counts_day_reason;
DELETE FROM counts_campaign_reason;
INSERT INTO counts_day_campaign (day, campaign, accepted, rejected, hard, soft, block, complaint, autoreply, none, unattributed)
    SELECT day, campaign, SUM(accepted), SUM(rejected), SUM(hard), SUM(soft), SUM(block), SUM(complaint), SUM(autoreply), SUM(none), SUM(unattributed) FROM counted_returns GROUP BY day, campaign ORDER BY day, campaign
    ON DUPLICATE KEY UPDATE accepted = accepted + VALUES(accepted), rejected = rejected + VALUES(rejected), hard = hard + VALUES(hard), soft = soft + VALUES(soft), block = block + VALUES(block), complaint = complaint + VALUES(complaint), autoreply = autoreply + VALUES(autoreply), none = none + VALUES(none), unattributed = unattributed + VALUES(unattributed);
INSERT INTO counts_day_campaign (day, campaign, accepted, rejected, hard, soft, block, complaint, autoreply, none, unattributed)
    SELECT day, campaign, SUM(accepted), SUM(rejected), SUM(hard), SUM(soft), SUM(block), SUM(complaint), SUM(autoreply), SUM(none), SUM(unattributed) FROM counted_rollups GROUP BY day, campaign ORDER BY day, campaign
    ON DUPLICATE KEY UPDATE accepted = accepted + VALUES(accepted), rejected = rejected + VALUES(rejected), hard = hard + VALUES(hard), soft = soft + VALUES(soft), block = block + VALUES(block), complaint = complaint + VALUES(complaint), autoreply = autoreply + VALUES(autoreply), none = none + VALUES(none), unattributed = unattributed + VALUES(unattributed);
INSERT INTO counts_day_campaign (day, campaign, accepted, rejected, hard, soft, block, complaint, autoreply, none, unattributed)
    SELECT day, campaign, SUM(accepted), SUM(rejected), SUM(hard), SUM(soft), SUM(block), SUM(complaint), SUM(autoreply), SUM(none), SUM(unattributed) FROM counted_sends GROUP BY day, campaign ORDER BY day, campaign
    ON DUPLICATE KEY UPDATE accepted = accepted + VALUES(accepted), rejected = rejected + VALUES(rejected), hard = hard + VALUES(hard), soft = soft + VALUES(soft), block = block + VALUES(block), complaint = complaint + VALUES(complaint), autoreply = autoreply + VALUES(autoreply), none = none + VALUES(none), unattributed = unattributed + VALUES(unattributed);
INSERT INTO counts_day_domain (day, domain, accepted, rejected, hard, soft, block, complaint, autoreply, none, unattributed)
    SELECT day, domain, SUM(accepted), SUM(rejected), SUM(hard), SUM(soft), SUM(block), SUM(complaint), SUM(autoreply), SUM(none), SUM(unattributed) FROM counted_returns GROUP BY day, domain ORDER BY day, domain
    ON DUPLICATE KEY UPDATE accepted = accepted + VALUES(accepted), rejected = rejected + VALUES(rejected), hard = hard + VALUES(hard), soft = soft + VALUES(soft), block = block + VALUES(block), complaint = complaint + VALUES(complaint), autoreply = autoreply + VALUES(autoreply), none = none + VALUES(none), unattributed = unattributed + VALUES(unattributed);
INSERT INTO counts_day_domain (day, domain, accepted, rejected, hard, soft, block, complaint, autoreply, none, unattributed)
    SELECT day, domain, SUM(accepted), SUM(rejected), SUM(hard), SUM(soft), SUM(block), SUM(complaint), SUM(autoreply), SUM(none), SUM(unattributed) FROM counted_rollups GROUP BY day, domain ORDER BY day, domain
    ON DUPLICATE KEY UPDATE accepted = accepted + VALUES(accepted), rejected = rejected + VALUES(rejected), hard = hard + VALUES(hard), soft = soft + VALUES(soft), block = block + VALUES(block), complaint = complaint + VALUES(complaint), autoreply = autoreply + VALUES(autoreply), none = none + VALUES(none), unattributed = unattributed + VALUES(unattributed);
INSERT INTO counts_day_domain (day, domain, accepted, rejected, hard, soft, block, complaint, autoreply, none, unattributed)
    SELECT day, domain, SUM(accepted), SUM(rejected), SUM(hard), SUM(soft), SUM(block), SUM(complaint), SUM(autoreply), SUM(none), SUM(unattributed) FROM counted_sends GROUP BY day, domain ORDER BY day, domain
    ON DUPLICATE KEY UPDATE accepted = accepted + VALUES(accepted), rejected = rejected + VALUES(rejected), hard = hard + VALUES(hard), soft = soft + VALUES(soft), block = block + VALUES(block), complaint = complaint + VALUES(complaint), autoreply = autoreply + VALUES(autoreply), none = none + VALUES(none), unattributed = unattributed + VALUES(unattributed);
INSERT INTO counts_month_domain (month, domain, accepted, rejected, hard, soft, block, complaint, autoreply, none, unattributed)
    SELECT month, domain, SUM(accepted), SUM(rejected), SUM(hard), SUM(soft), SUM(block), SUM(complaint), SUM(autoreply), SUM(none), SUM(unattributed) FROM counted_returns GROUP BY month, domain ORDER BY month, domain
    ON DUPLICATE KEY UPDATE accepted = accepted + VALUES(accepted), rejected = rejected + VALUES(rejected), hard = hard + VALUES(hard), soft = soft + VALUES(soft), block = block + VALUES(block), complaint = complaint + VALUES(complaint), autoreply = autoreply + VALUES(autoreply), none = none + VALUES(none), unattributed = unattributed + VALUES(unattributed);
INSERT INTO counts_month_domain (month, domain, accepted, rejected, hard, soft, block, complaint, autoreply, none, unattributed)
    SELECT month, domain, SUM(accepted), SUM(rejected), SUM(hard), SUM(soft), SUM(block), SUM(complaint), SUM(autoreply), SUM(none), SUM(unattributed) FROM counted_rollups GROUP BY month, domain ORDER BY month, domain
    ON DUPLICATE KEY UPDATE accepted = accepted + VALUES(accepted), rejected = rejected + VALUES(rejected), hard = hard + VALUES(hard), soft = soft + VALUES(soft), block = block + VALUES(block), complaint = complaint + VALUES(complaint), autoreply = autoreply + VALUES(autoreply), none = none + VALUES(none), unattributed = unattributed + VALUES(unattributed);
INSERT INTO counts_month_domain (month, domain, accepted, rejected, hard, soft, block, complaint, autoreply, none, unattributed)
    SELECT month, domain, SUM(accepted), SUM(rejected), SUM(hard), SUM(soft), SUM(block), SUM(complaint), SUM(autoreply), SUM(none), SUM(unattributed) FROM counted_sends GROUP BY month, domain ORDER BY month, domain
    ON DUPLICATE KEY UPDATE accepted = accepted + VALUES(accepted), rejected = rejected + VALUES(rejected), hard = hard + VALUES(hard), soft = soft + VALUES(soft), block = block + VALUES(block), complaint = complaint + VALUES(complaint), autoreply = autoreply + VALUES(autoreply), none = none + VALUES(none), unattributed = unattributed + VALUES(unattributed);
INSERT INTO counts_campaign_domain (campaign, domain, accepted, rejected, hard, soft, block, complaint, autoreply, none, unattributed)
    SELECT campaign, domain, SUM(accepted), SUM(rejected), SUM(hard), SUM(soft), SUM(block), SUM(complaint), SUM(autoreply), SUM(none), SUM(unattributed) FROM counted_returns GROUP BY campaign, domain ORDER BY campaign, domain
    ON DUPLICATE KEY UPDATE accepted = accepted + VALUES(accepted), rejected = rejected + VALUES(rejected), hard = hard + VALUES(hard), soft = soft + VALUES(soft), block = block + VALUES(block), complaint = complaint + VALUES(complaint), autoreply = autoreply + VALUES(autoreply), none = none + VALUES(none), unattributed = unattributed + VALUES(unattributed);
INSERT INTO counts_campaign_domain (campaign, domain, accepted, rejected, hard, soft, block, complaint, autoreply, none, unattributed)
    SELECT campaign, domain, SUM(accepted), SUM(rejected), SUM(hard), SUM(soft), SUM(block), SUM(complaint), SUM(autoreply), SUM(none), SUM(unattributed) FROM counted_rollups GROUP BY campaign, domain ORDER BY campaign, domain
    ON DUPLICATE KEY UPDATE accepted = accepted + VALUES(accepted), rejected = rejected + VALUES(rejected), hard = hard + VALUES(hard), soft = soft + VALUES(soft), block = block + VALUES(block), complaint = complaint + VALUES(complaint), autoreply = autoreply + VALUES(autoreply), none = none + VALUES(none), unattributed = unattributed + VALUES(unattributed);
INSERT INTO counts_campaign_domain (campaign, domain, accepted, rejected, hard, soft, block, complaint, autoreply, none, unattributed)
    SELECT campaign, domain, SUM(accepted), SUM(rejected), SUM(hard), SUM(soft), SUM(block), SUM(complaint), SUM(autoreply), SUM(none), SUM(unattributed) FROM counted_sends GROUP BY campaign, domain ORDER BY campaign, domain
    ON DUPLICATE KEY UPDATE accepted = accepted + VALUES(accepted), rejected = rejected + VALUES(rejected), hard = hard + VALUES(hard), soft = soft + VALUES(soft), block = block + VALUES(block), complaint = complaint + VALUES(complaint), autoreply = autoreply + VALUES(autoreply), none = none + VALUES(none), unattributed = unattributed + VALUES(unattributed);
INSERT INTO counts_day_reason (day, bounce_reason, hard, soft, block, complaint, autoreply, none, unattributed)
    SELECT day, bounce_reason, SUM(hard), SUM(soft), SUM(block), SUM(complaint), SUM(autoreply), SUM(none), SUM(unattributed) FROM counted_returns GROUP BY day, bounce_reason ORDER BY day, bounce_reason
    ON DUPLICATE KEY UPDATE hard = hard + VALUES(hard), soft = soft + VALUES(soft), block = block + VALUES(block), complaint = complaint + VALUES(complaint), autoreply = autoreply + VALUES(autoreply), none = none + VALUES(none), unattributed = unattributed + VALUES(unattributed);
INSERT INTO counts_day_reason (day, bounce_reason, hard, soft, block, complaint, autoreply, none, unattributed)
    SELECT day, bounce_reason, SUM(hard), SUM(soft), SUM(block), SUM(complaint), SUM(autoreply), SUM(none), SUM(unattributed) FROM counted_rollups GROUP BY day, bounce_reason ORDER BY day, bounce_reason
    ON DUPLICATE KEY UPDATE hard = hard + VALUES(hard), soft = soft + VALUES(soft), block = block + VALUES(block), complaint = complaint + VALUES(complaint), autoreply = autoreply + VALUES(autoreply), none = none + VALUES(none), unattributed = unattributed + VALUES(unattributed);
INSERT INTO counts_campaign_reason (campaign, bounce_reason, hard, soft, block, complaint, autoreply, none, unattributed)
    SELECT campaign, bounce_reason, SUM(hard), SUM(soft), SUM(block), SUM(complaint), SUM(autoreply), SUM(none), SUM(unattributed) FROM counted_returns GROUP BY campaign, bounce_reason ORDER BY campaign, bounce_reason
    ON DUPLICATE KEY UPDATE hard = hard + VALUES(hard), soft = soft + VALUES(soft), block = block + VALUES(block), complaint = complaint + VALUES(complaint), autoreply = autoreply + VALUES(autoreply), none = none + VALUES(none), unattributed = unattributed + VALUES(unattributed);
INSERT INTO counts_campaign_reason (campaign, bounce_reason, hard, soft, block, complaint, autoreply, none, unattributed)
    SELECT campaign, bounce_reason, SUM(hard), SUM(soft), SUM(block), SUM(complaint), SUM(autoreply), SUM(none), SUM(unattributed) FROM counted_rollups GROUP BY campaign, bounce_reason ORDER BY campaign, bounce_reason
    ON DUPLICATE KEY UPDATE hard = hard + VALUES(hard), soft = soft + VALUES(soft), block = block + VALUES(block), complaint = complaint + VALUES(complaint), autoreply = autoreply + VALUES(autoreply), none = none + VALUES(none), unattributed = unattributed + VALUES(unattributed);
