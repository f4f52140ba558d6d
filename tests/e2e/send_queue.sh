#!/usr/bin/env bash
# send_queue: the send queue keeps its promises, counted from Postfix's own log.
#
#   (q1) the submission server answers 451 for two minutes, then recovers: reruns
#        (--resume) mail every member exactly once and drop nobody; meanwhile a run
#        without --resume or --new-campaign refuses to start a second campaign;
#   (q2) SIGTERM mid-run stops it cleanly (exit 75); the rerun mails every member
#        exactly once and nobody is uncertain;
#   (q3) a header_checks REJECT at DATA stops the run with exit 65 and the server's
#        words; no bounce is recorded and the members stay queued;
#   (q4) a claim left by a dead host (an expired lease) is taken over: its rows whose
#        session had not started are sent, the one in a session is uncertain.
source "$(dirname "$0")/lib.sh"

require_programs verpmail-send verpmail-admin

readonly RUN=sq$E2E_RUN_ID
readonly MESSAGE=$E2E_DATA/message.eml
readonly OUTAGE=${SEND_QUEUE_OUTAGE_SECONDS:-120}
readonly PF=$TESTBED_POSTFIX_CONFIG

# make_list NAME COUNT: a list of COUNT members at accept.test.
make_list() {
    local name=$1 count=$2 i
    run_ok "list create $RUN-$name" vadmin list create "$RUN-$name" --from list@lists.example.test || fatal "list create"
    for ((i = 1; i <= count; i++)); do printf '%s-%s-%03d@accept.test\n' "$RUN" "$name" "$i"; done >"$E2E_TMP/$name.txt"
    run_ok "members import $name ($count)" vadmin members import "$RUN-$name" "$E2E_TMP/$name.txt" || fatal "import"
}

# delivered_once NAME COUNT MARK: every member of NAME got exactly one message since MARK.
delivered_once() { check_delivered_once "$1" "$3" "$E2E_TMP/$1.txt"; }

postfix_reload() { postfix -c "$PF" reload >/dev/null 2>&1 && sleep 1; }

# ------------------------------------------------------------ (q1) 451, then recovery

readonly SLOW=outage N_SLOW=40
make_list "$SLOW" "$N_SLOW"
cp "$PF/recipient_access" "$E2E_TMP/recipient_access.saved"
sed 's/$/ 451 4.3.0 Service temporarily unavailable/' "$E2E_TMP/$SLOW.txt" >>"$PF/recipient_access"
postfix_reload
restore_access() { cp "$E2E_TMP/recipient_access.saved" "$PF/recipient_access" && postfix_reload; }
trap restore_access EXIT
mark=$(maillog_mark)
campaign=$SLOW-$E2E_RUN_ID
backoff=(--define send.minimalBackoff=40s --define send.maximalBackoff=60s)
start=$(date +%s)
run_status "q1: the first run ends with its members queued for a retry (75)" 75 \
    vsend --list "$RUN-$SLOW" --message "$MESSAGE" --campaign "$campaign" --json "${backoff[@]}"
assert_eq "$(json_get "$RUN_OUT" queued)" "$N_SLOW" "q1: all $N_SLOW are queued, none dropped"
run_status "q1: a run without --resume or --new-campaign refuses to start a second campaign" 64 \
    vsend --list "$RUN-$SLOW" --message "$MESSAGE"
assert_match "$(cat "$E2E_TMP/stderr")" "campaign $campaign .*unfinished.*--resume.*--new-campaign" \
    "q1: the refusal names the campaign and both options"

recovered=no runs=1 rc=75
while ((rc != 0)); do
    if [[ $recovered == no ]] && (($(date +%s) - start >= OUTAGE)); then
        restore_access
        recovered=yes
        note "q1: the server recovered after $(($(date +%s) - start)) s"
    fi
    (($(date +%s) - start < OUTAGE + 240)) || break
    sleep 10
    rc=0
    vsend --list "$RUN-$SLOW" --message "$MESSAGE" --resume --json "${backoff[@]}" >"$E2E_TMP/q1.json" \
        2>"$E2E_TMP/q1.err" || rc=$?
    runs=$((runs + 1))
    ((rc == 0 || rc == 75)) || { fail "q1: rerun $runs exited $rc"; cat "$E2E_TMP/q1.err"; break; }
