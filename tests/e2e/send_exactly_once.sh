#!/usr/bin/env bash
# send_exactly_once: a campaign is mailed exactly once per member, whatever happens
# to the sender, counted from Postfix's own log.
#
#   (1) verpmail-send is killed with SIGKILL mid-campaign and rerun with the same
#       --campaign: every member got exactly one message, apart from those the rerun
#       reports uncertain (those got at most one);
#   (2) three verpmail-send processes work one campaign at once: every member got
#       exactly one message, and the three summaries add up to the list.
source "$(dirname "$0")/lib.sh"

require_programs verpmail-send verpmail-admin

readonly RUN=eo$E2E_RUN_ID
readonly MESSAGE=$E2E_DATA/message.eml

# make_list NAME COUNT: a list of COUNT members at accept.test.
make_list() {
    local name=$1 count=$2 i
    run_ok "list create $name" vadmin list create "$name" --from list@lists.example.test || fatal "list create"
    for ((i = 1; i <= count; i++)); do printf '%s-%s-%04d@accept.test\n' "$RUN" "$name" "$i"; done >"$E2E_TMP/$name.txt"
    run_ok "members import $name ($count)" vadmin members import "$name" "$E2E_TMP/$name.txt" || fatal "import"
}

# check_exactly_once NAME COUNT MARK UNCERTAIN_FILE
check_exactly_once() { check_delivered_once "$1" "$3" "$E2E_TMP/$1.txt" "$4"; }

# ------------------------------------------------------------ (1) SIGKILL and rerun

readonly KILLED=kill-$E2E_RUN_ID N_KILLED=400
make_list "$KILLED" "$N_KILLED"
mark=$(maillog_mark)
campaign=$KILLED-c1
# Slow enough (200/s) to be killed in the middle.
"$TESTBED_BIN/verpmail-send" --config "$VERPMAIL_CONFIG" --list "$KILLED" --message "$MESSAGE" \
    --campaign "$campaign" --rate 200/s --json >"$E2E_TMP/killed.json" 2>"$E2E_TMP/killed.err" &
pid=$!
wait_for "[[ \$(sql_value \"SELECT COUNT(*) FROM send_log WHERE campaign_id = '$campaign' AND status = 'accepted'\") -ge 60 ]]" \
    20 "first run: at least 60 accepted before the kill" || true
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
before=$(sql_value "SELECT COUNT(*) FROM send_log WHERE campaign_id = '$campaign' AND status = 'accepted'")
note "killed after $before accepted"
if ((before < N_KILLED)); then ok "first run was killed mid-campaign"; else fail "first run finished before the kill"; fi

run_ok "rerun --campaign $campaign" vsend --list "$KILLED" --message "$MESSAGE" --campaign "$campaign" --json ||
    fatal "rerun failed"
note "rerun: $RUN_OUT"
rerun=$RUN_OUT
already=$(json_get "$rerun" already_done)
accepted=$(json_get "$rerun" accepted)
uncertain=$(json_get "$rerun" uncertain)
assert_eq "$((already + accepted + uncertain))" "$N_KILLED" "rerun: already_done + accepted + uncertain = $N_KILLED"
assert_eq "$(sql_value "SELECT COUNT(*) FROM send_log WHERE campaign_id = '$campaign' AND status IN ('queued','pending')")" 0 \
    "rerun: nothing left queued or pending"
sql "SELECT email FROM send_log WHERE campaign_id = '$campaign' AND status = 'uncertain'" >"$E2E_TMP/uncertain1"
assert_eq "$(wc -l <"$E2E_TMP/uncertain1")" "$uncertain" "rerun: the uncertain members are the ones in send_log"
check_exactly_once "$KILLED" "$N_KILLED" "$mark" "$E2E_TMP/uncertain1"

run_ok "a third run of the finished campaign sends nothing" \
    vsend --list "$KILLED" --message "$MESSAGE" --campaign "$campaign" --json || true
assert_eq "$(json_get "$RUN_OUT" accepted)" 0 "third run: accepted 0"

# ------------------------------------------------------------ (2) three processes at once

readonly SHARED=para-$E2E_RUN_ID N_SHARED=600
make_list "$SHARED" "$N_SHARED"
mark=$(maillog_mark)
campaign=$SHARED-c1
pids=()
for p in 1 2 3; do
    "$TESTBED_BIN/verpmail-send" --config "$VERPMAIL_CONFIG" --list "$SHARED" --message "$MESSAGE" \
        --campaign "$campaign" --connections 2 --json >"$E2E_TMP/p$p.json" 2>"$E2E_TMP/p$p.err" &
    pids+=($!)
done
wait_all 180 "${pids[@]}"
statuses=("${STATUSES[@]}")
assert_eq "${statuses[*]}" "0 0 0" "three concurrent processes exit 0"
total=0
for p in 1 2 3; do
    n=$(json_get "$(cat "$E2E_TMP/p$p.json")" accepted || echo 0)
    note "process $p accepted $n"
    total=$((total + n))
done
assert_eq "$total" "$N_SHARED" "the three processes accepted $N_SHARED messages in all"
: >"$E2E_TMP/uncertain2"
check_exactly_once "$SHARED" "$N_SHARED" "$mark" "$E2E_TMP/uncertain2"

finish
