-- 009: a send queue that keeps its promises.
--
-- A 4xx is retried with back-off for send.queueLifetime (first_deferred_at says
-- since when), as Postfix's own queue does, before the row is reported 'deferred'.
-- A claimed row is 'pending' until its SMTP session starts and 'submitting' while
-- it runs: when a claimer dies, its 'pending' rows go back to the queue (nothing
-- was sent) and only its 'submitting' rows can be 'uncertain'.
-- Claims are held under a lease (send_claimers.lease_until) that a live process
-- renews; any process on any host takes over the rows of an expired lease. The
-- claimer id is random, so hosts or containers that share a name cannot collide.
-- campaigns.message_digest tells a second unfinished campaign for the same list
-- and message (verpmail-send --new-campaign).
ALTER TABLE send_log
    MODIFY COLUMN status ENUM('queued','pending','submitting','accepted','rejected','deferred','suppressed','uncertain') NOT NULL,
    MODIFY COLUMN attempts SMALLINT UNSIGNED NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS first_deferred_at DATETIME NULL AFTER retry_at;

ALTER TABLE campaigns
    ADD COLUMN IF NOT EXISTS message_digest CHAR(64) CHARACTER SET ascii NULL AFTER message_file,
    ADD KEY IF NOT EXISTS ix_campaigns_unfinished (list_id, message_digest, finished_at);

CREATE TABLE IF NOT EXISTS send_claimers (
    id             VARCHAR(96) CHARACTER SET ascii NOT NULL,
    campaign_id    VARCHAR(64) CHARACTER SET ascii NOT NULL,
    host           VARCHAR(64) NOT NULL,
    -- Boot id and pid namespace: where the pid names this process, so that a
    -- process there can see at once that the claimer is gone (kill(pid, 0)).
    process_domain VARCHAR(96) CHARACTER SET ascii NOT NULL,
    pid            INT UNSIGNED NOT NULL,
    started_at     DATETIME NOT NULL,
    lease_until    DATETIME NOT NULL,
    ended_at       DATETIME NULL,
    PRIMARY KEY (id),
    KEY ix_send_claimers_campaign (campaign_id, ended_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
