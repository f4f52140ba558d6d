#!/usr/bin/env bash
# galera_cluster: verpmail on a three-node MariaDB Galera cluster (TESTBED_GALERA=3
# scripts/testbed up; ctest runs it on a test bed of its own). Bouncers on different
# nodes record returns, reports read any node, and a node that leaves (cleanly, or
# killed) comes back with everything written meanwhile. docs/GALERA.md.
#
#   (a) three nodes, all Synced, one cluster, one schema version
#   (b) a send through node 1; hard returns through node 2 (pipe mode) and node 3
#       (--mbox), then the same returns again crosswise; soft returns fed through
#       nodes 2 and 3 at the same moment (retried after exit 75, as Postfix would):
#       every return counted once, the same rows and 'report campaign' on every node
#   (c) node 2 stopped with galera-stop; a send through node 3 and returns through
#       node 1 meanwhile; galera-start brings it back by IST and it has those rows
#   (d) node 2 killed (SIGKILL); the others go on once they have dropped it; a send
#       and returns meanwhile; galera-start runs --wsrep-recover and the node rejoins
#       by IST, not a full copy, with those rows; every report the same on all nodes
# shellcheck disable=SC2317,SC2016 # functions called through traps; wait_for evaluates its condition
source "$(dirname "$0")/lib.sh"

require_programs verpmail-send verpmail-admin verpmail-bouncer
[[ ${TESTBED_GALERA:-0} == 3 ]] ||
    fatal "$E2E_NAME needs a Galera test bed of 3 nodes (TESTBED_GALERA=3 scripts/testbed up), not TESTBED_GALERA=${TESTBED_GALERA:-unset}"

read -r -a CONFIGS <<<"$TESTBED_GALERA_CONFIGS"
read -r -a SOCKETS <<<"$TESTBED_GALERA_SOCKETS"
read -r -a PID_FILES <<<"$TESTBED_GALERA_PID_FILES"
readonly CONFIGS SOCKETS PID_FILES
readonly RUN=gc$E2E_RUN_ID
readonly MESSAGE=$E2E_DATA/message.eml
readonly OWNER=nobody
readonly N=8 HALF=4
# The bouncer's user must reach the mailbox: not under $E2E_TMP (root's 0700 dir).
WORK=$(mktemp -d "${TMPDIR:-/tmp}/e2e-galera-$RUN.XXXXXX")
readonly WORK
chown "$OWNER" "$WORK"

# Leave every node running for whatever runs next on this test bed (a node that is
# running already is left alone; one start waits at most 120 s).
cleanup() {
    local n
    for n in 1 2 3; do
        [[ $(node_var "$n" wsrep_local_state_comment 2>/dev/null) == Synced ]] ||
            timeout 150 "$TESTBED_SCRIPT" galera-start "$n" >/dev/null 2>&1 || true
    done
    rm -rf "$WORK"
}
trap 'rc=$?; cleanup; (exit $rc); e2e_on_exit' EXIT

# ------------------------------------------------------------------ helpers

# on_node N STATEMENT: root on node N, a causal read (wsrep_sync_wait): it sees every
# transaction the cluster committed before it started, wherever.
on_node() {
    mariadb --no-defaults --connect-timeout=5 -S "${SOCKETS[$1 - 1]}" -uroot -N -B verpmail \
        -e "SET SESSION wsrep_sync_wait = 1; $2"
}
node_var() {
    mariadb --no-defaults --connect-timeout=2 -S "${SOCKETS[$1 - 1]}" -uroot -N -B \
        -e "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = '$2'" 2>/dev/null
}
admin_on() {
    local n=$1
    shift
    "$TESTBED_BIN/verpmail-admin" --config "${CONFIGS[$n - 1]}" "$@"
}
send_on() {
    local n=$1
    shift
    "$TESTBED_BIN/verpmail-send" --config "${CONFIGS[$n - 1]}" "$@"
}

# make_list NAME COUNT: a list of COUNT members at accept.test (through node 1).
make_list() {
    local name=$1 count=$2 i
    run_ok "list create $name" admin_on 1 list create "$name" --from list@lists.example.test || fatal "list create"
    for ((i = 1; i <= count; i++)); do printf '%s-%s-%d@accept.test\n' "$RUN" "$name" "$i"; done >"$E2E_TMP/$name.txt"
    run_ok "members import $name ($count)" admin_on 1 members import "$name" "$E2E_TMP/$name.txt" || fatal "import"
}

