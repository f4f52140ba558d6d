#!/usr/bin/env bash
# galera_send: three senders, one per Galera node, share one campaign of 2,000 members
# at accept.test; node 2 is stopped in the middle and the other two finish the
# campaign (they take its claims over once its lease runs out). Counted from Postfix's
# own log: nobody got two messages, everybody got one or is reported uncertain, and
# the uncertain are at most the dead sender's connections x batch size.
# shellcheck disable=SC2317,SC2016 # functions called through traps; wait_for evaluates its condition
source "$(dirname "$0")/lib.sh"

require_programs verpmail-send verpmail-admin
[[ ${TESTBED_GALERA:-0} == 3 ]] ||
    fatal "$E2E_NAME needs a Galera test bed of 3 nodes (TESTBED_GALERA=3 scripts/testbed up)"

read -r -a CONFIGS <<<"$TESTBED_GALERA_CONFIGS"
read -r -a SOCKETS <<<"$TESTBED_GALERA_SOCKETS"
readonly CONFIGS SOCKETS
readonly RUN=gs$E2E_RUN_ID
readonly MESSAGE=$E2E_DATA/message.eml
readonly N=2000 CONNECTIONS=4 RATE=120 LEASE=10

node_synced() {
    [[ $(mariadb --no-defaults --connect-timeout=2 -S "${SOCKETS[$1 - 1]}" -uroot -N -B -e \
        "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'wsrep_local_state_comment'" \
        2>/dev/null) == Synced ]]
}
cleanup() { node_synced 2 || testbed galera-start 2 >/dev/null 2>&1 || true; }
trap 'rc=$?; cleanup; (exit $rc); e2e_on_exit' EXIT

# on_node N STATEMENT: a causal read on node N (it sees all the cluster committed).
on_node() {
    mariadb --no-defaults --connect-timeout=5 -S "${SOCKETS[$1 - 1]}" -uroot -N -B verpmail \
        -e "SET SESSION wsrep_sync_wait = 1; $2"
}

run_ok "list create" vadmin list create "$RUN" --from list@lists.example.test || fatal "list"
for ((i = 1; i <= N; i++)); do printf '%s-%04d@accept.test\n' "$RUN" "$i"; done >"$E2E_TMP/members"
run_ok "members import ($N)" vadmin members import "$RUN" "$E2E_TMP/members" || fatal "import"

mark=$(maillog_mark)
campaign=$RUN-c1
pids=()
for n in 1 2 3; do
    "$TESTBED_BIN/verpmail-send" --config "${CONFIGS[$n - 1]}" --list "$RUN" --message "$MESSAGE" \
        --campaign "$campaign" --connections "$CONNECTIONS" --rate "$RATE/s" --define send.leaseTime=${LEASE}s --json \
        >"$E2E_TMP/s$n.json" 2>"$E2E_TMP/s$n.err" &
    pids+=($!)
done
wait_for "[[ \$(on_node 1 \"SELECT COUNT(*) FROM send_log WHERE campaign_id = '$campaign' AND status = 'accepted'\") -ge $((N / 4)) ]]" \
    60 "a quarter of the campaign accepted before node 2 stops" || true
run_ok "node 2 stopped mid-campaign" testbed galera-stop 2
accepted_then=$(on_node 1 "SELECT COUNT(*) FROM send_log WHERE campaign_id = '$campaign' AND status = 'accepted'")
note "node 2 stopped after $accepted_then accepted"
((accepted_then < N)) && ok "the campaign was not finished when node 2 stopped" || fail "finished before node 2 stopped"

wait_all 180 "${pids[@]}"
statuses=("${STATUSES[@]}")
note "exit statuses: ${statuses[*]}; sender 2: $(tail -1 "$E2E_TMP/s2.err")"
assert_eq "${statuses[0]} ${statuses[2]}" "0 0" "the senders on nodes 1 and 3 finish the campaign"
[[ ${statuses[1]} == 75 ]] && ok "the sender on node 2 ends with 75 (database unavailable)" ||
    fail "sender on node 2 exited ${statuses[1]}, want 75"

assert_eq "$(on_node 1 "SELECT COUNT(*) FROM send_log WHERE campaign_id = '$campaign' AND status NOT IN ('accepted','uncertain')")" \
    0 "every row accepted or uncertain: nothing queued, pending or submitting is left"
on_node 1 "SELECT email FROM send_log WHERE campaign_id = '$campaign' AND status = 'uncertain'" >"$E2E_TMP/uncertain"
uncertain=$(wc -l <"$E2E_TMP/uncertain")
note "uncertain: $uncertain"
batch=$((RATE / CONNECTIONS / 2))
((uncertain <= CONNECTIONS * batch)) && ok "uncertain ($uncertain) <= connections x batch size ($((CONNECTIONS * batch)))" ||
    fail "uncertain $uncertain > connections x batch size $((CONNECTIONS * batch))"
assert_eq "$(on_node 3 "SELECT COUNT(*) FROM send_claimers WHERE campaign_id = '$campaign' AND ended_at IS NULL")" 0 \
    "the dead sender's claim was ended by a live one"

check_delivered_once "$RUN" "$mark" "$E2E_TMP/members" "$E2E_TMP/uncertain"

run_ok "node 2 back" testbed galera-start 2
assert_eq "$(on_node 2 "SELECT COUNT(*) FROM send_log WHERE campaign_id = '$campaign' AND status = 'accepted'")" \
    "$((N - uncertain))" "node 2 has every row written while it was away"

finish
