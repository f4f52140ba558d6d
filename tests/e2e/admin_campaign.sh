#!/usr/bin/env bash
# admin_campaign: verpmail-admin campaign list|status|requeue on a campaign that
# verpmail-send ran through the test bed's Postfix.
#
#   (a) three members: accept.test accepted, submit-reject.test refused 550 at RCPT,
#       submit-defer.test answered 450 with send.queueLifetime=0, so it ends deferred;
#   (b) campaign status, text and JSON: the eight states with zeros, no retry waiting,
#       the deferred row with the server's reply; live claimers, a held lease and one
#       that has run out; campaign list names the campaign with the same figures;
#   (c) requeue (default --status deferred): the row is queued again (no claim, no
#       retry time, a new queue lifetime, attempts kept), the campaign unfinished,
#       an admin_audit row; a second requeue finds nothing;
#   (d) requeue --status rejected --address: the report counters give the send back,
#       and the next verpmail-send --campaign sends both rows again (the rejected
#       member is now suppressed by its hard bounce, the deferred one is retried);
#   (e) requeue --status uncertain warns that members may be mailed twice;
#   (f) errors: unknown campaign 65, --status pending/submitting/accepted 64 with the
#       reason, an address not in the campaign 65; none of them writes an audit row.
source "$(dirname "$0")/lib.sh"

require_programs verpmail-send verpmail-admin

readonly RUN=ac$E2E_RUN_ID LIST=ac-$E2E_RUN_ID
readonly OK=$RUN-ok@accept.test REJ=$RUN-r@submit-reject.test DEF=$RUN-d@submit-defer.test
readonly MESSAGE=$E2E_DATA/message.eml

# expect_status DESCRIPTION WANT COMMAND...: the exit status; stderr in $E2E_TMP/err.
expect_status() {
    local desc=$1 want=$2 rc=0
    shift 2
    "$@" >"$E2E_TMP/out" 2>"$E2E_TMP/err" || rc=$?
    assert_eq "$rc" "$want" "$desc: exit $want ($(head -c 160 "$E2E_TMP/err"))"
}
# field TEXT KEY: the value of a "key   value" line of campaign status's text.
field() { awk -v k="$2" '$1 == k { sub(/^[^ ]+ +/, ""); print; exit }' <<<"$1"; }
row() {
    sql_value "SELECT CONCAT_WS(' ', status, attempts, IFNULL(claimed_by, '-'), IFNULL(retry_at, '-'),
        IFNULL(first_deferred_at, '-')) FROM send_log WHERE campaign_id = '$campaign' AND email = $(sql_quote "$1")"
}
audits() { sql_value "SELECT COUNT(*) FROM admin_audit WHERE action = 'campaign requeue' AND target = $(sql_quote "$1")"; }
counted_rejected() {
    sql_value "SELECT CONCAT_WS(' ', (SELECT COALESCE(SUM(rejected), 0) FROM counts_day_campaign WHERE campaign = '$campaign'),
        (SELECT COALESCE(SUM(rejected), 0) FROM counts_campaign_domain WHERE campaign = '$campaign'),
        (SELECT COUNT(*) FROM send_log WHERE campaign_id = '$campaign' AND status = 'rejected'))"
}

# ---------------------------------------------------------------- (a) the campaign
run_ok "list create $LIST" vadmin list create "$LIST" --from list@lists.example.test || fatal "list create"
printf '%s\n' "$OK" "$REJ" "$DEF" >"$E2E_TMP/members"
run_ok "members import" vadmin members import "$LIST" "$E2E_TMP/members" || fatal "import"
run_ok "a: send (send.queueLifetime=0)" vsend --list "$LIST" --message "$MESSAGE" --json \
    --define send.queueLifetime=0 || fatal "send failed"
campaign=$(json_get "$RUN_OUT" campaign)
assert_eq "$(json_get "$RUN_OUT" deferred)" 1 "a: the 450 member ends deferred"
assert_eq "$(row "$DEF" | cut -d' ' -f1,2)" "deferred 1" "a: send_log: deferred after 1 attempt"

# ---------------------------------------------------------------- (b) status and list
run_ok "b: campaign status" vadmin campaign status "$campaign" || fatal "campaign status"
text=$RUN_OUT
assert_eq "$(field "$text" list)" "$LIST" "b: text names the list"
assert_eq "$(field "$text" message_file)" "$MESSAGE" "b: text names the message file"
assert_eq "$(field "$text" members)" 3 "b: text: 3 members"
for pair in queued:0 pending:0 submitting:0 accepted:1 rejected:1 deferred:1 suppressed:0 uncertain:0; do
    assert_eq "$(field "$text" "${pair%%:*}")" "${pair#*:}" "b: text: ${pair%%:*} ${pair#*:}"
done
assert_match "$(field "$text" finished_at)" '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC$' "b: text: finished"
assert_eq "$(field "$text" next_retry)" "none: no row is queued" "b: text: no retry waiting"
assert_eq "$(field "$text" claimers)" "none live" "b: text: no live claimer after the run"
assert_match "$text" "$DEF +deferred +1 " "b: text lists the deferred row"
assert_match "$text" "450 4\.2\.1 <$DEF>" "b: text shows the server's reply"

