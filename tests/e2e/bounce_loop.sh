#!/usr/bin/env bash
# bounce_loop: send to a list through the test bed's Postfix, let the sinks return mail,
# and check that the bouncer records the returns and the sender suppresses by policy.
#
#   (a) list + 31 members on accept.test, reject.test, full.test; send; returns recorded
#   (b) reject.test: BounceCount 1, bounce_logs hard 5.1.1
#   (c) send 2 skips them (suppressed, suppressed_by_reason); accept.test MsgCount 2;
#       the suppression takes them off the list (members.active 0, bounce_status
#       hard), so later sends no longer count them
#   (d) full.test: soft 5.2.2; mailed by sends 2 and 3, suppressed by send 4
#       (policy: 3 soft bounces within 30 days); bounce_status soft only then
#   (e) a reject.test member with IgnoreBounces=1 is still mailed
# shellcheck disable=SC2317 # functions called through check
source "$(dirname "$0")/lib.sh"

require_programs verpmail-send verpmail-admin verpmail-bouncer

readonly RUN=bl$E2E_RUN_ID
readonly LIST=bl-$E2E_RUN_ID
readonly MESSAGE=$E2E_DATA/message.eml
readonly N_ACCEPT=12 N_REJECT=10 N_FULL=8
readonly IGNORED=$RUN-ignored@reject.test
readonly TIMEOUT=60

accept=() reject=() full=()
for ((i = 1; i <= N_ACCEPT; i++)); do accept+=("$(printf '%s-a%02d@accept.test' "$RUN" "$i")"); done
for ((i = 1; i <= N_REJECT; i++)); do reject+=("$(printf '%s-r%02d@reject.test' "$RUN" "$i")"); done
for ((i = 1; i <= N_FULL; i++)); do full+=("$(printf '%s-f%02d@full.test' "$RUN" "$i")"); done
readonly N_ALL=$((N_ACCEPT + N_REJECT + N_FULL + 1))

note "run $RUN, list $LIST, $N_ALL members"

# count_where CONDITION: tracker rows of this run's addresses that match.
tracker_count() {
    sql_value "SELECT COUNT(*) FROM EmailAddressTracker WHERE EmailAddress LIKE '$RUN-%' AND ($1)"
}

# bounce_count LIKE [CONDITION]: bounce_logs rows of addresses LIKE the pattern.
bounce_count() {
    sql_value "SELECT COUNT(*) FROM bounce_logs WHERE email LIKE '$1' AND (${2:-TRUE})"
}

# send_list N: run verpmail-send --json; SEND_JSON, and SEND_<key> for the counters.
send_list() {
    local n=$1 key
    run_ok "send $n: verpmail-send --list $LIST --json" vsend --list "$LIST" --message "$MESSAGE" --json ||
        fatal "send $n failed"
    SEND_JSON=$RUN_OUT
    note "send $n: $SEND_JSON"
    # The campaign is named on stderr as the run starts, with how to resume it.
    assert_match "$(cat "$E2E_TMP/stderr")" "verpmail-send: campaign $(json_get "$SEND_JSON" campaign) \(to resume it: --campaign" \
        "send $n: stderr names the campaign"
    for key in campaign attempted accepted rejected suppressed seconds; do
        json_get "$SEND_JSON" "$key" >/dev/null || fail "send $n: JSON has no '$key'"
    done
    SEND_accepted=$(json_get "$SEND_JSON" accepted || echo missing)
    SEND_suppressed=$(json_get "$SEND_JSON" suppressed || echo missing)
    SEND_rejected=$(json_get "$SEND_JSON" rejected || echo missing)
    SEND_by_reason=$(json_get "$SEND_JSON" suppressed_by_reason || echo missing)
}

# check_suppression N WANT_SUPPRESSED WANT_ACCEPTED
check_suppression() {
    local n=$1 want_suppressed=$2 want_accepted=$3 sum
    assert_eq "$SEND_accepted" "$want_accepted" "send $n: accepted"
    assert_eq "$SEND_rejected" 0 "send $n: rejected by smtpd"
    assert_eq "$SEND_suppressed" "$want_suppressed" "send $n: suppressed"
    if [[ $SEND_by_reason == missing ]]; then
        fail "send $n: JSON has no suppressed_by_reason"
    else
        sum=$(json_sum_values "$SEND_by_reason" 2>/dev/null || echo invalid)
        assert_eq "$sum" "$want_suppressed" "send $n: suppressed_by_reason $SEND_by_reason adds up"
    fi
}

