-- 002: send_log becomes the campaign's work queue, so several verpmail-send
-- processes (on one host or many) can work one campaign without mailing anyone
-- twice. A campaign's members are enqueued once ('queued'); a process claims a
-- batch with SELECT ... FOR UPDATE SKIP LOCKED and marks it 'pending' with its
-- own claimer id; the SMTP result settles it. A 4xx is retried: 'queued' again
-- with retry_at, until smtp.maxAttempts.

ALTER TABLE send_log
    MODIFY COLUMN status ENUM('queued','pending','accepted','rejected','deferred','suppressed','uncertain') NOT NULL,
    ADD COLUMN IF NOT EXISTS claimed_by VARCHAR(96) NULL AFTER status,
    ADD COLUMN IF NOT EXISTS attempts TINYINT UNSIGNED NOT NULL DEFAULT 0 AFTER claimed_by,
    ADD COLUMN IF NOT EXISTS retry_at DATETIME NULL AFTER attempts,
    ADD KEY IF NOT EXISTS ix_send_log_queue (campaign_id, status, email);
