-- 007: a rotated VERP key keeps attributing late returns. When verp.keyFile is
-- replaced and verp.previousKeyFile names the old key, the sender writes each
-- address's new token to EncodedFROM and keeps the one it replaces, if that was the
-- previous key's token for the address, in PreviousEncodedFROM until
-- PreviousEncodedUntil (verp.previousKeyDays later). The bouncer looks a token up in
-- both (TrackerStore::emailForEncodedFrom).
ALTER TABLE EmailAddressTracker
    ADD COLUMN IF NOT EXISTS PreviousEncodedFROM VARCHAR(64) CHARACTER SET ascii COLLATE ascii_general_ci NULL,
    ADD COLUMN IF NOT EXISTS PreviousEncodedUntil DATETIME NULL,
    ADD INDEX IF NOT EXISTS k_tracker_previous_encodedfrom (PreviousEncodedFROM);
