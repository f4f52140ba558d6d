#!/usr/bin/env bash
# admin_ops: the operator's changes through verpmail-admin, each with its audit row.
#
#   (a) members import / add: members and admin_audit rows (actor = the Unix user)
#   (b) reset: a member suppressed after a hard return (a Postfix DSN through Postfix
#       and the bouncer) is mailed again by the
#       next verpmail-send; counts zero, state active, a policy_decisions row
#       "admin reset" with the counts before as evidence
#   (c) ignore on|off: IgnoreBounces, with SUDO_USER in the actor
#   (d) unsubscribe / resubscribe: the sender skips, then mails the member again
#   (e) members export csv|json (RFC 4180 quoting), members remove
#   (f) errors: documented exit statuses, and no audit row for a failed change
source "$(dirname "$0")/lib.sh"

require_programs verpmail-send verpmail-admin verpmail-bouncer

readonly RUN=ao$E2E_RUN_ID
readonly LIST=ao-$E2E_RUN_ID
readonly MESSAGE=$E2E_DATA/message.eml
readonly A=a@$RUN.example.test R=r@$RUN.example.test B=b@$RUN.example.test
readonly TIMEOUT=60

msgs_of() { sql_value "SELECT MsgCount FROM EmailAddressTracker WHERE EmailAddress = $(sql_quote "$1")"; }
# shellcheck disable=SC2317 # called through wait_for
returns_of() { sql_value "SELECT COUNT(*) FROM bounce_logs WHERE email = $(sql_quote "$1")"; }
# audit_count ACTION TARGET [ACTOR]: admin_audit rows.
audit_count() {
    sql_value "SELECT COUNT(*) FROM admin_audit WHERE action = $(sql_quote "$1") AND target = $(sql_quote "$2")
        AND actor = $(sql_quote "${3:-root}")"
}
send() {
    run_ok "send $1" vsend --list "$LIST" --message "$MESSAGE" --json || fatal "send $1 failed"
}
# expect_status DESCRIPTION WANT COMMAND...
expect_status() {
    local desc=$1 want=$2 rc=0
    shift 2
    "$@" >"$E2E_TMP/out" 2>"$E2E_TMP/err" || rc=$?
    assert_eq "$rc" "$want" "$desc: exit $want ($(head -c 120 "$E2E_TMP/err"))"
}

