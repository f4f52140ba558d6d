#!/usr/bin/env bash
# send_exactly_once: a campaign is mailed exactly once per member, whatever happens
# to the sender, counted from Postfix's own log.
#
#   (1) verpmail-send is killed with SIGKILL mid-campaign and rerun with the same
#       --campaign: every member got exactly one message, apart from those the rerun
#       reports uncertain (those got at most one);
#   (2) three verpmail-send processes work one campaign at once: every member got
#       exactly one message, and the three summaries add up to the list;
#   (3) batches follow each other in one SMTP session up to smtp.messagesPerSession:
#       Postfix's log shows which smtpd session took each member's message.
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

# ------------------------------------------------------------ (3) sessions carry many batches

# sessions_of MARK MEMBERS_FILE: from Postfix's log since MARK, the number of messages
# to the members that each smtpd session took, one count per line, largest first. A
# session is an smtpd process between two of its "connect from" lines.
sessions_of() {
    maillog_since "$1" | awk -v members="$2" '
        BEGIN { while ((getline line < members) > 0) ours[line] = 1 }
        match($0, /smtpd\[[0-9]+\]: /) {
            pid = substr($0, RSTART, RLENGTH)
            if ($0 ~ /: connect from /) session[pid]++
            else if (match($0, /: [0-9A-F]+: client=/)) {
                qid = substr($0, RSTART + 2, RLENGTH - 11); of[qid] = pid "#" session[pid]
            }
        }
        / status=sent / && match($0, /: [0-9A-F]+: to=<[^>]*>/) {
            split(substr($0, RSTART + 2, RLENGTH - 3), f, ": to=<")
            if ((f[2] in ours) && (f[1] in of)) took[of[f[1]]]++
        }
        END { for (s in took) print took[s] }' | sort -rn
}

readonly SESSIONS=sess-$E2E_RUN_ID N_SESSIONS=120
make_list "$SESSIONS" "$N_SESSIONS"
mark=$(maillog_mark)
run_ok "one connection, batches of 10, at most 50 messages a session" \
    vsend --list "$SESSIONS" --message "$MESSAGE" --connections 1 --define smtp.batchSize=10 \
    --define smtp.messagesPerSession=50 --json || fatal "send failed"
assert_eq "$(json_get "$RUN_OUT" accepted)" "$N_SESSIONS" "sessions: every member accepted"
: >"$E2E_TMP/uncertain3"
check_exactly_once "$SESSIONS" "$N_SESSIONS" "$mark" "$E2E_TMP/uncertain3"
# A batch is what one claim finds in a slice of the queue (up to smtp.batchSize), so
# a session ends with the batch that takes it to 50 or more: 50 to 59 messages, the
# last session fewer.
sessions_of "$mark" "$E2E_TMP/$SESSIONS.txt" >"$E2E_TMP/sessions3"
note "messages per session: $(tr '\n' ' ' <"$E2E_TMP/sessions3")"
assert_eq "$(awk '{ n += $1 } END { print n }' "$E2E_TMP/sessions3")" "$N_SESSIONS" \
    "sessions: Postfix's sessions took every member's message"
assert_eq "$(awk 'NR < lines && ($1 < 50 || $1 > 59) || NR == lines && $1 > 59' lines="$(wc -l <"$E2E_TMP/sessions3")" \
    "$E2E_TMP/sessions3")" "" "sessions: each session but the last took 50 to 59 messages, the last at most 59"
assert_eq "$(wc -l <"$E2E_TMP/sessions3")" 3 "sessions: 120 messages took three sessions"
mark=$(maillog_mark)
run_ok "smtp.messagesPerSession=1: a session per batch" \
    vsend --list "$SESSIONS" --message "$MESSAGE" --campaign "$SESSIONS-c2" --connections 1 \
    --define smtp.batchSize=10 --define smtp.messagesPerSession=1 --json || fatal "send failed"
check_exactly_once "$SESSIONS" "$N_SESSIONS" "$mark" "$E2E_TMP/uncertain3"
sessions_of "$mark" "$E2E_TMP/$SESSIONS.txt" >"$E2E_TMP/sessions4"
assert_eq "$(awk '{ n += $1 } END { print n }' "$E2E_TMP/sessions4")" "$N_SESSIONS" \
    "sessions (per batch): Postfix's sessions took every member's message"
assert_eq "$(awk '$1 > 10' "$E2E_TMP/sessions4")" "" "sessions (per batch): no session took more than one batch of 10"
if (($(wc -l <"$E2E_TMP/sessions4") >= 12)); then ok "sessions (per batch): twelve sessions or more"; else
    fail "sessions (per batch): only $(wc -l <"$E2E_TMP/sessions4") sessions"; fi

finish