# dsn_file NODE ADDRESS CAMPAIGN STATUS DIAGNOSTIC FILE: a Postfix DSN to the member's
# VERP address (its tracker row read on NODE), naming the campaign.
dsn_file() {
    local verp
    verp=$(on_node "$1" "SELECT CONCAT(EncodedFROM, '@$TESTBED_BOUNCE_DOMAIN') FROM EmailAddressTracker
        WHERE EmailAddress = $(sql_quote "$2")") || return 1
    [[ $verp == sentto-* ]] || return 1
    postfix_dsn "$verp" "$2" "$4" "$5" | sed "s/^X-Verpmail-Envelope: .*/&\nX-Verpmail-Campaign: $3/" >"$6"
    printf '%s\n' "$verp" >"$6.rcpt"
}

# hard_returns NODE LIST CAMPAIGN COUNT: DSNs (5.1.1) for members 1-COUNT in
# $WORK/LIST-hard-I, their VERP addresses read on NODE.
hard_returns() {
    local i a
    for ((i = 1; i <= $4; i++)); do
        a=$RUN-$2-$i@accept.test
        dsn_file "$1" "$a" "$3" 5.1.1 "550 5.1.1 <$a>: Recipient address rejected: User unknown" \
            "$WORK/$2-hard-$i" || fatal "no VERP address for $a on node $1"
    done
}

# bounce_pipe N FILE: verpmail-bouncer as pipe(8) runs it, on node N, retried after
# exit 75 as Postfix retries a deferred return (certification conflicts between nodes
# end so). Prints the number of attempts; status 1 when it never exits 0.
bounce_pipe() {
    local n=$1 file=$2 rcpt attempt rc
    rcpt=$(<"$file.rcpt")
    for ((attempt = 1; attempt <= 10; attempt++)); do
        rc=0
        (cd / && runuser -u "$OWNER" -- "$TESTBED_BIN/verpmail-bouncer" --config "${CONFIGS[$n - 1]}" \
            -- MAILER-DAEMON "$rcpt" <"$file" >>"$E2E_TMP/pipe.out" 2>&1) || rc=$?
        if ((rc == 0)); then
            echo "$attempt"
            return 0
        fi
        ((rc == 75)) || break
        sleep 0.2
    done
    echo "$attempt"
    return 1
}

# bounce_mbox N FILE...: the DSNs as a catch-all mailbox holds them (X-Original-To the
# VERP address), read by 'verpmail-bouncer --mbox' on node N as the mailbox's owner.
bounce_mbox() {
    local n=$1 file mbox=$WORK/mbox-$RANDOM
    shift
    for file in "$@"; do
        printf 'From MAILER-DAEMON Sun Nov 22 16:55:00 2026\nReturn-Path: <>\nX-Original-To: %s\n' "$(<"$file.rcpt")"
        sed 's/^From />From /' "$file"
        printf '\n'
    done >"$mbox"
    chown "$OWNER" "$mbox"
    chmod 0600 "$mbox"
    (cd "$WORK" && runuser -u "$OWNER" -- "$TESTBED_BIN/verpmail-bouncer" --config "${CONFIGS[$n - 1]}" \
        --mbox "$mbox" >>"$E2E_TMP/mbox.out" 2>&1)
}

# figures N CAMPAIGN: 'report campaign' on node N: accepted sent returns hard soft.
figures() {
    local out
    out=$(admin_on "$1" report campaign "$2" --format json) || return 1
    python3 -c 'import json, sys
t = json.loads(sys.argv[1])["campaign"]
print(t["accepted"], t["sent"], t["returns"], t["hard"], t["soft"])' "$out"
}

# same_everywhere DESCRIPTION WANT COMMAND...: COMMAND's output (its last argument a
# node number, appended) is WANT on nodes 1, 2 and 3.
same_everywhere() {
    local desc=$1 want=$2 n got
    shift 2
    for n in 1 2 3; do
        got=$("$@" "$n" 2>&1) || got="error: $got"
        assert_eq "$got" "$want" "$desc, node $n"
    done
}
node_var_of() { node_var "$2" "$1"; }
on_node_of() { on_node "$2" "$1"; }
rows_of() { on_node "$2" "SELECT COUNT(*) FROM bounce_logs WHERE email LIKE '$RUN-$1-%'"; }
sent_of() { on_node "$2" "SELECT COUNT(*) FROM send_log WHERE campaign_id = '$1' AND status = 'accepted'"; }
figures_of() { figures "$2" "$1"; }
counts_of() {
    on_node "$2" "SELECT GROUP_CONCAT(CONCAT(HardBounceCount, '/', SoftBounceCount) ORDER BY EmailAddress SEPARATOR ' ')
        FROM EmailAddressTracker WHERE EmailAddress LIKE '$RUN-$1-%'"
}

# send_list NODE NAME: mail list NAME through NODE; CAMPAIGN is its campaign id.
send_list() {
    run_ok "send $2 through node $1" send_on "$1" --list "$2" --message "$MESSAGE" --json || fatal "send failed"
    CAMPAIGN=$(json_get "$RUN_OUT" campaign) || fatal "no campaign in the send's JSON"
}

# rejoin NODE TRANSFER RECOVERED: galera-start NODE prints how it came back.
rejoin() {
    local out
    run_ok "galera-start $1" testbed galera-start "$1" || fatal "node $1 did not come back"
    out=$RUN_OUT
    note "$out"
    assert_match "$out" "^node=$1 status=synced seconds=[0-9.]+ recovered=$3 transfer=$2 attempts=[0-9]+\$" \
        "node $1 rejoined by $2 (recovered=$3)"
    same_everywhere "cluster size after node $1 rejoined" 3 node_var_of wsrep_cluster_size
}

# ---------------------------------------------------------------- (a) the cluster

same_everywhere "a: state" Synced node_var_of wsrep_local_state_comment
same_everywhere "a: cluster size" 3 node_var_of wsrep_cluster_size
same_everywhere "a: one cluster" "$(node_var 1 wsrep_cluster_state_uuid)" node_var_of wsrep_cluster_state_uuid
same_everywhere "a: schema version" "$(on_node 1 'SELECT MAX(version) FROM schema_version')" \
    on_node_of 'SELECT MAX(version) FROM schema_version'

# ------------------------------------------------- (b) returns through two nodes

LIST=b-$E2E_RUN_ID
make_list "$LIST" "$N"
send_list 1 "$LIST"
B_CAMPAIGN=$CAMPAIGN
same_everywhere "b: messages accepted" "$N" sent_of "$B_CAMPAIGN"
# VERP addresses read on node 2: the sender's tracker rows (node 1) are there.
hard_returns 2 "$LIST" "$B_CAMPAIGN" "$N"
first=() second=()
for ((i = 1; i <= N; i++)); do
    a=$RUN-$LIST-$i@accept.test
    dsn_file 3 "$a" "$B_CAMPAIGN" 5.2.2 "552 5.2.2 <$a>: Mailbox full" "$WORK/$LIST-soft-$i" ||
        fatal "no VERP address for $a on node 3"
    if ((i <= HALF)); then first+=("$WORK/$LIST-hard-$i"); else second+=("$WORK/$LIST-hard-$i"); fi
done

# Transactions committed by clients of each node (wsrep_local_commits): the returns
# must really go through nodes 2 and 3.
commits2=$(node_var 2 wsrep_local_commits) commits3=$(node_var 3 wsrep_local_commits)
failed=0
for f in "${first[@]}"; do bounce_pipe 2 "$f" >/dev/null || failed=$((failed + 1)); done
assert_eq "$failed" 0 "b: hard returns 1-$HALF recorded through node 2 (pipe mode)"
check "b: hard returns $((HALF + 1))-$N recorded through node 3 (--mbox)" bounce_mbox 3 "${second[@]}"
assert_ge $(($(node_var 2 wsrep_local_commits) - commits2)) "$HALF" "b: node 2 committed the $HALF returns it was given"
assert_ge $(($(node_var 3 wsrep_local_commits) - commits3)) 1 "b: node 3 committed the returns of its mailbox"
failed=0
for f in "${second[@]}"; do bounce_pipe 2 "$f" >/dev/null || failed=$((failed + 1)); done
assert_eq "$failed" 0 "b: the same returns again crosswise: $((HALF + 1))-$N through node 2"
check "b: the same returns again crosswise: 1-$HALF through node 3" bounce_mbox 3 "${first[@]}"

# The same soft return through node 2 and node 3 at the same moment: both insert the
# same dedup key; Galera certifies one and aborts the other (1213), whose bouncer
# exits 75; its retry finds the row and counts a duplicate.
pids=()
for ((i = 1; i <= HALF; i++)); do
    bounce_pipe 2 "$WORK/$LIST-soft-$i" >"$WORK/race-2-$i" &
    pids+=($!)
    bounce_pipe 3 "$WORK/$LIST-soft-$i" >"$WORK/race-3-$i" &
    pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
assert_eq "$failed" 0 "b: soft returns 1-$HALF fed through nodes 2 and 3 at once: all end in exit 0"
note "attempts of the racing bouncers (node 2:node 3): $(for ((i = 1; i <= HALF; i++)); do
    printf '%s:%s ' "$(<"$WORK/race-2-$i")" "$(<"$WORK/race-3-$i")"; done)"

