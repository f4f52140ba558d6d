-- 001: the bounce loop. Applied by `verpmail-admin db migrate`, which records it in
-- schema_version. Dates are NULL for "never": strict SQL modes reject zero dates.
-- All times are UTC (the programs set time_zone = '+00:00' on every connection).

CREATE TABLE IF NOT EXISTS EmailAddressTracker (
    EmailAddress     VARCHAR(254) NOT NULL,
    EncodedFROM      VARCHAR(64) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL,
    IgnoreBounces    TINYINT(1) NOT NULL DEFAULT 0,
    MsgCount         INT UNSIGNED NOT NULL DEFAULT 0,
    FirstEmail       DATETIME NULL,
    LastEmail        DATETIME NULL,
    FirstBounce      DATETIME NULL,
    LastBounce       DATETIME NULL,
    LastBounce2      DATETIME NULL,
    LastBounce3      DATETIME NULL,
    BounceCount      INT UNSIGNED NOT NULL DEFAULT 0,
    -- Per-class counts. BounceCount and LastBounce..3 count the failures that can
    -- suppress (hard and soft); blocks, complaints and auto-replies keep their own.
    HardBounceCount  INT UNSIGNED NOT NULL DEFAULT 0,
    SoftBounceCount  INT UNSIGNED NOT NULL DEFAULT 0,
    BlockCount       INT UNSIGNED NOT NULL DEFAULT 0,
    ComplaintCount   INT UNSIGNED NOT NULL DEFAULT 0,
    AutoReplyCount   INT UNSIGNED NOT NULL DEFAULT 0,
    LastBounceClass  VARCHAR(16) NULL,
    -- Counting restarts here after `verpmail-admin reset`; bounces before it are history.
    CountsResetAt    DATETIME NULL,
    -- Suppression as last decided by the sender's policy (NULL reason: not suppressed).
    SuppressedAt     DATETIME NULL,
    SuppressedReason VARCHAR(255) NULL,
    PRIMARY KEY (EmailAddress),
    UNIQUE KEY uk_tracker_encodedfrom (EncodedFROM)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS lists (
    id           INT UNSIGNED NOT NULL AUTO_INCREMENT,
    name         VARCHAR(64) NOT NULL,
    from_address VARCHAR(254) NOT NULL,
    created_at   DATETIME NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uk_lists_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS members (
    list_id        INT UNSIGNED NOT NULL,
    email          VARCHAR(254) NOT NULL,
    name           VARCHAR(255) NULL,
    active         TINYINT(1) NOT NULL DEFAULT 1,
    bounce_count   INT UNSIGNED NOT NULL DEFAULT 0,
    last_bounce_at DATETIME NULL,
    bounce_status  ENUM('clean','soft','hard') NOT NULL DEFAULT 'clean',
    added_at       DATETIME NOT NULL,
    PRIMARY KEY (list_id, email),
    KEY ix_members_email (email),
    CONSTRAINT fk_members_list FOREIGN KEY (list_id) REFERENCES lists (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS campaigns (
    id          VARCHAR(64) CHARACTER SET ascii NOT NULL,
    list_id     INT UNSIGNED NOT NULL,
    message_file VARCHAR(1024) NULL,
    started_at  DATETIME NOT NULL,
    finished_at DATETIME NULL,
    PRIMARY KEY (id),
    CONSTRAINT fk_campaigns_list FOREIGN KEY (list_id) REFERENCES lists (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- One row per recipient per campaign: the sender claims a row ('pending') before it
-- submits and settles it afterwards, so a rerun never mails an address twice.
CREATE TABLE IF NOT EXISTS send_log (
    campaign_id VARCHAR(64) CHARACTER SET ascii NOT NULL,
    email       VARCHAR(254) NOT NULL,
    status      ENUM('pending','accepted','rejected','deferred','suppressed','uncertain') NOT NULL,
    detail      VARCHAR(255) NULL,
    updated_at  DATETIME NOT NULL,
    PRIMARY KEY (campaign_id, email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Every return the bouncer receives, attributed (email set) or not (email NULL).
-- dedup_key makes recording idempotent: a return delivered twice counts once.
CREATE TABLE IF NOT EXISTS bounce_logs (
    id                 BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    email              VARCHAR(254) NULL,
    bounce_type        ENUM('hard','soft','block','complaint','autoreply','none','unattributed') NOT NULL,
    bounce_reason      VARCHAR(64) NOT NULL DEFAULT '',
    status_code        VARCHAR(16) NOT NULL DEFAULT '',
    diagnostic         VARCHAR(1000) NOT NULL DEFAULT '',
    bounced_at         DATETIME NOT NULL,
    raw_message        MEDIUMBLOB NULL,
    campaign           VARCHAR(64) CHARACTER SET ascii NULL,
    envelope_recipient VARCHAR(320) NOT NULL DEFAULT '',
    kind               ENUM('bounce','complaint','autoreply','other') NOT NULL,
    dedup_key          BINARY(32) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uk_bounce_logs_dedup (dedup_key),
    KEY ix_bounce_logs_email_time (email, bounced_at),
    KEY ix_bounce_logs_time (bounced_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
