#!/usr/bin/env bash
# send_submission_errors: what the submission server itself refuses.
#
#   (s1) a 5xx at RCPT is reported as rejected and recorded as a bounce through the
#        same recording code the bouncer uses: hard 5.1.1 userunknown, so the next
#        send suppresses the address;
#   (s2) a 4xx at RCPT is retried with back-off (send.minimalBackoff, doubling) until
#        send.queueLifetime has passed since the first 4xx, then reported deferred;
#        a retry not yet due ends the run with 75 and stays queued for a later run;
#   (s3) the mail that was accepted is not disturbed by either.
source "$(dirname "$0")/lib.sh"

require_programs verpmail-send verpmail-admin

readonly RUN=se$E2E_RUN_ID LIST=se-$E2E_RUN_ID
readonly OK=$RUN-ok@accept.test REJ=$RUN-r@submit-reject.test DEF=$RUN-d@submit-defer.test

run_ok "list create $LIST" vadmin list create "$LIST" --from list@lists.example.test || fatal "list create"
printf '%s\n' "$OK" "$REJ" "$DEF" >"$E2E_TMP/members"
run_ok "members import" vadmin members import "$LIST" "$E2E_TMP/members" || fatal "import"

start=$(date +%s)
run_ok "send 1 (send.minimalBackoff=1s, send.queueLifetime=3s)" vsend --list "$LIST" --message "$E2E_DATA/message.eml" \
    --json --define send.minimalBackoff=1s --define send.queueLifetime=3s || fatal "send 1 failed"
elapsed=$(($(date +%s) - start))
note "send 1: $RUN_OUT"
assert_eq "$(json_get "$RUN_OUT" accepted)" 1 "s3: one accepted"
assert_eq "$(json_get "$RUN_OUT" rejected)" 1 "s1: one rejected at RCPT"
assert_eq "$(json_get "$RUN_OUT" deferred)" 1 "s2: one deferred after its retries"
assert_eq "$(json_get "$RUN_OUT" retried_4xx)" 3 "s2: the 4xx was answered on each of 3 attempts (after 0, 1 and 1+2 s)"
if ((elapsed >= 3)); then ok "s2: the retries waited the back-off (${elapsed} s)"; else fail "s2: retries too fast (${elapsed} s)"; fi

campaign=$(json_get "$RUN_OUT" campaign)
assert_eq "$(sql_value "SELECT CONCAT(status, ':', attempts) FROM send_log WHERE campaign_id = '$campaign' AND email = '$DEF'")" \
    "deferred:3" "s2: send_log says deferred after 3 attempts"
assert_eq "$(sql_value "SELECT status FROM send_log WHERE campaign_id = '$campaign' AND email = '$REJ'")" rejected \
    "s1: send_log says rejected"
assert_eq "$(sql_value "SELECT CONCAT(bounce_type, ' ', status_code, ' ', bounce_reason) FROM bounce_logs WHERE email = '$REJ'")" \
    "hard 5.1.1 userunknown" "s1: recorded as a hard bounce"
assert_eq "$(sql_value "SELECT HardBounceCount FROM EmailAddressTracker WHERE EmailAddress = '$REJ'")" 1 \
    "s1: the tracker counts it"

run_ok "send 2" vsend --list "$LIST" --message "$E2E_DATA/message.eml" --json --new-campaign \
    --define send.queueLifetime=0 || fatal "send 2"
assert_eq "$(json_get "$RUN_OUT" suppressed_by_reason.hard-bounce)" 1 "s1: the next send suppresses it (hard-bounce)"
assert_eq "$(json_get "$RUN_OUT" accepted)" 1 "s3: the accepted member is mailed again"

# (s2) with the default back-off the retry is not due in this run: exit 75, still queued.
run_status "send 3: a retry due later" 75 vsend --list "$LIST" --message "$E2E_DATA/message.eml" --json --new-campaign
campaign3=$(json_get "$RUN_OUT" campaign)
assert_eq "$(json_get "$RUN_OUT" queued)" 1 "s2: the 4xx member is reported queued"
assert_eq "$(sql_value "SELECT CONCAT(status, ':', TIMESTAMPDIFF(MINUTE, UTC_TIMESTAMP(), retry_at) >= 4) FROM send_log WHERE campaign_id = '$campaign3' AND email = '$DEF'")" \
    "queued:1" "s2: queued again, due after send.minimalBackoff (300s)"
assert_match "$(cat "$E2E_TMP/stderr")" "resume with --resume or --campaign $campaign3" "s2: the run says how to resume"

finish
