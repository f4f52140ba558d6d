-- 010: claims that nodes of a Galera cluster do not fight over.
--
-- Galera's row locks are local to a node: two senders on two nodes that claim
-- with SELECT ... FOR UPDATE SKIP LOCKED take the same rows, and one COMMIT fails
-- certification every time. So a campaign's rows are cut into 64 slices
-- (send_log.slice = CRC32(email) % 64) and each sending thread owns one slice at a
-- time (send_slices.claimed_by, its process's claimer id): only the owner claims
-- rows in it, so two nodes never write the same send_log rows. Taking a slice is
-- the only write senders can race on; a lost race is one retried UPDATE. A slice of
-- a dead claimer (ended, or its lease run out) is free again.
ALTER TABLE send_log
    ADD COLUMN IF NOT EXISTS slice TINYINT UNSIGNED NOT NULL DEFAULT 0 AFTER email,
    ADD KEY IF NOT EXISTS ix_send_log_slice (campaign_id, slice, status, email);

CREATE TABLE IF NOT EXISTS send_slices (
    campaign_id VARCHAR(64) CHARACTER SET ascii NOT NULL,
    slice       TINYINT UNSIGNED NOT NULL,
    claimed_by  VARCHAR(96) CHARACTER SET ascii NULL,
    worker      SMALLINT UNSIGNED NULL,
    claimed_at  DATETIME NULL,
    PRIMARY KEY (campaign_id, slice)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Campaigns running while this is applied get their slices now.
UPDATE send_log l JOIN campaigns c ON c.id = l.campaign_id
    SET l.slice = CRC32(l.email) % 64 WHERE c.finished_at IS NULL;
INSERT IGNORE INTO send_slices (campaign_id, slice)
    WITH RECURSIVE n (slice) AS (SELECT 0 UNION ALL SELECT slice + 1 FROM n WHERE slice < 63)
    SELECT c.id, n.slice FROM campaigns c JOIN n WHERE c.finished_at IS NULL;