# Two claimers as a live sender and a dead one leave them (the sender's own rows are
# ended when it exits): one lease held, one run out.
sql "INSERT INTO send_claimers (id, campaign_id, host, process_domain, pid, started_at, lease_until, ended_at) VALUES
    ('$RUN-live', '$campaign', 'h1', 'd', 11, UTC_TIMESTAMP(), UTC_TIMESTAMP() + INTERVAL 1 HOUR, NULL),
    ('$RUN-dead', '$campaign', 'h2', 'd', 22, UTC_TIMESTAMP() - INTERVAL 1 HOUR, UTC_TIMESTAMP() - INTERVAL 1 MINUTE, NULL),
    ('$RUN-ended', '$campaign', 'h3', 'd', 33, UTC_TIMESTAMP(), UTC_TIMESTAMP(), UTC_TIMESTAMP())" ||
    fatal "cannot insert claimers"
run_ok "b: campaign status --format json" vadmin campaign status "$campaign" --format json || fatal "status json"
json=$RUN_OUT
assert_eq "$(json_get "$json" states)" \
    '{"accepted": 1, "deferred": 1, "pending": 0, "queued": 0, "rejected": 1, "submitting": 0, "suppressed": 0, "uncertain": 0}' \
    "b: json: all eight states, zeros included"
assert_eq "$(json_get "$json" members)" 3 "b: json: members 3"
assert_eq "$(json_get "$json" retry.next_at)$(json_get "$json" retry.waiting)$(json_get "$json" retry.due)" "00" \
    "b: json: no retry time, nothing waiting or due"
assert_eq "$(json_get "$json" claimers.0.id) $(json_get "$json" claimers.0.expired) $(json_get "$json" claimers.0.pid)" \
    "$RUN-dead true 22" "b: json: the claimer whose lease ran out, expired"
assert_eq "$(json_get "$json" claimers.1.id) $(json_get "$json" claimers.1.expired) $(json_get "$json" claimers.1.host)" \
    "$RUN-live false h1" "b: json: the live claimer, lease held"
check "b: json: an ended claimer is not listed" test -z "$(json_get "$json" claimers.2 || true)"
assert_eq "$(json_get "$json" recent_failures.0.address) $(json_get "$json" recent_failures.0.status)" \
    "$DEF deferred" "b: json: the deferred row"
assert_match "$(json_get "$json" recent_failures.0.detail)" "^450 4\.2\.1 " "b: json: with the server's reply"
run_ok "b: campaign status (claimers)" vadmin campaign status "$campaign" || fatal "status"
assert_eq "$(field "$RUN_OUT" claimers)" "2 live" "b: text: two live claimers"
assert_match "$RUN_OUT" "$RUN-dead +h2 +22 .*run out" "b: text: the dead one's lease has run out"
assert_match "$RUN_OUT" "$RUN-live +h1 +11 .* held" "b: text: the live one's is held"
sql "DELETE FROM send_claimers WHERE id LIKE '$RUN-%'"

run_ok "b: campaign list $LIST --format json" vadmin campaign list "$LIST" --format json || fatal "campaign list"
assert_eq "$(json_get "$RUN_OUT" 0.campaign) $(json_get "$RUN_OUT" 0.list) $(json_get "$RUN_OUT" 0.members)" \
    "$campaign $LIST 3" "b: list json: the campaign, its list, 3 members"
assert_eq "$(json_get "$RUN_OUT" 0.states.deferred)$(json_get "$RUN_OUT" 0.states.rejected)$(json_get "$RUN_OUT" 0.states.queued)" \
    "110" "b: list json: the same counts"
check "b: list json: one campaign of the list" test -z "$(json_get "$RUN_OUT" 1 || true)"
run_ok "b: campaign list" vadmin campaign list || fatal "campaign list"
assert_match "$RUN_OUT" "$campaign +$LIST +[0-9-]+ [0-9:]+ +[0-9-]+ [0-9:]+ +3 +0 +0 +0 +1 +1 +1 +0 +0" \
    "b: list text: the campaign's row"

# ---------------------------------------------------------------- (c) requeue deferred
run_ok "c: requeue --dry-run" vadmin campaign requeue "$campaign" --dry-run || fatal "dry run"
assert_match "$RUN_OUT" "dry-run .* requeued=1 deferred=1" "c: dry run counts the deferred row"
assert_eq "$(row "$DEF" | cut -d' ' -f1)" deferred "c: dry run changes nothing"
assert_eq "$(audits "$campaign")" 0 "c: dry run writes no audit row"
run_ok "c: requeue" vadmin campaign requeue "$campaign" || fatal "requeue"
assert_match "$RUN_OUT" "^campaign requeue campaign=$campaign status=deferred requeued=1 deferred=1" \
    "c: prints how many it requeued"