done
note "q1: $runs runs; the last: $(cat "$E2E_TMP/q1.json")"
assert_eq "$rc" 0 "q1: a rerun after the recovery finishes the campaign"
assert_eq "$(sql_value "SELECT GROUP_CONCAT(DISTINCT status) FROM send_log WHERE campaign_id = '$campaign'")" accepted \
    "q1: every row accepted, none deferred, uncertain or queued"
# Postfix's smtpd ends a session after a few 4xx (smtpd_soft_error_limit): the members
# not yet tried then are simply put back, so not every member saw a 451.
assert_ge "$(sql_value "SELECT COUNT(*) FROM send_log WHERE campaign_id = '$campaign' AND attempts >= 2 AND first_deferred_at IS NOT NULL")" 1 \
    "q1: members answered 451 were retried and accepted"
delivered_once "$SLOW" "$N_SLOW" "$mark"
run_ok "q1: --resume when the campaign is finished: nothing to do" vsend --list "$RUN-$SLOW" --message "$MESSAGE" --resume
assert_match "$(cat "$E2E_TMP/stderr")" "nothing to resume" "q1: it says so"

# ------------------------------------------------------------ (q2) SIGTERM

readonly STOPPED=term N_STOPPED=300
make_list "$STOPPED" "$N_STOPPED"
mark=$(maillog_mark)
campaign=$STOPPED-$E2E_RUN_ID
"$TESTBED_BIN/verpmail-send" --config "$VERPMAIL_CONFIG" --list "$RUN-$STOPPED" --message "$MESSAGE" \
    --campaign "$campaign" --rate 100/s --json >"$E2E_TMP/term.json" 2>"$E2E_TMP/term.err" &
pid=$!
wait_for "[[ \$(sql_value \"SELECT COUNT(*) FROM send_log WHERE campaign_id = '$campaign' AND status = 'accepted'\") -ge 40 ]]" \
    20 "q2: at least 40 accepted before SIGTERM" || true
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
assert_eq "$rc" 75 "q2: SIGTERM ends the run with 75"
assert_match "$(cat "$E2E_TMP/term.err")" "stopped on SIGTERM.*--campaign $campaign" "q2: it says it stopped and how to resume"
stopped_at=$(sql_value "SELECT COUNT(*) FROM send_log WHERE campaign_id = '$campaign' AND status = 'accepted'")
note "q2: stopped after $stopped_at accepted"
((stopped_at < N_STOPPED)) && ok "q2: stopped mid-campaign" || fail "q2: the run finished before SIGTERM"
assert_eq "$(sql_value "SELECT COUNT(*) FROM send_log WHERE campaign_id = '$campaign' AND status IN ('pending','submitting','uncertain')")" \
    0 "q2: the stopped run left nothing claimed and nothing uncertain"
vmark=$(vlog_mark)
run_ok "q2: rerun" vsend --list "$RUN-$STOPPED" --message "$MESSAGE" --campaign "$campaign" --json || true
assert_eq "$(json_get "$RUN_OUT" uncertain)" 0 "q2: the rerun reports nobody uncertain"
assert_eq "$(vlog_since "$vmark" | grep -c 'status=chunking-offered')" 0 \
    "q2: the test bed's listener offers no CHUNKING, and the sender does not warn"
assert_eq "$(($(json_get "$RUN_OUT" already_done) + $(json_get "$RUN_OUT" accepted)))" "$N_STOPPED" \
    "q2: already_done + accepted = $N_STOPPED"
delivered_once "$STOPPED" "$N_STOPPED" "$mark"

# ------------------------------------------------------------ (q3) REJECT at DATA

