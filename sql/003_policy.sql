-- 003: the declarative policy's state and its evidence.
-- Each address has a policy state (active, quarantined until a date, suppressed);
-- every change of state is a row in policy_decisions with the rule that fired and
-- the evidence (the bounces and dates), so `explain` can show why and reports can
-- count decisions. Domain incidents keep a receiver's outage from counting against
-- its members.

ALTER TABLE EmailAddressTracker
    ADD COLUMN IF NOT EXISTS PolicyState ENUM('active','quarantined','suppressed') NOT NULL DEFAULT 'active' AFTER SuppressedReason,
    ADD COLUMN IF NOT EXISTS QuarantineUntil DATETIME NULL AFTER PolicyState,
    ADD COLUMN IF NOT EXISTS QuarantineCount INT UNSIGNED NOT NULL DEFAULT 0 AFTER QuarantineUntil,
    ADD COLUMN IF NOT EXISTS DecisionRule VARCHAR(128) NULL AFTER QuarantineCount,
    ADD COLUMN IF NOT EXISTS DecidedAt DATETIME NULL AFTER DecisionRule,
    -- Messages accepted since the last counted bounce: a long enough streak starts
    -- the soft count afresh (policy.softResetStreak).
    ADD COLUMN IF NOT EXISTS SentSinceBounce INT UNSIGNED NOT NULL DEFAULT 0 AFTER DecidedAt,
    ADD COLUMN IF NOT EXISTS SoftCountsFrom DATETIME NULL AFTER SentSinceBounce,
    ADD KEY IF NOT EXISTS ix_tracker_state (PolicyState);

CREATE TABLE IF NOT EXISTS policy_decisions (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    email       VARCHAR(254) NOT NULL,
    state       ENUM('active','quarantined','suppressed') NOT NULL,
    action      VARCHAR(32) NOT NULL,
    rule        VARCHAR(128) NOT NULL,
    evidence    TEXT NOT NULL,
    actor       VARCHAR(128) NOT NULL,
    decided_at  DATETIME NOT NULL,
    PRIMARY KEY (id),
    KEY ix_policy_decisions_email (email, decided_at),
    KEY ix_policy_decisions_time (decided_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS domain_incidents (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    domain      VARCHAR(253) NOT NULL,
    bounce_type VARCHAR(16) NOT NULL,
    reason      VARCHAR(64) NOT NULL,
    opened_at   DATETIME NOT NULL,
    last_seen   DATETIME NOT NULL,
    closed_at   DATETIME NULL,
    returns     INT UNSIGNED NOT NULL DEFAULT 0,
    members     INT UNSIGNED NOT NULL DEFAULT 0,
    PRIMARY KEY (id),
    KEY ix_domain_incidents_open (domain, closed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

ALTER TABLE bounce_logs
    ADD COLUMN IF NOT EXISTS domain VARCHAR(253) NULL AFTER email,
    ADD COLUMN IF NOT EXISTS incident_id BIGINT UNSIGNED NULL AFTER domain,
    ADD KEY IF NOT EXISTS ix_bounce_logs_domain_time (domain, bounced_at);
