#!/usr/bin/env bash
# bouncer_tempfail: a return that arrives while MariaDB or the bouncer is down or hung
# is not lost. The bouncer answers with a 4.x.x reason (pipe: exit 75; LMTP: 451),
# Postfix keeps the return queued and retries it, and once the database is back it is
# recorded exactly once.
#
#   (f1) MariaDB stopped: deferred, still queued; start, flush: recorded once
#   (f2) MariaDB hung (SIGSTOP): the bouncer gives up by itself within 30 s
#        (pipe: bouncer.timeLimit 20 s < verpmail_time_limit 30 s; LMTP: the
#        database read time-out) with a 4.x.x status; resume, flush: recorded once
#   (f3) LMTP test bed: 'verpmail-bouncer --lmtp' stopped: the return stays deferred
#        in Postfix's queue; started again and flushed: recorded once
# shellcheck disable=SC2317 # functions called through traps and wait_for
source "$(dirname "$0")/lib.sh"

require_programs verpmail-send verpmail-admin verpmail-bouncer

readonly RUN=bt$E2E_RUN_ID
readonly LIST=bt-$E2E_RUN_ID
readonly ADDRESS=$RUN-x@reject.test
QADDRESS=$(sql_quote "$ADDRESS")
readonly QADDRESS

# Whatever happens, leave MariaDB running for the next test.
restore_mariadb() {
    testbed mariadb-resume >/dev/null 2>&1 || true
    testbed mariadb-start >/dev/null 2>&1 || true
    if [[ $TESTBED_BOUNCER == lmtp ]]; then testbed lmtp-start >/dev/null 2>&1 || true; fi
}
trap 'rc=$?; restore_mariadb; (exit $rc); e2e_on_exit' EXIT

returns() { sql_value "SELECT COUNT(*) FROM bounce_logs WHERE email = $QADDRESS"; }

# pipe_lines MARK: the mail log lines since MARK about our VERP address at the bouncer
# (pipe service or LMTP socket).
pipe_lines() { bouncer_lines "$1" "$VERP"; }
# deferred_lines MARK: also the deferrals of a bouncer that did not answer at all.
deferred_lines() { maillog_since "$1" | grep -F "to=<$VERP>" | grep 'status=deferred' || true; }

# ------------------------------------------------------------ set-up: one recorded return

run_ok "list create $LIST" vadmin list create "$LIST" --from list@lists.example.test ||
    fatal "cannot create the list"
printf '%s\n' "$ADDRESS" >"$E2E_TMP/members"
run_ok "members import $LIST" vadmin members import "$LIST" "$E2E_TMP/members" ||
    fatal "cannot import members"
run_ok "send to $ADDRESS" vsend --list "$LIST" --message "$E2E_DATA/message.eml" --json ||
    fatal "send failed"
# shellcheck disable=SC2016 # evaluated by wait_for
wait_for '[[ $(returns) == 1 ]]' 30 "the first return is recorded (database up)" ||
    fatal "the bounce loop does not work at all; see bounce_loop.sh"

token=$(sql_value "SELECT EncodedFROM FROM EmailAddressTracker WHERE EmailAddress = $QADDRESS")
[[ $token == sentto-* ]] || fatal "EncodedFROM of $ADDRESS is '$token', not sentto-<token>"
readonly VERP=$token@$TESTBED_BOUNCE_DOMAIN
note "VERP address $VERP"

# expect_deferred_then_recorded WHAT MARK WANT_RETURNS RESUME_COMMAND
# (No database query before RESUME_COMMAND: the database is down or hung.)
expect_deferred_then_recorded() {
    local what=$1 mark=$2 want=$3 resume=$4 lines queue

    queue=$(queue_listing)
    if [[ $queue == *"$VERP"* ]]; then
        ok "$what: the return is still in Postfix's queue"
    else
        fail "$what: the return is not in Postfix's queue"
        printf '%s\n' "$queue"
    fi
    lines=$(pipe_lines "$mark")
    assert_no_match "$lines" "status=bounced" "$what: Postfix did not bounce (drop) the return"
    assert_no_match "$lines" "dsn=5\." "$what: no 5.x.x status from the bouncer"

    testbed "$resume"
    testbed flush
    wait_for "[[ \$(returns) -ge $want ]]" 30 "$what: recorded after $resume + flush" || true
    wait_for "[[ \$(queue_listing) != *'$VERP'* ]]" 30 "$what: the return left the queue" || true
    # Postfix retries about every second: give a duplicate delivery time to show up.
    sleep 3
    assert_eq "$(returns)" "$want" "$what: recorded exactly once"
    lines=$(pipe_lines "$mark")
    assert_eq "$(grep -c 'status=sent' <<<"$lines" || true)" 1 "$what: delivered to the bouncer once"
}