same_everywhere "b: bounce_logs rows ($N hard + $HALF soft)" $((N + HALF)) rows_of "$LIST"
want_counts=$(for ((i = 1; i <= N; i++)); do
    printf '%s-%s-%d@accept.test %s\n' "$RUN" "$LIST" "$i" "$(if ((i <= HALF)); then echo 1/1; else echo 1/0; fi)"
done | sort | awk '{print $2}' | paste -sd' ')
same_everywhere "b: HardBounceCount/SoftBounceCount per member" "$want_counts" counts_of "$LIST"
same_everywhere "b: report campaign (accepted sent returns hard soft)" "$N $N $((N + HALF)) $N $HALF" \
    figures_of "$B_CAMPAIGN"

# -------------------------------------------- (c) node 2 stopped, then restarted

run_ok "c: galera-stop 2" testbed galera-stop 2 || fatal "galera-stop 2 failed"
check "c: node 2 is down" test -z "$(node_var 2 wsrep_cluster_size)"
assert_eq "$(node_var 1 wsrep_cluster_size)/$(node_var 3 wsrep_cluster_size)" 2/2 "c: nodes 1 and 3 form a cluster of 2"
LIST=c-$E2E_RUN_ID
make_list "$LIST" "$HALF"
send_list 3 "$LIST"
C_CAMPAIGN=$CAMPAIGN
hard_returns 3 "$LIST" "$C_CAMPAIGN" "$HALF"
failed=0
for ((i = 1; i <= HALF; i++)); do bounce_pipe 1 "$WORK/$LIST-hard-$i" >/dev/null || failed=$((failed + 1)); done
assert_eq "$failed" 0 "c: $HALF returns recorded through node 1 while node 2 is down"
rejoin 2 IST no
same_everywhere "c: messages accepted (sent through node 3)" "$HALF" sent_of "$C_CAMPAIGN"
same_everywhere "c: bounce_logs rows (recorded through node 1)" "$HALF" rows_of "$LIST"
same_everywhere "c: report campaign" "$HALF $HALF $HALF $HALF 0" figures_of "$C_CAMPAIGN"