assert_eq "$(row "$DEF")" "queued 1 - - -" "c: queued, no claim, no retry time, new lifetime, attempts kept"
assert_eq "$(row "$OK" | cut -d' ' -f1) $(row "$REJ" | cut -d' ' -f1)" "accepted rejected" "c: other rows untouched"
assert_eq "$(sql_value "SELECT finished_at IS NULL FROM campaigns WHERE id = '$campaign'")" 1 "c: campaign unfinished"
assert_eq "$(audits "$campaign")" 1 "c: audited"
assert_match "$(sql_value "SELECT CONCAT(actor, ' ', detail) FROM admin_audit WHERE action = 'campaign requeue'
    AND target = '$campaign'")" "^root status=deferred requeued=1 deferred=1$" "c: the audit row says what"
run_ok "c: status after" vadmin campaign status "$campaign" --format json || fatal "status"
assert_eq "$(json_get "$RUN_OUT" states.queued) $(json_get "$RUN_OUT" states.deferred) $(json_get "$RUN_OUT" retry.due)" \
    "1 0 1" "c: status: 1 queued and due, 0 deferred"
check "c: status: unfinished" test -z "$(json_get "$RUN_OUT" finished_at)"
run_ok "c: requeue again" vadmin campaign requeue "$campaign" || fatal "requeue again"
assert_match "$RUN_OUT" "requeued=0 deferred=0" "c: nothing left to requeue"

# ---------------------------------------------------------------- (d) rejected, then a rerun
assert_eq "$(counted_rejected)" "1 1 1" "d: the rejected send is counted"
run_ok "d: requeue --status rejected --address" vadmin campaign requeue "$campaign" --status rejected \
    --address "${REJ^^}" || fatal "requeue rejected"
assert_match "$RUN_OUT" "address=$REJ requeued=1 rejected=1 was=rejected" "d: that member only"
assert_eq "$(row "$REJ" | cut -d' ' -f1)" queued "d: the rejected row is queued"
assert_eq "$(counted_rejected)" "0 0 0" "d: the counters give the send back"
run_ok "d: rerun --campaign" vsend --list "$LIST" --message "$MESSAGE" --campaign "$campaign" --json \
    --define send.queueLifetime=0 || fatal "rerun"
assert_eq "$(json_get "$RUN_OUT" suppressed_by_reason.hard-bounce)" 1 "d: the rejected member is now suppressed"
assert_eq "$(row "$DEF" | cut -d' ' -f1,2)" "deferred 2" "d: the requeued member was tried again"
assert_eq "$(row "$OK" | cut -d' ' -f1,2)" "accepted 1" "d: the accepted member was not mailed again"
assert_eq "$(counted_rejected)" "0 0 0" "d: counters and send_log agree"

# ---------------------------------------------------------------- (e) uncertain
# A dead sender's session leaves a row uncertain; the suppressed row stands in (neither
# state is counted, so the counters stay right).
sql "UPDATE send_log SET status = 'uncertain' WHERE campaign_id = '$campaign' AND email = $(sql_quote "$REJ")"
expect_status "e: requeue --status uncertain,deferred" 0 vadmin campaign requeue "$campaign" --status uncertain,deferred
assert_match "$(cat "$E2E_TMP/out")" "status=deferred,uncertain requeued=2 deferred=1 uncertain=1" \
    "e: prints both states' counts"
assert_match "$(cat "$E2E_TMP/err")" "warning: 1 uncertain rows were requeued: .* may get the message twice" \
    "e: warns that members may be mailed twice"
assert_eq "$(row "$REJ" | cut -d' ' -f1) $(row "$DEF" | cut -d' ' -f1)" "queued queued" "e: both queued"

# ---------------------------------------------------------------- (f) errors
before=$(sql_value "SELECT COUNT(*) FROM admin_audit")
expect_status "f: status of an unknown campaign" 65 vadmin campaign status "$RUN-none"
expect_status "f: requeue of an unknown campaign" 65 vadmin campaign requeue "$RUN-none"
assert_match "$(cat "$E2E_TMP/err")" "unknown campaign" "f: says so"
expect_status "f: --status pending" 64 vadmin campaign requeue "$campaign" --status pending
assert_match "$(cat "$E2E_TMP/err")" "held by a sender's claim" "f: pending: the reason"
expect_status "f: --status submitting" 64 vadmin campaign requeue "$campaign" --status deferred,submitting
expect_status "f: --status accepted" 64 vadmin campaign requeue "$campaign" --status accepted
assert_match "$(cat "$E2E_TMP/err")" "would mail those members again" "f: accepted: the reason"
expect_status "f: --status bogus" 64 vadmin campaign requeue "$campaign" --status bogus
expect_status "f: --address not in the campaign" 65 vadmin campaign requeue "$campaign" --address "x@$RUN.example.test"
expect_status "f: campaign list of an unknown list" 65 vadmin campaign list "$RUN-nolist"
expect_status "f: --status on campaign status" 64 vadmin campaign status "$campaign" --status deferred
assert_eq "$(sql_value "SELECT COUNT(*) FROM admin_audit")" "$before" "f: no audit row for a refused command"
assert_eq "$(sql_value "SELECT COUNT(*) FROM send_log WHERE campaign_id = '$campaign' AND status = 'queued'")" 2 \
    "f: the refused commands changed nothing"

finish