# ------------------------------------------------------------ (f1) MariaDB stopped

testbed mariadb-stop
mark=$(maillog_mark)
inject "$VERP" "$ADDRESS" || fatal "cannot submit a message to $TESTBED_SMTP"
if wait_for "pipe_lines $mark | grep -q 'status=deferred'" 30 \
    "stopped: the bouncer deferred the return (status=deferred)"; then
    note "$(pipe_lines "$mark" | grep -m1 'status=deferred' | sed 's/.*relay=//')"
fi
assert_match "$(pipe_lines "$mark" | grep -m1 'status=deferred' || true)" "dsn=4\.[0-9]+\.[0-9]+" \
    "stopped: deferred with a 4.x.x status"
expect_deferred_then_recorded stopped "$mark" 2 mariadb-start

# ------------------------------------------------------------ (f2) MariaDB hung

testbed mariadb-pause
mark=$(maillog_mark)
started=$(date +%s)
inject "$VERP" "$ADDRESS" || fatal "cannot submit a message to $TESTBED_SMTP"
wait_for "pipe_lines $mark | grep -q 'status=deferred'" 45 \
    "hung: the bouncer deferred the return" || true
elapsed=$(($(date +%s) - started))
first=$(pipe_lines "$mark" | grep -m1 'status=deferred' || true)
note "${first#*relay=}"
assert_no_match "$first" "Command time limit exceeded" "hung: the bouncer gave up by itself (not killed by Postfix's time limit)"
if ((elapsed < 30)); then
    ok "hung: deferred after $elapsed s, within verpmail_time_limit (30 s)"
else
    fail "hung: deferred only after $elapsed s (verpmail_time_limit is 30 s, bouncer.timeLimit 20 s)"
fi
assert_match "$first" "dsn=4\.[0-9]+\.[0-9]+" "hung: deferred with a 4.x.x status (exit 75)"
expect_deferred_then_recorded hung "$mark" 3 mariadb-resume

# ------------------------------------------------------------ (f3) the LMTP server stopped

if [[ $TESTBED_BOUNCER == lmtp ]]; then
    testbed lmtp-stop
    mark=$(maillog_mark)
    inject "$VERP" "$ADDRESS" || fatal "cannot submit a message to $TESTBED_SMTP"
    wait_for "deferred_lines $mark | grep -q ." 30 "lmtp stopped: Postfix deferred the return" || true
    note "$(deferred_lines "$mark" | head -n1 | sed 's/.*relay=//')"
    sleep 2
    assert_eq "$(returns)" 3 "lmtp stopped: nothing recorded meanwhile"
    queue=$(queue_listing)
    if [[ $queue == *"$VERP"* ]]; then ok "lmtp stopped: the return waits in Postfix's queue"; else fail "lmtp stopped: the return is not queued"; fi
    assert_no_match "$(maillog_since "$mark" | grep -F "to=<$VERP>" || true)" "status=bounced" \
        "lmtp stopped: Postfix did not bounce the return"
    testbed lmtp-start
    testbed flush
    wait_for "[[ \$(returns) -ge 4 ]]" 30 "lmtp started again: the return is recorded" || true
    wait_for "[[ \$(queue_listing) != *'$VERP'* ]]" 30 "lmtp started again: the return left the queue" || true
    sleep 3
    assert_eq "$(returns)" 4 "lmtp started again: recorded exactly once"
else
    note "pipe test bed (TESTBED_BOUNCER=$TESTBED_BOUNCER): no server to stop"
fi

finish
