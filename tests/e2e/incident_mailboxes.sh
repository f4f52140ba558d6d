#!/usr/bin/env bash
# incident_mailboxes: ten full-mailbox returns at one domain open no incident
# (issue 16's acceptance), through the real loop: verpmail-send submits to Postfix,
# Postfix delivers to full.test, whose sink answers 552 5.2.2 at RCPT, Postfix's
# own DSNs come back to the bouncer.
#
#   (i1) ten members at full.test, one send: ten mailboxfull returns, each with the
#        host that reported it;
#   (i2) no incident at full.test, none logged, none in `report incidents`; the
#        returns count against their members (not linked to an incident);
#   (i3) the next send mails all ten again (nothing paused), and one full mailbox
#        is not yet the soft rule: bounce_status stays clean.
source "$(dirname "$0")/lib.sh"

require_programs verpmail-send verpmail-admin verpmail-bouncer

readonly RUN=im$E2E_RUN_ID
readonly LIST=im-$E2E_RUN_ID
readonly MESSAGE=$E2E_DATA/message.eml
readonly N=10

full=()
for ((i = 1; i <= N; i++)); do full+=("$(printf '%s-f%02d@full.test' "$RUN" "$i")"); done

returns() { sql_value "SELECT COUNT(*) FROM bounce_logs WHERE email LIKE '$RUN-f%' AND ($1)"; }

run_ok "list create $LIST" vadmin list create "$LIST" --from list@lists.example.test || fatal "list create"
printf '%s\n' "${full[@]}" >"$E2E_TMP/members"
run_ok "members import" vadmin members import "$LIST" "$E2E_TMP/members" || fatal "import"
start=$(sql_value "SELECT UTC_TIMESTAMP()")
log_mark=$(stat -c %s "$TESTBED_VERPMAIL_LOG" 2>/dev/null || echo 0)

# ---------------------------------------------------------------- (i1) the returns
run_ok "send 1" vsend --list "$LIST" --message "$MESSAGE" --json || fatal "send 1 failed"
assert_eq "$(json_get "$RUN_OUT" accepted)" "$N" "i1: Postfix took all $N messages"
wait_for "[[ \$(returns TRUE) -ge $N ]]" 60 "i1: $N returns recorded" || fatal "the returns did not arrive"
assert_eq "$(returns "bounce_type = 'soft' AND bounce_reason = 'mailboxfull' AND status_code = '5.2.2'")" "$N" \
    "i1: all soft mailboxfull 5.2.2"
assert_eq "$(returns "reporting_host IS NOT NULL AND reporting_host <> ''")" "$N" "i1: each with its reporting host"
note "reporting hosts: $(sql_value "SELECT GROUP_CONCAT(DISTINCT reporting_host) FROM bounce_logs WHERE email LIKE '$RUN-f%'")"

# ---------------------------------------------------------------- (i2) no incident
assert_eq "$(sql_value "SELECT COUNT(*) FROM domain_incidents WHERE domain = 'full.test' AND opened_at >= '$start'")" 0 \
    "i2: no incident opened at full.test"
assert_eq "$(returns "incident_id IS NOT NULL")" 0 "i2: no return linked to an incident"
assert_eq "$(tail -c +"$((log_mark + 1))" "$TESTBED_VERPMAIL_LOG" 2>/dev/null | grep -c 'incident=opened.*domain=full\.test' || true)" 0 \
    "i2: no incident logged"
if run_ok "i2: report incidents --format json" vadmin report incidents --format json; then
    assert_eq "$(python3 -c 'import json,sys; print(sum(1 for r in json.loads(sys.argv[1]) if r["domain"] == "full.test" and r["opened_at"] >= sys.argv[2]))' \
        "$RUN_OUT" "$start")" 0 "i2: report incidents lists none at full.test"
fi

# ---------------------------------------------------------------- (i3) nothing held back
assert_eq "$(sql_value "SELECT COUNT(*) FROM members m JOIN lists l ON l.id = m.list_id WHERE l.name = '$LIST'
    AND m.active = 1 AND m.bounce_status = 'clean' AND m.bounce_count = 1")" "$N" \
    "i3: one full mailbox each: still active, bounce_status clean"
run_ok "send 2" vsend --list "$LIST" --message "$MESSAGE" --json || fatal "send 2 failed"
assert_eq "$(json_get "$RUN_OUT" paused)" 0 "i3: nothing held back at full.test"
assert_eq "$(json_get "$RUN_OUT" accepted)" "$N" "i3: all $N mailed again"

finish