readonly REFUSED=data N_REFUSED=12
make_list "$REFUSED" "$N_REFUSED"
printf '/^Subject: .*forbidden-%s/ REJECT 5.7.1 this template is refused by policy\n' "$RUN" >"$PF/header_checks_e2e"
postconf -c "$PF" -e "header_checks = regexp:$PF/header_checks_e2e"
postfix_reload
restore_checks() { postconf -c "$PF" -e "header_checks =" && postfix_reload; }
trap 'restore_access; restore_checks' EXIT
sed "s/^Subject: .*/Subject: forbidden-$RUN newsletter/" "$MESSAGE" >"$E2E_TMP/forbidden.eml"
campaign=$REFUSED-$E2E_RUN_ID
run_status "q3: a 5xx at DATA stops the run (65)" 65 \
    vsend --list "$RUN-$REFUSED" --message "$E2E_TMP/forbidden.eml" --campaign "$campaign" --json
assert_match "$(cat "$E2E_TMP/stderr")" "5.7.1 .*this template is refused by policy" "q3: the server's words are shown"
assert_eq "$(sql_value "SELECT COUNT(*) FROM bounce_logs WHERE email LIKE '$RUN-$REFUSED-%'")" 0 \
    "q3: no bounce recorded against any member"
assert_eq "$(sql_value "SELECT COUNT(*) FROM send_log WHERE campaign_id = '$campaign' AND status = 'queued'")" "$N_REFUSED" \
    "q3: every member is still queued"
assert_eq "$(sql_value "SELECT COUNT(*) FROM EmailAddressTracker WHERE EmailAddress LIKE '$RUN-$REFUSED-%' AND BounceCount > 0")" 0 \
    "q3: no tracker counts a bounce"

# ------------------------------------------------------------ (q4) a dead host's claim

readonly ORPHAN=lease N_ORPHAN=10
make_list "$ORPHAN" "$N_ORPHAN"
mark=$(maillog_mark)
campaign=$ORPHAN-$E2E_RUN_ID
dead="deadhost:4242:$E2E_RUN_ID"
list_id=$(sql_value "SELECT id FROM lists WHERE name = '$RUN-$ORPHAN'")
sql "INSERT INTO campaigns (id, list_id, message_file, started_at) VALUES ('$campaign', $list_id, '$MESSAGE', UTC_TIMESTAMP());
     INSERT INTO send_claimers (id, campaign_id, host, process_domain, pid, started_at, lease_until)
         VALUES ('$dead', '$campaign', 'deadhost', 'another-machine', 4242, UTC_TIMESTAMP() - INTERVAL 10 MINUTE,
                 UTC_TIMESTAMP() - INTERVAL 5 MINUTE);
     INSERT INTO send_log (campaign_id, email, status, claimed_by, updated_at)
         SELECT '$campaign', email, 'pending', '$dead', UTC_TIMESTAMP() FROM members WHERE list_id = $list_id;
     UPDATE send_log SET status = 'submitting' WHERE campaign_id = '$campaign' AND email = '$RUN-$ORPHAN-001@accept.test';" >/dev/null
run_ok "q4: a run of the campaign" vsend --list "$RUN-$ORPHAN" --message "$MESSAGE" --campaign "$campaign" --json || true
assert_eq "$(json_get "$RUN_OUT" accepted)" $((N_ORPHAN - 1)) "q4: the dead host's unstarted claims were sent"
assert_eq "$(json_get "$RUN_OUT" uncertain)" 1 "q4: the row in its session is reported uncertain"
assert_eq "$(sql_value "SELECT status FROM send_log WHERE campaign_id = '$campaign' AND email = '$RUN-$ORPHAN-001@accept.test'")" \
    uncertain "q4: and stays uncertain in send_log"
assert_eq "$(sql_value "SELECT ended_at IS NOT NULL FROM send_claimers WHERE id = '$dead'")" 1 "q4: the dead claimer is ended"
grep -v -- "-001@" "$E2E_TMP/$ORPHAN.txt" >"$E2E_TMP/$ORPHAN-sent.txt"
cp "$E2E_TMP/$ORPHAN-sent.txt" "$E2E_TMP/$ORPHAN.txt"
delivered_once "$ORPHAN" $((N_ORPHAN - 1)) "$mark"

finish