# wait_returns DESCRIPTION LIKE WANT: wait until that many returns are recorded.
wait_returns() {
    wait_for "[[ \$(bounce_count '$2') -ge $3 ]]" "$TIMEOUT" "$1: $3 returns recorded" ||
        note "recorded: $(bounce_count "$2")"
}

# suppressed_report: the report, in $E2E_TMP/suppressed.json (a file: on a test bed
# that has run for a while it is longer than one command-line argument may be).
suppressed_report() {
    vadmin report suppressed --format json >"$E2E_TMP/suppressed.json" 2>"$E2E_TMP/stderr"
}

# in_report FILE ADDRESS...: every ADDRESS is in the JSON report in FILE, with a reason.
in_report() {
    python3 - "$@" <<'PY'
import json, sys
rows = {r["address"].lower(): r.get("reason") for r in json.load(open(sys.argv[1]))}
missing = [a for a in sys.argv[2:] if not rows.get(a.lower())]
if missing:
    print("not reported:", " ".join(missing))
    sys.exit(1)
PY
}

not_in_report() {
    python3 - "$@" <<'PY'
import json, sys
rows = {r["address"].lower() for r in json.load(open(sys.argv[1]))}
present = [a for a in sys.argv[2:] if a.lower() in rows]
if present:
    print("reported:", " ".join(present))
    sys.exit(1)
PY
}

# ---------------------------------------------------------------- (a) list and members

run_ok "list create $LIST" vadmin list create "$LIST" --from list@lists.example.test ||
    fatal "cannot create the list"

members=$E2E_TMP/members.csv
{
    for a in "${accept[@]}"; do echo "$a"; done
    i=0
    for a in "${reject[@]}"; do
        i=$((i + 1))
        echo "$a,Reject Member $i"
    done
    for a in "${full[@]}"; do echo "$a,Full Mailbox"; done
    echo "$IGNORED,Ignored Bounces"
} >"$members"
run_ok "members import $LIST ($N_ALL lines)" vadmin members import "$LIST" "$members" ||
    fatal "cannot import members"
assert_eq "$(sql_value "SELECT COUNT(*) FROM members m JOIN lists l ON l.id = m.list_id
    WHERE l.name = '$LIST' AND m.active = 1")" "$N_ALL" "members table has $N_ALL active members"

send_list 1
check_suppression 1 0 "$N_ALL"
campaign1=$(json_get "$SEND_JSON" campaign || true)
assert_eq "$(tracker_count 'MsgCount = 1')" "$N_ALL" "send 1: every member has MsgCount 1"
assert_eq "$(tracker_count "EncodedFROM LIKE 'sentto-%'")" "$N_ALL" \
    "send 1: every member has an EncodedFROM sentto-<token>"

wait_returns "send 1: reject.test" "$RUN-r%" "$N_REJECT"
wait_returns "send 1: full.test" "$RUN-f%" "$N_FULL"
wait_returns "send 1: ignored member" "$RUN-ignored%" 1

# ---------------------------------------------------------------- (b) hard bounces

assert_eq "$(tracker_count "EmailAddress LIKE '$RUN-r%' AND BounceCount = 1")" "$N_REJECT" \
    "reject.test: every member has BounceCount 1"
assert_eq "$(sql_value "SELECT COUNT(DISTINCT email) FROM bounce_logs WHERE email LIKE '$RUN-r%'
    AND bounce_type = 'hard' AND status_code = '5.1.1'")" "$N_REJECT" \
    "reject.test: every member has a bounce_logs row hard 5.1.1"
assert_eq "$(bounce_count "$RUN-a%")" 0 "accept.test: no returns"
if [[ -n $campaign1 ]]; then
    # Informational: the CLI contract does not promise campaign attribution.
    note "returns of send 1 with campaign $campaign1: $(sql_value "SELECT COUNT(*) FROM bounce_logs
        WHERE email LIKE '$RUN-%' AND campaign = $(sql_quote "$campaign1")") of $((N_REJECT + N_FULL + 1))"
fi

# ---------------------------------------------------------------- (d) first soft bounces

assert_eq "$(sql_value "SELECT COUNT(DISTINCT email) FROM bounce_logs WHERE email LIKE '$RUN-f%'
    AND bounce_type = 'soft' AND status_code = '5.2.2'")" "$N_FULL" \
    "full.test: every member has a bounce_logs row soft 5.2.2"

# ---------------------------------------------------------------- (e) IgnoreBounces

sql "UPDATE EmailAddressTracker SET IgnoreBounces = 1 WHERE EmailAddress = $(sql_quote "$IGNORED")"
assert_eq "$(tracker_count "EmailAddress = '$IGNORED' AND IgnoreBounces = 1")" 1 \
    "IgnoreBounces set for $IGNORED"

