-- 004: reports, the operator's audit trail, and daily roll-ups that keep report
-- totals after `verpmail-admin purge`.
--
-- Reports count returns from bounce_daily (days that were purged) plus the live
-- bounce_logs rows (days that were not): purge moves a batch of rows into the
-- roll-up and deletes them in one transaction, so every return is counted exactly
-- once, before and after. Sent counts come from send_log, which purge leaves alone
-- (it is the sender's exactly-once record and holds no message bodies).
-- (Since 005, reports read the counts_* counters instead; bounce_daily stays the
-- record of what purge removed, from which `verpmail-admin db recount` rebuilds them.)

-- Who did what to which address or list, and when. Written in the same transaction
-- as the change it records.
CREATE TABLE IF NOT EXISTS admin_audit (
    id      BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    at      DATETIME NOT NULL,
    actor   VARCHAR(128) NOT NULL,
    action  VARCHAR(32) NOT NULL,
    target  VARCHAR(320) NOT NULL DEFAULT '',
    detail  VARCHAR(1000) NOT NULL DEFAULT '',
    PRIMARY KEY (id),
    KEY ix_admin_audit_time (at),
    KEY ix_admin_audit_target (target, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Returns per UTC day, receiving domain, class, reason and campaign, for the days
-- purge removed from bounce_logs. domain and campaign are '' when unknown.
CREATE TABLE IF NOT EXISTS bounce_daily (
    day           DATE NOT NULL,
    domain        VARCHAR(253) NOT NULL DEFAULT '',
    bounce_type   VARCHAR(16) NOT NULL,
    bounce_reason VARCHAR(64) NOT NULL DEFAULT '',
    campaign      VARCHAR(64) CHARACTER SET ascii NOT NULL DEFAULT '',
    return_count  INT UNSIGNED NOT NULL DEFAULT 0,
    PRIMARY KEY (day, domain, bounce_type, bounce_reason, campaign),
    KEY ix_bounce_daily_campaign (campaign, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Reports scan a time window of bounce_logs grouped by day, domain, class, reason or
-- campaign: this index covers them, so the scan never touches the raw messages.
-- email is in it because old rows have no domain and the reports derive it.
ALTER TABLE bounce_logs
    ADD KEY IF NOT EXISTS ix_bounce_logs_report (bounced_at, bounce_type, bounce_reason, campaign, domain, email),
    ADD KEY IF NOT EXISTS ix_bounce_logs_campaign (campaign, bounced_at, bounce_type, bounce_reason, domain, email);

-- Sent counts per day, domain and campaign: (updated_at, status) plus the primary
-- key (campaign_id, email) that InnoDB keeps in every secondary index.
ALTER TABLE send_log
    ADD KEY IF NOT EXISTS ix_send_log_time (updated_at, status);

-- Suppressions by reason, without a scan of every tracker row.
ALTER TABLE EmailAddressTracker
    ADD KEY IF NOT EXISTS ix_tracker_suppressed (SuppressedReason);
