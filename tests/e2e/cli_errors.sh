#!/usr/bin/env bash
# cli_errors: bad input to verpmail-send and verpmail-admin gets one clear error line
# on stderr and the documented exit status, never a crash or a partial run.
#
#   unknown list -> 65; unreadable message file -> 66; message without a From -> 65;
#   missing configuration file -> 78; bad configuration value -> 78; unknown option or
#   missing required option -> 64; admin: unknown command -> 64, invalid member lines
#   -> 65 with the line numbers and nothing imported, unknown address -> 65.
source "$(dirname "$0")/lib.sh"

require_programs verpmail-send verpmail-admin

readonly LIST=ce-$E2E_RUN_ID

# expect_failure DESCRIPTION WANT_STATUS STDERR_REGEX COMMAND...
expect_failure() {
    local desc=$1 want=$2 pattern=$3 rc=0 err lines
    shift 3
    "$@" >"$E2E_TMP/stdout" 2>"$E2E_TMP/stderr" || rc=$?
    err=$(cat "$E2E_TMP/stderr")
    assert_eq "$rc" "$want" "$desc: exit status"
    assert_match "$err" "$pattern" "$desc: error says why"
    lines=$(grep -c . "$E2E_TMP/stderr" || true)
    if [[ $lines -ge 1 && $lines -le 3 ]]; then
        ok "$desc: short error ($lines line(s))"
    else
        fail "$desc: $lines lines on stderr"
    fi
}

run_ok "list create $LIST" vadmin list create "$LIST" --from list@lists.example.test || fatal "cannot create list"
echo "member@accept.test" >"$E2E_TMP/one.txt"
run_ok "members import" vadmin members import "$LIST" "$E2E_TMP/one.txt" || true

expect_failure "send to an unknown list" 65 'unknown list "no-such-list-'"$E2E_RUN_ID"'"' \
    vsend --list "no-such-list-$E2E_RUN_ID" --message "$E2E_DATA/message.eml"
expect_failure "send an unreadable message file" 66 "cannot read message file $E2E_TMP/missing.eml" \
    vsend --list "$LIST" --message "$E2E_TMP/missing.eml"
printf 'Subject: no from\n\nbody\n' >"$E2E_TMP/nofrom.eml"
expect_failure "send a message without From" 65 'has no From header' \
    vsend --list "$LIST" --message "$E2E_TMP/nofrom.eml"
expect_failure "send with a missing configuration file" 78 'cannot read configuration file /nonexistent/verpmail.properties' \
    "$TESTBED_BIN/verpmail-send" --config /nonexistent/verpmail.properties --list "$LIST" --message "$E2E_DATA/message.eml"
expect_failure "send with a bad configuration value" 78 'policy.soft.threshold = "many"' \
    vsend --define policy.soft.threshold=many --list "$LIST" --message "$E2E_DATA/message.eml"
expect_failure "send with an unknown option" 64 'Unknown option' \
    vsend --frobnicate --list "$LIST"
expect_failure "send without --message" 64 '--list and --message are required' \
    vsend --list "$LIST"
assert_eq "$(sql_value "SELECT COUNT(*) FROM send_log s JOIN campaigns c ON c.id = s.campaign_id
    JOIN lists l ON l.id = c.list_id WHERE l.name = '$LIST'")" 0 "nothing was sent by the failed runs"

expect_failure "admin: unknown command" 64 'unknown command "frob"' vadmin frob
printf 'ok@accept.test\nnot an address\nalso@bad\n' >"$E2E_TMP/bad.txt"
expect_failure "admin: invalid member lines" 65 'line 2: not a valid address' \
    vadmin members import "$LIST" "$E2E_TMP/bad.txt"
assert_eq "$(sql_value "SELECT COUNT(*) FROM members WHERE email = 'ok@accept.test'")" 0 \
    "admin: nothing imported from a file with invalid lines"
expect_failure "admin: import into an unknown list" 65 'unknown list' \
    vadmin members import "no-such-list-$E2E_RUN_ID" "$E2E_TMP/one.txt"
expect_failure "admin: explain an address never seen" 65 'no record of nobody-'"$E2E_RUN_ID"'@example.test' \
    vadmin explain "nobody-$E2E_RUN_ID@example.test"
expect_failure "admin: list create twice" 65 'already exists' \
    vadmin list create "$LIST" --from list@lists.example.test

finish