# ---------------------------------------------------------------- (c) send 2

send_list 2
# Mailed: accept + full + the ignored member. Suppressed: reject.test.
check_suppression 2 "$N_REJECT" "$((N_ACCEPT + N_FULL + 1))"
assert_eq "$(tracker_count "EmailAddress LIKE '$RUN-a%' AND MsgCount = 2")" "$N_ACCEPT" \
    "send 2: accept.test members have MsgCount 2"
assert_eq "$(tracker_count "EmailAddress LIKE '$RUN-r%' AND MsgCount = 1 AND BounceCount = 1")" \
    "$N_REJECT" "send 2: reject.test members were not mailed again"
assert_eq "$(tracker_count "EmailAddress = '$IGNORED' AND MsgCount = 2")" 1 \
    "send 2: $IGNORED (IgnoreBounces=1) was mailed"
assert_eq "$(tracker_count "EmailAddress LIKE '$RUN-f%' AND MsgCount = 2")" "$N_FULL" \
    "send 2: full.test members were mailed (1 soft bounce)"

# The seeds' semantics: a member suppressed for a hard bounce is no longer active.
assert_eq "$(sql_value "SELECT COUNT(*) FROM members m JOIN lists l ON l.id = m.list_id WHERE l.name = '$LIST'
    AND m.email LIKE '$RUN-r%' AND m.active = 0 AND m.inactive_reason = 'policy' AND m.bounce_status = 'hard'")" \
    "$N_REJECT" "send 2: reject.test members inactive (policy), bounce_status hard"
assert_eq "$(sql_value "SELECT COUNT(*) FROM members m JOIN lists l ON l.id = m.list_id WHERE l.name = '$LIST'
    AND m.email LIKE '$RUN-f%' AND m.active = 1 AND m.bounce_status = 'clean'")" "$N_FULL" \
    "send 2: full.test members active, bounce_status clean after one soft bounce"

if suppressed_report; then
    ok "report suppressed --format json"
    check "report lists every reject.test member with a reason" in_report "$E2E_TMP/suppressed.json" "${reject[@]}"
    check "report does not list accept.test, full.test or the ignored member" \
        not_in_report "$E2E_TMP/suppressed.json" "${accept[@]}" "${full[@]}" "$IGNORED"
else
    fail "report suppressed --format json: exit $?"
    cat "$E2E_TMP/stderr"
fi

wait_returns "send 2: full.test" "$RUN-f%" "$((2 * N_FULL))"

# ---------------------------------------------------------------- (d) sends 3 and 4

send_list 3
# The reject.test members left the list at send 2: nothing to suppress.
check_suppression 3 0 "$((N_ACCEPT + N_FULL + 1))"
assert_eq "$(tracker_count "EmailAddress LIKE '$RUN-f%' AND MsgCount = 3")" "$N_FULL" \
    "send 3: full.test members were mailed (2 soft bounces)"
wait_returns "send 3: full.test" "$RUN-f%" "$((3 * N_FULL))"
assert_eq "$(sql_value "SELECT COUNT(*) FROM bounce_logs WHERE email LIKE '$RUN-f%'
    AND bounce_type = 'soft' AND status_code = '5.2.2'")" "$((3 * N_FULL))" \
    "full.test: 3 soft 5.2.2 returns each"

assert_eq "$(sql_value "SELECT COUNT(*) FROM members m JOIN lists l ON l.id = m.list_id WHERE l.name = '$LIST'
    AND m.email LIKE '$RUN-f%' AND m.bounce_status = 'soft'")" "$N_FULL" \
    "full.test: bounce_status soft at the third soft bounce"

send_list 4
check_suppression 4 "$N_FULL" "$((N_ACCEPT + 1))"
assert_eq "$(tracker_count "EmailAddress LIKE '$RUN-f%' AND MsgCount = 3")" "$N_FULL" \
    "send 4: full.test members were not mailed (3 soft bounces within 30 days)"
assert_eq "$(tracker_count "EmailAddress LIKE '$RUN-a%' AND MsgCount = 4")" "$N_ACCEPT" \
    "send 4: accept.test members have MsgCount 4"
assert_eq "$(tracker_count "EmailAddress = '$IGNORED' AND MsgCount = 4")" 1 \
    "send 4: $IGNORED was still mailed"
if suppressed_report; then
    check "report lists every full.test member after send 4" in_report "$E2E_TMP/suppressed.json" "${full[@]}"
else
    fail "report suppressed --format json: exit $?"
fi

finish