# ---------------------------------------------------------------- (a) members
run_ok "list create $LIST" vadmin list create "$LIST" --from list@lists.example.test || fatal "list create"
printf '%s\n%s,Reject Member\n' "$A" "$R" >"$E2E_TMP/members"
run_ok "members import" vadmin members import "$LIST" "$E2E_TMP/members" || fatal "import"
assert_eq "$(audit_count "members import" "$LIST")" 1 "a: members import audited (actor root)"
run_ok "members add $B" vadmin members add "$LIST" "$B" "Bee, \"B\"" || fatal "members add"
assert_match "$RUN_OUT" "result=added" "a: members add says added"
assert_eq "$(sql_value "SELECT name FROM members WHERE email = $(sql_quote "$B")")" 'Bee, "B"' "a: name stored"
assert_eq "$(audit_count "members add" "$B")" 1 "a: members add audited"
audit_at=$(sql_value "SELECT TIMESTAMPDIFF(SECOND, at, UTC_TIMESTAMP()) FROM admin_audit
    WHERE action = 'members add' AND target = $(sql_quote "$B")")
assert_match "$audit_at" '^[0-9]$|^[0-5][0-9]$' "a: audit time is now, in UTC ($audit_at s ago)"

# ---------------------------------------------------------------- (b) reset
send 1
verp=$(verp_of "$R") || fatal "no VERP address for $R"
postfix_dsn "$verp" "$R" 5.1.1 "550 5.1.1 <$R>: Recipient address rejected: User unknown" >"$E2E_TMP/dsn.eml"
inject_file "" "$verp" "$E2E_TMP/dsn.eml" || fatal "cannot submit a DSN"
wait_for "[[ \$(returns_of '$R') -ge 1 ]]" "$TIMEOUT" "b: the hard return of $R is recorded" || fatal "no return"
send 2
assert_eq "$(msgs_of "$R")" 1 "b: $R suppressed by send 2"
before_hard=$(tracker_field "$R" HardBounceCount)
run_ok "b: reset $R" vadmin reset "$R" || fatal "reset"
assert_match "$RUN_OUT" "^reset address=$R previous hard=$before_hard" "b: reset prints the counts before"
assert_eq "$(sql_value "SELECT CONCAT_WS(' ', HardBounceCount, SoftBounceCount, ComplaintCount, PolicyState,
    IFNULL(SuppressedReason, '-'), CountsResetAt IS NOT NULL) FROM EmailAddressTracker
    WHERE EmailAddress = $(sql_quote "$R")")" "0 0 0 active - 1" "b: counts zero, active, CountsResetAt set"
decision=$(sql "SELECT state, action, rule, actor, evidence FROM policy_decisions WHERE email = $(sql_quote "$R")
    ORDER BY id DESC LIMIT 1")
assert_match "$decision" $'^active\treset\tadmin reset\troot\t' "b: policy_decisions row: active reset 'admin reset' root"
assert_match "$decision" "\"hard_bounces\":$before_hard" "b: the evidence holds the counts before"
assert_eq "$(audit_count reset "$R")" 1 "b: reset audited"
send 3
assert_eq "$(msgs_of "$R")" 2 "b: $R mailed again by the send after the reset"

# ---------------------------------------------------------------- (c) ignore
run_ok "c: ignore $R on (via sudo)" env SUDO_USER=alice "$TESTBED_BIN/verpmail-admin" --config "$VERPMAIL_CONFIG" \
    ignore "$R" on || true
assert_eq "$(tracker_field "$R" IgnoreBounces)" 1 "c: IgnoreBounces = 1"
assert_eq "$(audit_count ignore "$R" "root (sudo: alice)")" 1 "c: audited with the sudo user"
run_ok "c: ignore $R off" vadmin ignore "$R" off || true
assert_eq "$(tracker_field "$R" IgnoreBounces)" 0 "c: IgnoreBounces = 0"
assert_match "$(sql_value "SELECT detail FROM admin_audit WHERE action = 'ignore' AND target = $(sql_quote "$R")
    AND actor = 'root'")" "ignore_bounces=off was=on" "c: the audit detail says what changed"

# ---------------------------------------------------------------- (d) unsubscribe / resubscribe
before=$(msgs_of "$A")
run_ok "d: unsubscribe $A" vadmin unsubscribe "$LIST" "$A" || true
assert_eq "$(sql_value "SELECT active FROM members WHERE email = $(sql_quote "$A")")" 0 "d: member inactive"
send 4
assert_eq "$(msgs_of "$A")" "$before" "d: an unsubscribed member is not mailed"
run_ok "d: resubscribe $A" vadmin resubscribe "$LIST" "$A" || true
send 5
assert_eq "$(msgs_of "$A")" "$((before + 1))" "d: mailed again after resubscribe"
assert_eq "$(audit_count unsubscribe "$A")$(audit_count resubscribe "$A")" 11 "d: both audited"

# ---------------------------------------------------------------- (e) export, remove
run_ok "e: members export (csv)" vadmin members export "$LIST" || true
printf '%s' "$RUN_OUT" >"$E2E_TMP/export.csv"
csv=$(python3 - "$E2E_TMP/export.csv" "$B" <<'PY'
import csv, sys
raw = open(sys.argv[1], newline="").read()
rows = list(csv.reader(raw.splitlines(True)))
names = {r[0]: r[1] for r in rows[1:]}
print(",".join(rows[0]), len(rows) - 1, names.get(sys.argv[2], "missing"), raw.count("\r\n") == len(rows) - 1 or "lf")
PY
)
assert_eq "$csv" 'address,name,active,bounce_status 3 Bee, "B" True' "e: csv header, 3 members, quoted name, CRLF lines"
run_ok "e: members export --format json" vadmin members export "$LIST" --format json || true
assert_eq "$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(len(d), sorted(d[0]))' "$RUN_OUT")" \
    "3 ['active', 'address', 'bounce_status', 'name']" "e: json array of 3 members"
assert_eq "$(sql_value "SELECT COUNT(*) FROM admin_audit WHERE action = 'members export' AND target = '$LIST'")" 2 \
    "e: exports audited"
run_ok "e: members remove $B" vadmin members remove "$LIST" "$B" || true
assert_eq "$(sql_value "SELECT COUNT(*) FROM members WHERE email = $(sql_quote "$B")")" 0 "e: membership gone"
assert_eq "$(audit_count "members remove" "$B")" 1 "e: remove audited"

# ---------------------------------------------------------------- (f) errors
expect_status "f: reset an address never mailed" 65 vadmin reset "nobody@$RUN.example.test"
expect_status "f: reset an invalid address" 65 vadmin reset "not an address"
expect_status "f: ignore without on|off" 64 vadmin ignore "$R" maybe
expect_status "f: unsubscribe from an unknown list" 65 vadmin unsubscribe "no-$LIST" "$A"
expect_status "f: unsubscribe a non-member" 65 vadmin unsubscribe "$LIST" "nobody@$RUN.example.test"
expect_status "f: members remove twice" 65 vadmin members remove "$LIST" "$B"
expect_status "f: members add an invalid address" 65 vadmin members add "$LIST" "no-at-sign"
expect_status "f: members export --format xml" 64 vadmin members export "$LIST" --format xml
expect_status "f: an option the command does not take" 64 vadmin reset "$R" --since 1d
expect_status "f: purge without --older-than" 64 vadmin purge
assert_eq "$(sql_value "SELECT COUNT(*) FROM admin_audit WHERE target = 'nobody@$RUN.example.test' OR target = 'no-at-sign'")" 0 \
    "f: failed changes wrote no audit row"

# db migrate creates the accounts it is given, after the schema (as an account that
# may create users: the test bed's root.cnf); the bouncer's account stays usable.
run_ok "db migrate --create --bouncer-password-file" "$TESTBED_BIN/verpmail-admin" --config "$VERPMAIL_CONFIG" \
    --define "mysql.optionFile=$TESTBED_DIR/etc/root.cnf" db migrate --create \
    --bouncer-password-file "$TESTBED_DIR/etc/bouncer.password"
assert_match "$RUN_OUT" "schema version [0-9]+" "db migrate: the schema first"
assert_match "$RUN_OUT" "account bouncer verpmail_bouncer@localhost ready" "db migrate: then the bouncer's account"

finish
