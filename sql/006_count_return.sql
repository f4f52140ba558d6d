-- 006: one call counts a return. ReturnRecorder added each bounce_logs row to the six
-- counts_* tables of 005 with six statements, each an INSERT ... SELECT through the
-- counted_returns view. Under Postfix every return is a transaction of its own, and
-- those round trips and view expansions were most of the database's work per return.
-- count_return reads the row through the same view once (the view still defines what
-- a row counts under) and adds it to each table with a plain upsert, in 005's table
-- order (the writers' lock order), inside the caller's transaction.
--
-- SQL SECURITY INVOKER: it runs with the caller's rights (SELECT on counted_returns,
-- INSERT and UPDATE on the counts_* tables); where the bouncer has a database user of
-- its own, that user also needs EXECUTE on it.

DROP PROCEDURE IF EXISTS count_return;

DELIMITER //
CREATE PROCEDURE count_return(IN return_id BIGINT UNSIGNED)
    MODIFIES SQL DATA
    SQL SECURITY INVOKER
    COMMENT 'adds bounce_logs row return_id to the counts_* tables (see sql/006)'
BEGIN
    DECLARE r_day, r_month DATE;
    DECLARE r_domain VARCHAR(253);
    DECLARE r_campaign VARCHAR(64) CHARACTER SET ascii;
    DECLARE r_reason VARCHAR(64);
    DECLARE r_hard, r_soft, r_block, r_complaint, r_autoreply, r_none, r_unattributed INT UNSIGNED;
    SELECT day, month, domain, campaign, bounce_reason, hard, soft, block, complaint, autoreply, none, unattributed
        INTO r_day, r_month, r_domain, r_campaign, r_reason, r_hard, r_soft, r_block, r_complaint, r_autoreply, r_none, r_unattributed
        FROM counted_returns WHERE id = return_id;
    IF r_day IS NULL THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'count_return: no bounce_logs row with that id';
    END IF;
    INSERT INTO counts_day_campaign (day, campaign, hard, soft, block, complaint, autoreply, none, unattributed)
        VALUES (r_day, r_campaign, r_hard, r_soft, r_block, r_complaint, r_autoreply, r_none, r_unattributed)
        ON DUPLICATE KEY UPDATE hard = hard + VALUES(hard), soft = soft + VALUES(soft), block = block + VALUES(block), complaint = complaint + VALUES(complaint), autoreply = autoreply + VALUES(autoreply), none = none + VALUES(none), unattributed = unattributed + VALUES(unattributed);
    INSERT INTO counts_day_domain (day, domain, hard, soft, block, complaint, autoreply, none, unattributed)
        VALUES (r_day, r_domain, r_hard, r_soft, r_block, r_complaint, r_autoreply, r_none, r_unattributed)
        ON DUPLICATE KEY UPDATE hard = hard + VALUES(hard), soft = soft + VALUES(soft), block = block + VALUES(block), complaint = complaint + VALUES(complaint), autoreply = autoreply + VALUES(autoreply), none = none + VALUES(none), unattributed = unattributed + VALUES(unattributed);
    INSERT INTO counts_month_domain (month, domain, hard, soft, block, complaint, autoreply, none, unattributed)
        VALUES (r_month, r_domain, r_hard, r_soft, r_block, r_complaint, r_autoreply, r_none, r_unattributed)
        ON DUPLICATE KEY UPDATE hard = hard + VALUES(hard), soft = soft + VALUES(soft), block = block + VALUES(block), complaint = complaint + VALUES(complaint), autoreply = autoreply + VALUES(autoreply), none = none + VALUES(none), unattributed = unattributed + VALUES(unattributed);
    INSERT INTO counts_campaign_domain (campaign, domain, hard, soft, block, complaint, autoreply, none, unattributed)
        VALUES (r_campaign, r_domain, r_hard, r_soft, r_block, r_complaint, r_autoreply, r_none, r_unattributed)
        ON DUPLICATE KEY UPDATE hard = hard + VALUES(hard), soft = soft + VALUES(soft), block = block + VALUES(block), complaint = complaint + VALUES(complaint), autoreply = autoreply + VALUES(autoreply), none = none + VALUES(none), unattributed = unattributed + VALUES(unattributed);
    INSERT INTO counts_day_reason (day, bounce_reason, hard, soft, block, complaint, autoreply, none, unattributed)
        VALUES (r_day, r_reason, r_hard, r_soft, r_block, r_complaint, r_autoreply, r_none, r_unattributed)
        ON DUPLICATE KEY UPDATE hard = hard + VALUES(hard), soft = soft + VALUES(soft), block = block + VALUES(block), complaint = complaint + VALUES(complaint), autoreply = autoreply + VALUES(autoreply), none = none + VALUES(none), unattributed = unattributed + VALUES(unattributed);
    INSERT INTO counts_campaign_reason (campaign, bounce_reason, hard, soft, block, complaint, autoreply, none, unattributed)
        VALUES (r_campaign, r_reason, r_hard, r_soft, r_block, r_complaint, r_autoreply, r_none, r_unattributed)
        ON DUPLICATE KEY UPDATE hard = hard + VALUES(hard), soft = soft + VALUES(soft), block = block + VALUES(block), complaint = complaint + VALUES(complaint), autoreply = autoreply + VALUES(autoreply), none = none + VALUES(none), unattributed = unattributed + VALUES(unattributed);
END //
DELIMITER ;
