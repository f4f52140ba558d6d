#!/usr/bin/env bash
# send_auth: submission with SMTP AUTH (smtp.authFile) to the test bed's third smtpd,
# which requires STARTTLS, then AUTH PLAIN or LOGIN (Cyrus SASL, a private sasldb), and
# refuses unauthenticated clients at RCPT.
#
#   (a1) with the test bed's credentials verpmail-send authenticates (Postfix logs
#        sasl_method and sasl_username for every message) and the sink gets the mail;
#        the server offers CHUNKING, and the sender warns once that this is slow;
#   (a2) with a wrong password the run fails with exit 78 and an error naming AUTH and
#        the server's 535; no member is marked sent, rejected or bounced, nothing
#        reaches the sink; a rerun of the campaign with the right password mails every
#        member exactly once, and a third run mails nothing;
#   (a3) an auth file readable by group or others is refused (exit 78) before anything
#        is queued;
#   (a4) AUTH configured but the session has no TLS, so the server offers no AUTH: exit
#        78, the error says so, nothing marked;
#   (a5) the server's SASL backend fails (its sasldb unreadable): 454, a temporary
#        failure: exit 75, nothing marked.
source "$(dirname "$0")/lib.sh"

require_programs verpmail-send verpmail-admin
[[ -n ${TESTBED_SMTP_AUTH:-} && -r ${TESTBED_SMTP_AUTH_FILE:-} && -r ${TESTBED_TLS_CERT:-} ]] ||
    cannot_run "the test bed has no AUTH smtpd (TESTBED_SMTP_AUTH, TESTBED_SMTP_AUTH_FILE: scripts/testbed is older)"
: "${TESTBED_SMTP_AUTH_USER:?}"

readonly RUN=au$E2E_RUN_ID
readonly MESSAGE=$E2E_DATA/message.eml
# The AUTH smtpd logs as postfix/auth/smtpd (syslog_name in the test bed's master.cf).
readonly AUTH_SMTPD='postfix/auth/smtpd\[[0-9]+\]'

# make_list NAME COUNT: a list of COUNT members at accept.test, listed in $E2E_TMP/NAME.txt.
make_list() {
    local name=$1 count=$2 i
    run_ok "list create $name" vadmin list create "$name" --from list@lists.example.test || fatal "list create"
    for ((i = 1; i <= count; i++)); do printf '%s-%s-%d@accept.test\n' "$RUN" "$name" "$i"; done >"$E2E_TMP/$name.txt"
    run_ok "members import $name ($count)" vadmin members import "$name" "$E2E_TMP/$name.txt" >/dev/null ||
        fatal "members import"
}

# auth_send AUTHFILE ARGS...: verpmail-send to the AUTH smtpd over verified STARTTLS.
auth_send() {
    local file=$1
    shift
    vsend --define "smtp.server=$TESTBED_SMTP_AUTH" --define smtp.starttls=required \
        --define "smtp.tlsCaFile=$TESTBED_TLS_CERT" --define "smtp.authFile=$file" "$@"
}

# status_counts CAMPAIGN: "status count" lines of the campaign's send_log, sorted.
status_counts() {
    sql "SELECT status, COUNT(*) FROM send_log WHERE campaign_id = $(sql_quote "$1") GROUP BY status ORDER BY status" |
        tr '\t' ' '
}

# bounces_of NAME: bounce_logs rows of list NAME's members.
bounces_of() {
    sql_value "SELECT COUNT(*) FROM bounce_logs WHERE email LIKE $(sql_quote "$RUN-$1-%")"
}

# deliveries NAME MARK: "count address" per member of list NAME that Postfix delivered
# (to the accepting sink) since the mail log MARK.
deliveries() {
    maillog_since "$2" | grep -oE "to=<$RUN-$1-[0-9]+@accept.test>, relay=127.0.0.1\[127.0.0.1\]:[0-9]+,.*status=sent" |
        sed -E 's/^to=<([^>]*)>.*/\1/' | sort | uniq -c || true
}

# sink_has ADDRESS: the accepting sink dumped a message for ADDRESS.
sink_has() { grep -rqsF "<$1>" "$TESTBED_SINK_DIR"; }

# failed_send LABEL AUTHFILE NAME ARGS...: a run of campaign NAME-c1 that is to fail;
# its exit status in RC, its stderr in ERR.
RC=0
ERR=
failed_send() {
    local label=$1 file=$2 name=$3
    shift 3
    RC=0
    auth_send "$file" --list "$name" --message "$MESSAGE" --campaign "$name-c1" "$@" \
        >"$E2E_TMP/out" 2>"$E2E_TMP/err" || RC=$?
    ERR=$(cat "$E2E_TMP/err")
    note "$label: exit $RC, stderr: $ERR"
}

