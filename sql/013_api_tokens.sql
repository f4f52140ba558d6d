-- 013: bearer tokens for verpmail-web's API (verpmail-admin token create|list|revoke).
--
-- Only a token's SHA-256 is kept: the token itself (160 random bits) is shown once,
-- when it is made. A token has one role: viewer reads, operator also resets, ignores
-- and unsubscribes, admin also manages tokens. Revoked tokens stay, for the audit.
CREATE TABLE IF NOT EXISTS api_tokens (
    id           INT UNSIGNED NOT NULL AUTO_INCREMENT,
    name         VARCHAR(64) CHARACTER SET ascii NOT NULL,
    role         ENUM('viewer','operator','admin') NOT NULL,
    token_sha256 BINARY(32) NOT NULL,
    created_at   DATETIME NOT NULL,
    created_by   VARCHAR(128) NOT NULL,
    revoked_at   DATETIME NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uk_api_tokens_name (name),
    UNIQUE KEY uk_api_tokens_hash (token_sha256)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