# ------------------------------------------- (d) node 2 killed, then restarted

pid=$(<"${PID_FILES[1]}")
killed_at=$(date +%s%N)
kill -KILL "$pid"
# Until the others declare it gone (evs.suspect_timeout, 5 s by default) the cluster
# waits for its answers: commits on nodes 1 and 3 stall meanwhile.
wait_for '[[ $(node_var 1 wsrep_cluster_size) == 2 && $(node_var 3 wsrep_cluster_size) == 2 ]]' 30 \
    "d: nodes 1 and 3 drop the killed node 2" || fatal "the cluster did not drop node 2"
note "d: from SIGKILL to a cluster of 2: $((($(date +%s%N) - killed_at) / 1000000)) ms"
check "d: node 2 left seqno -1 (not a clean stop) in grastate.dat" \
    grep -q '^seqno:[[:space:]]*-1$' "${SOCKETS[1]%/*}/data/grastate.dat"
LIST=d-$E2E_RUN_ID
make_list "$LIST" "$HALF"
send_list 1 "$LIST"
D_CAMPAIGN=$CAMPAIGN
hard_returns 1 "$LIST" "$D_CAMPAIGN" "$HALF"
files=()
for ((i = 1; i <= HALF; i++)); do files+=("$WORK/$LIST-hard-$i"); done
check "d: $HALF returns recorded through node 3 (--mbox) while node 2 is down" bounce_mbox 3 "${files[@]}"
rejoin 2 IST yes
same_everywhere "d: messages accepted" "$HALF" sent_of "$D_CAMPAIGN"
same_everywhere "d: bounce_logs rows" "$HALF" rows_of "$LIST"
same_everywhere "d: report campaign" "$HALF $HALF $HALF $HALF 0" figures_of "$D_CAMPAIGN"
same_everywhere "d: report campaign of (b)" "$N $N $((N + HALF)) $N $HALF" figures_of "$B_CAMPAIGN"
# Without the since/until lines: they are the second the report ran.
summary_of() { admin_on "$1" report summary --format csv | grep -Ev '^(since|until),'; }
same_everywhere "d: report summary" "$(summary_of 1)" summary_of

for n in 1 2 3; do
    pid=$(<"${PID_FILES[n - 1]}")
    note "node $n: RSS $(($(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$pid/status") / 1024)) MiB"
done
finish