# nothing_marked LABEL NAME COUNT: every member of list NAME is still queued in its
# campaign NAME-c1, and none has a return recorded.
nothing_marked() {
    assert_eq "$(status_counts "$2-c1")" "queued $3" "$1: send_log: every member still queued (none sent, rejected or pending)"
    assert_eq "$(bounces_of "$2")" 0 "$1: no rejection recorded in bounce_logs"
}

# --------------------------------------------------- (a1) the right credentials

readonly GOOD=good-$E2E_RUN_ID N_GOOD=3
make_list "$GOOD" "$N_GOOD"
mark=$(maillog_mark)
vmark=$(vlog_mark)
run_ok "a1: send with smtp.authFile = the test bed's credentials" \
    auth_send "$TESTBED_SMTP_AUTH_FILE" --list "$GOOD" --message "$MESSAGE" --campaign "$GOOD-c1" --json || true
note "a1: $RUN_OUT"
# This smtpd offers CHUNKING (Postfix's default): the sender says once that it is slow.
assert_eq "$(vlog_since "$vmark" | grep -c "server=$TESTBED_SMTP_AUTH status=chunking-offered")" 1 \
    "a1: one warning that the server offers CHUNKING, naming postfix-setup --submission"
assert_eq "$(json_get "$RUN_OUT" accepted)" "$N_GOOD" "a1: accepted $N_GOOD"
assert_eq "$(status_counts "$GOOD-c1")" "accepted $N_GOOD" "a1: send_log: all accepted"
log=$(maillog_since "$mark")
sasl_lines=$(grep -cE "$AUTH_SMTPD: [0-9A-F]+: client=[^,]*, sasl_method=(PLAIN|LOGIN), sasl_username=$TESTBED_SMTP_AUTH_USER\$" \
    <<<"$log" || true)
assert_eq "$sasl_lines" "$N_GOOD" "a1: Postfix logged sasl_method and sasl_username=$TESTBED_SMTP_AUTH_USER for each message"
note "a1: $(grep -m1 -oE "sasl_method=[A-Z]+, sasl_username=.*" <<<"$log" || true)"
assert_no_match "$log" "$AUTH_SMTPD: warning: .*authentication failed" "a1: no failed AUTH"
wait_for "[[ \$(deliveries $GOOD $mark | wc -l) -eq $N_GOOD ]]" 30 "a1: Postfix delivered every message to the sink" || true
assert_eq "$(deliveries "$GOOD" "$mark" | awk '$1 != 1')" "" "a1: one delivery per member"
missing=0
while read -r address; do sink_has "$address" || missing=$((missing + 1)); done <"$E2E_TMP/$GOOD.txt"
assert_eq "$missing" 0 "a1: the sink dumped a message for every member"

# ------------------------------------------------------ (a2) a wrong password

readonly BAD=bad-$E2E_RUN_ID N_BAD=4
make_list "$BAD" "$N_BAD"
(
    umask 077
    printf 'username = %s\npassword = not-the-password\n' "$TESTBED_SMTP_AUTH_USER" >"$E2E_TMP/wrong.auth"
)
mark=$(maillog_mark)
# Two sessions of two messages each: every session fails alike.
failed_send a2 "$E2E_TMP/wrong.auth" "$BAD" --connections 2 --define smtp.batchSize=2
assert_eq "$RC" 78 "a2: a wrong password: exit 78 (configuration error)"
assert_match "$ERR" "AUTH" "a2: the error names AUTH"
assert_match "$ERR" "535" "a2: the error quotes the server's 535"
assert_match "$ERR" "smtp.authFile" "a2: the error names smtp.authFile"
log=$(maillog_since "$mark")
assert_match "$log" "$AUTH_SMTPD: warning: [^ ]+: SASL (PLAIN|LOGIN) authentication failed" \
    "a2: Postfix logged the failed AUTH"
assert_no_match "$log" "sasl_username=[^ ]+, sasl_method|sasl_method=[A-Z]+, sasl_username" \
    "a2: no session authenticated"
nothing_marked a2 "$BAD" "$N_BAD"
assert_eq "$(sql_value "SELECT COUNT(*) FROM EmailAddressTracker WHERE EmailAddress LIKE $(sql_quote "$RUN-$BAD-%") \
    AND (BounceCount > 0 OR SuppressedAt IS NOT NULL)")" 0 "a2: no member counted a bounce or was suppressed"
