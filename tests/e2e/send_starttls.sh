#!/usr/bin/env bash
# send_starttls: submission to a server that requires STARTTLS (the test bed's second
# smtpd, with a self-signed certificate for 127.0.0.1).
#
#   (t1) with smtp.starttls = required and the certificate as smtp.tlsCaFile the mail
#        goes out over TLS (Postfix logs the TLS connection);
#   (t2) without TLS the server refuses the mail (the smtpd really requires it);
#   (t3) with the system's trust store the self-signed certificate does not verify:
#        nothing is sent, exit 75, and the error says why;
#   (t4) smtp.tlsVerify = no accepts it anyway (the operator's explicit choice).
# t2 and t3 leave their campaign unfinished (its members stay queued): t3 and t4
# continue it with --resume, as an operator would.
source "$(dirname "$0")/lib.sh"

require_programs verpmail-send verpmail-admin
[[ -n ${TESTBED_SMTP_TLS:-} && -r ${TESTBED_TLS_CERT:-} ]] || cannot_run "the test bed has no STARTTLS smtpd"

readonly RUN=tl$E2E_RUN_ID LIST=tl-$E2E_RUN_ID
run_ok "list create $LIST" vadmin list create "$LIST" --from list@lists.example.test || fatal "list create"
member() { printf '%s\n' "$RUN-$1@accept.test" >"$E2E_TMP/m$1"; vadmin members import "$LIST" "$E2E_TMP/m$1" >/dev/null; }

# t1
member 1
mark=$(maillog_mark)
run_ok "t1: send over STARTTLS, verifying with the test bed's certificate" \
    vsend --list "$LIST" --message "$E2E_DATA/message.eml" --json --define "smtp.server=$TESTBED_SMTP_TLS" \
    --define smtp.starttls=required --define "smtp.tlsCaFile=$TESTBED_TLS_CERT" || true
assert_eq "$(json_get "$RUN_OUT" accepted)" 1 "t1: accepted"
assert_match "$(maillog_since "$mark")" "Anonymous TLS connection established from|TLS connection established from" \
    "t1: Postfix logged a TLS connection"

# t2: the same server without TLS refuses
member 2
rc=0
vsend --list "$LIST" --message "$E2E_DATA/message.eml" --json --define "smtp.server=$TESTBED_SMTP_TLS" \
    --define smtp.starttls=no >"$E2E_TMP/out" 2>"$E2E_TMP/err" || rc=$?
assert_eq "$rc" 75 "t2: without STARTTLS the server refuses: exit 75"
assert_eq "$(sql_value "SELECT COUNT(*) FROM send_log WHERE email = '$RUN-2@accept.test' AND status = 'accepted'")" 0 \
    "t2: nothing accepted without TLS"

# t3: default trust store: the self-signed certificate is refused
member 3
rc=0
vsend --list "$LIST" --message "$E2E_DATA/message.eml" --resume --define "smtp.server=$TESTBED_SMTP_TLS" \
    --define smtp.starttls=required >"$E2E_TMP/out" 2>"$E2E_TMP/err" || rc=$?
assert_eq "$rc" 75 "t3: an unverifiable certificate: exit 75"
assert_match "$(cat "$E2E_TMP/err")" "certificate" "t3: the error names the certificate"

# t4: verification off
run_ok "t4: smtp.tlsVerify=no" vsend --list "$LIST" --message "$E2E_DATA/message.eml" --json --resume \
    --define "smtp.server=$TESTBED_SMTP_TLS" --define smtp.starttls=required --define smtp.tlsVerify=no || true
assert_ge "$(json_get "$RUN_OUT" accepted)" 1 "t4: accepted"

finish
