-- 012: every membership gets a number of its own.
--
-- The List-Unsubscribe token names the membership by this number (and a keyed hash
-- binds it to the list and the address, mail/UnsubscribeToken.h), so a link carries
-- neither the address nor anything that lets its reader forge a return. The web API
-- addresses members by it too. Existing rows are numbered as the column is added.
ALTER TABLE members
    ADD COLUMN IF NOT EXISTS id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT FIRST,
    ADD UNIQUE KEY IF NOT EXISTS ux_members_id (id);