testbed wait-queue-idle 30 >/dev/null 2>&1 || true
assert_eq "$(deliveries "$BAD" "$mark")" "" "a2: nothing delivered"

run_ok "a2: rerun the campaign with the right password" \
    auth_send "$TESTBED_SMTP_AUTH_FILE" --list "$BAD" --message "$MESSAGE" --campaign "$BAD-c1" --json || true
note "a2 rerun: $RUN_OUT"
assert_eq "$(json_get "$RUN_OUT" accepted)" "$N_BAD" "a2: rerun: accepted $N_BAD"
assert_eq "$(json_get "$RUN_OUT" already_done)" 0 "a2: rerun: already_done 0"
assert_eq "$(status_counts "$BAD-c1")" "accepted $N_BAD" "a2: rerun: send_log: all accepted"
wait_for "[[ \$(deliveries $BAD $mark | wc -l) -eq $N_BAD ]]" 30 "a2: rerun: Postfix delivered every message" || true
testbed wait-queue-idle 30 >/dev/null 2>&1 || true
assert_eq "$(deliveries "$BAD" "$mark" | awk '$1 != 1')" "" "a2: every member received exactly one message"
run_ok "a2: a third run of the finished campaign" \
    auth_send "$TESTBED_SMTP_AUTH_FILE" --list "$BAD" --message "$MESSAGE" --campaign "$BAD-c1" --json || true
assert_eq "$(json_get "$RUN_OUT" accepted)" 0 "a2: third run: accepted 0"
assert_eq "$(json_get "$RUN_OUT" already_done)" "$N_BAD" "a2: third run: already_done $N_BAD"

# ------------------------------------------------- (a3) the auth file's mode

for mode in 0640 0604; do
    install -m "$mode" "$TESTBED_SMTP_AUTH_FILE" "$E2E_TMP/auth-$mode"
    rc=0
    auth_send "$E2E_TMP/auth-$mode" --list "$GOOD" --message "$MESSAGE" --campaign "$GOOD-m$mode" \
        >"$E2E_TMP/out" 2>"$E2E_TMP/err" || rc=$?
    assert_eq "$rc" 78 "a3: an auth file with mode $mode is refused: exit 78"
    assert_match "$(cat "$E2E_TMP/err")" "smtp.authFile .* must not be readable by group or others" \
        "a3: mode $mode: the error says why"
    assert_eq "$(sql_value "SELECT COUNT(*) FROM send_log WHERE campaign_id = '$GOOD-m$mode'")" 0 \
        "a3: mode $mode: nothing queued"
done

# ------------------------------------------- (a4) AUTH configured, none offered

readonly NOTLS=notls-$E2E_RUN_ID N_NOTLS=2
make_list "$NOTLS" "$N_NOTLS"
failed_send a4 "$TESTBED_SMTP_AUTH_FILE" "$NOTLS" --define smtp.starttls=no
assert_eq "$RC" 78 "a4: no STARTTLS, so no AUTH offered: exit 78"
assert_match "$ERR" "does not offer SMTP AUTH" "a4: the error says the server offers no AUTH"
nothing_marked a4 "$NOTLS" "$N_NOTLS"

# --------------------------------------- (a5) a temporary AUTH failure (454)

readonly SASLDB=$TESTBED_POSTFIX_CONFIG/sasl/sasldb2
if [[ -f $SASLDB ]]; then
    readonly TEMP=temp-$E2E_RUN_ID N_TEMP=2
    make_list "$TEMP" "$N_TEMP"
    saved_mode=$(stat -c %a "$SASLDB")
    chmod 000 "$SASLDB"  # smtpd (user postfix) cannot open it: "454 4.7.0 Temporary authentication failure"
    failed_send a5 "$TESTBED_SMTP_AUTH_FILE" "$TEMP"
    chmod "$saved_mode" "$SASLDB"
    assert_eq "$RC" 75 "a5: the server's SASL backend fails: exit 75 (try again later)"
    assert_match "$ERR" "AUTH .* failed: 454" "a5: the error quotes the server's 454"
    nothing_marked a5 "$TEMP" "$N_TEMP"
    run_ok "a5: rerun once the backend works again" \
        auth_send "$TESTBED_SMTP_AUTH_FILE" --list "$TEMP" --message "$MESSAGE" --campaign "$TEMP-c1" --json || true
    assert_eq "$(json_get "$RUN_OUT" accepted)" "$N_TEMP" "a5: rerun: accepted $N_TEMP"
else
    note "a5 skipped: no $SASLDB (the test bed keeps its sasldb elsewhere)"
fi

finish
